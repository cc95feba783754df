forget-warning = This erases your account: your settings, chat links, usage, brand deals, business profile and stored files. It cannot be undone. Issued invoices and credit notes, with the identity printed on them, are kept for the 10 years the law requires. Download a copy first with /export if you want one.
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
forget-kept = Kept, as the law requires (10 years of accounting records):
forget-erased-deals = { $count ->
        [one] one brand deal
       *[other] { $count } brand deals
    }
forget-erased-profile = your business profile
forget-kept-invoices = { $count ->
        [one] one issued invoice or credit note, with its PDF
       *[other] { $count } issued invoices and credit notes, with their PDFs
    }
