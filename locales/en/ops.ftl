ops-jobs-none = No failed or uncertain jobs.
ops-jobs-heading = { $count ->
        [one] One job needs a look:
       *[other] { $count } jobs need a look:
    }
ops-refund-done = Refunded: the Stars of payment { $charge } went back to Telegram user { $user }; a Stars plan it paid for ended.
ops-refund-unavailable = No Telegram bot runs in this process, so nothing was refunded. Run the command where the bot runs.
ops-refund-bad-user = { $user } is not a Telegram user id: use the number from the payment log.
