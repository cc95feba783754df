## /stats: totals, changes and the chart.

stats-all-platforms = All platforms
stats-heading = 📊 { $platforms } · { $from } – { $to } ({ $days } days)
stats-metric = { $label }: { $value }
stats-metric-change = { $label }: { $value } ({ $change } vs the previous { $days } days)
stats-label-views = Views
stats-label-watch = Watch time
stats-label-likes = Likes
stats-label-comments = Comments
stats-label-shares = Shares
stats-followers = Followers: { $gained } gained, { $lost } lost (net { $net })
stats-engagement = Engagement rate: { $value }
stats-engagement-was = Engagement rate: { $value } (was { $previous })
stats-provider-views = { $platform }: { $views } views ({ $change })
stats-best = Best: «{ $title }» on { $platform }, { $views } views
stats-worst = Weakest: «{ $title }» on { $platform }, { $views } views
stats-chart-title = Views and followers · { $from } – { $to }
chart-views = Views
chart-followers = Followers gained
stats-empty = No numbers yet. Connect a channel with /connect youtube, or add a day by hand with /stats add youtube today views=1200.
stats-empty-period = No numbers for this period. Try a longer one, such as /stats 90d, or add a day with /stats add.
stats-bad-period = I don't know the period "{ $period }". Use 7d, 28d, 90d, 365d or a range like 2026-10-01..2026-10-31.
stats-period-reversed = That range ends before it starts. Write the earlier date first, for example 2026-10-01..2026-10-31.
stats-period-future = That range starts in the future. Pick dates up to today.
stats-period-too-long = That range is longer than two years. Pick a shorter one, or use 365d.
stats-plan-history = Your { $plan } plan keeps { $limit } days of history, and this period starts earlier. { $more ->
        [0] Pick a period within the last { $limit } days.
       *[other] Pick a period within the last { $limit } days, or move to the { $next } plan for { $more } days: see /plan.
    }
