plan-current = Your plan: { $plan }
plan-name-free = Free
plan-name-creator = Creator
plan-name-pro = Pro
plan-usage-heading = This month ({ $start } to { $end }, UTC):
plan-feature-ideas_generated = Ideas generated: { $used } of { $limit }
plan-feature-invoices_created = Invoices created: { $used } of { $limit }
plan-limits = Also in your plan: { $platforms ->
        [one] one connected platform
       *[other] { $platforms } connected platforms
    }, { $destinations ->
        [one] one digest destination
       *[other] { $destinations } digest destinations
    }, { $history } days of history, { $summary ->
        [1] AI summaries in digests
       *[0] no AI summaries in digests
    }.
plan-next = Need more? The { $plan } plan raises these limits.
