## Command and option descriptions (Discord, Telegram's menu, /help).

cmd-start = Get started with CreatorPilot
opt-start-payload = A link code from a CreatorPilot button
cmd-help = List the commands, or explain one
opt-help-command = The command to explain
cmd-language = Choose the language I answer in
opt-language-code = Language: en (English) or fr (French)
cmd-plan = Your plan and this month's usage
cmd-export = Download everything we hold about you (JSON)
cmd-forget = Erase your account and data
cmd-ops = Operator tools
cmd-ops-jobs = Jobs that failed or whose delivery is uncertain
opt-ops-jobs-status = Only this status
cmd-ops-refund = Refund a Telegram Stars payment
opt-ops-refund-user = The payer's Telegram user id
opt-ops-refund-charge = The payment's telegram_payment_charge_id
cmd-upgrade = Subscribe to a paid plan
opt-upgrade-plan = Plan: creator or pro (default: the next one up)
cmd-billing = Manage your subscription: plan, card, invoices, cancel
