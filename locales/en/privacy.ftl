## /privacy: the privacy policy

cmd-privacy = How your data is used, kept and shared (privacy policy)
privacy-title = CreatorPilot's privacy policy (version { $version })
privacy-stored = What we store: your chat identities (Telegram, Discord, console) and settings (language, time zone); for each connected channel, the access it granted (encrypted) and its numbers per day and per video; your deals, business profile (with your IBAN and logo) and invoices; your ideas and recent brainstorm messages; digest subscriptions; your plan, usage counters and the payment references of Stripe or Telegram Stars; the consents you gave, with their date.
privacy-why = Why: only to provide what you ask for — digests, statistics, ideas, invoices, reminders and your plan. No advertising, no sale of data, no profiling beyond your own statistics.
privacy-how-long = How long: as long as your account exists. /forget erases everything at once, except issued invoices and credit notes, which French law requires us to keep for 10 years (with the identity printed on them). Short-lived items expire by themselves: link codes and connection links after 10 minutes, finished background tasks after a week, brainstorm conversations after 24 hours without activity.
privacy-providers = Who receives what: the AI provider (OpenAI-compatible, and the backup provider when the operator set one) receives the prompts built from your numbers, video titles and brainstorm messages — never your access tokens or bank details; Stripe receives your plan choice and what you type on its checkout page (your card never reaches us); Telegram handles Stars payments; Google (YouTube), TikTok and Instagram receive only the requests for your own numbers, made with the access you granted; Telegram and Discord carry our messages; the mail server sends the invoices you email to brands.
privacy-security = Security: connection tokens are encrypted (AES-256-GCM) and never written to logs or replies; the operator can rotate the keys.
privacy-your-rights = Your rights: /export downloads everything we hold about you (JSON); /disconnect withdraws a channel's access; /forget erases your account; /language changes the language. Before any channel is connected, /connect shows what it will read and asks for your consent.
privacy-contact = Questions or requests about your data: { $contact }
privacy-contact-none = Questions about your data: write to the operator of this bot (no contact address is configured yet).

## Accepting the policy (/start, and the gate before any other command)

privacy-summary = In short: I keep your chat identities and settings, your connected channels' numbers (their access encrypted), your deals, invoices and ideas. The AI provider receives prompts built from your numbers, titles and brainstorm messages; Stripe or Telegram handle payments; YouTube, TikTok and Instagram only receive requests for your own numbers. /export downloads all of it, /forget erases it. The whole policy: /privacy.
privacy-gate-first = Before I can do that, please accept the privacy policy.
privacy-gate-changed = The privacy policy changed since the version you accepted ({ $accepted }); version { $version } is in force. What changed:
privacy-accept-ask = Accept the privacy policy (version { $version }) to go on. Until then only /start, /help, /privacy, /export, /forget and /language work, and nothing is synced or generated for you.
privacy-accept-button = Accept
privacy-read-button = Read the policy
privacy-accepted = Thank you: you accepted the privacy policy (version { $version }). /privacy shows it whenever you want.
privacy-send-again = Please send your file or answers again: they were not kept while the policy waited for your acceptance.
privacy-digest-paused = Your digest is paused until you accept the updated privacy policy: nothing is synced or summarised for you until then.
# One sentence per policy version N (privacy-changes-N): what that version changed.
privacy-changes-1 = Version 1: the first written policy. It says what is stored and why, for how long, which providers receive what, and how to export or erase your data; connecting a channel now asks for your explicit consent first.
