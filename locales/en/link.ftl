cmd-link = Link your Discord and Telegram into one account
opt-link-code = The code /link showed you on your other platform
link-code-issued = Your link code: { $code }
    Within { $minutes } minutes, send /link { $code } from your other platform (Discord or Telegram). This account keeps everything; the other one's data moves into it.
link-code-invalid = That code is unknown or has expired (a code lasts 10 minutes and works once). Send /link on your other platform for a new one.
link-same-account = That code comes from this account: send /link { $code } from your other platform instead.
link-refused-both-paid = Both accounts have a paid plan, so I can't merge them without losing one. Cancel the plan of one account, then link again.
link-refused-same-platform = Both accounts already have a { $platform } identity, and an account holds one per platform. Link from an account that has no { $platform } identity yet.
link-done = Linked! One account now answers you on: { $identities }. Your usage was added up and everything else moved over.
link-refused-both-invoiced = Both accounts have issued invoices, and each invoice series must stay whole. Keep using the account you invoice from; I can't merge them.
link-refused-same-provider = Both accounts are connected to { $provider }, and an account holds one connection per provider, so I can't merge them. Keep using the account whose { $provider } channel you want to follow.
link-renumbered = New numbers for what moved over (numbers are never reused):
link-renumbered-deal = deal { $old } → deal { $new } ({ $label })
link-renumbered-idea = idea { $old } → idea { $new } ({ $label })
link-renumbered-more = …and { $count } more: see /deal list and /idea list.
