forget-warning = This erases your account: your settings, chat links, usage and stored files. It cannot be undone. Download a copy first with /export if you want one.
forget-button-confirm = Erase everything
forget-button-cancel = Cancel
forget-done = Done. I erased:
forget-erased-account = your account and its settings
forget-erased-identities = { $count ->
        [one] one chat identity
       *[other] { $count } chat identities
    }
forget-erased-usage = { $count ->
        [one] one usage record
       *[other] { $count } usage records
    }
forget-erased-jobs = { $count ->
        [one] one scheduled task
       *[other] { $count } scheduled tasks
    }
forget-erased-files = { $count ->
        [one] one stored file
       *[other] { $count } stored files
    }
forget-goodbye = Thanks for trying CreatorPilot. If you write to me again, you'll start fresh.
forget-cancelled = Nothing was erased.
