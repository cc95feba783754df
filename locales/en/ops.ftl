ops-jobs-none = No failed or uncertain jobs.
ops-jobs-heading = { $count ->
        [one] One job needs a look:
       *[other] { $count } jobs need a look:
    }
