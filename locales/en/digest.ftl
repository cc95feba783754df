## /digest: the daily digest.

cmd-digest = Your daily digest: numbers, milestones and a chart every morning
cmd-digest-on = Start the daily digest (time, time zone, here = this channel or group)
opt-digest-on-time = The local time, e.g. 09:00
opt-digest-on-tz = Your time zone, e.g. Europe/Paris
opt-digest-on-where = here = this channel or group (admins), dm = your DM
cmd-digest-off = Stop the digest here, or everywhere with all
opt-digest-off-scope = here = this channel or group, all = every digest
cmd-digest-now = Show today's digest now (the schedule stays as it is)
cmd-digest-status = Where and when your digests go
cmd-digest-theme = Chart colours: dark or light
opt-digest-theme-theme = dark or light

digest-bad-zone = I don't know the time zone "{ $zone }". Write it like Europe/Paris, America/New_York or UTC.
digest-bad-time = I can't read "{ $time }" as a time. Write it like 09:00, 9h30 or 7pm, then a time zone and here if you want it in this chat.
digest-here-admins-only = Only admins of this group or server can send the digest here. Run /digest on without here to get it in your DM.
digest-ask-zone = Which time zone are you in? Write it like Europe/Paris, America/New_York or UTC.
digest-on = Daily digest on: every day at { $time } ({ $zone }) in { $place }. Next one: { $next }. /digest now shows one right away; /digest off stops it.
digest-off = Digest stopped. /digest on starts it again with the same settings.
digest-off-all = { $count ->
    [one] Your digest is stopped.
   *[other] Your { $count } digests are stopped.
} /digest on starts one again.
digest-off-nothing = There is no active digest here. /digest status lists yours.
digest-paused = Digest paused. /digest on starts it again.
digest-status-none = You have no digest yet. /digest on 09:00 Europe/Paris sends one to your DM every morning; add here to get it in this channel or group.
digest-status-heading = Your digests:
digest-status-line = • { $place }: { $time } ({ $zone }), { $theme } chart, { $state }
digest-status-next = next { $next }
digest-status-paused = paused (/digest on to resume)
digest-status-unreachable = paused: I could not post there any more (check that the bot is still in that chat and allowed to write)
digest-theme-dark = dark
digest-theme-light = light
digest-theme-set = Charts here are now { $theme }.
digest-theme-no-digest = There is no digest here yet. Start one with /digest on, then choose its theme.
digest-place-dm = your { $platform } DM
digest-place-shared = this { $platform } chat
digest-button-brainstorm = Brainstorm on this
digest-button-stats = Full stats
digest-button-pause = Pause digest
digest-paused-unreachable = I could not post your digest on { $platform } any more (removed from the chat, or blocked), so that digest is paused. Fix it there, then run /digest on.
digest-no-data = No numbers for your digest yet. Connect a channel with /connect youtube, or add a day with /stats add youtube yesterday views=1200.
digest-chart-title = Views and followers · last { $days } days
digest-heading = ☀️ Your digest for { $date }
digest-heading-latest = ☀️ Your digest for { $date } (the latest day your platforms have reported)
digest-all-platforms = All platforms
digest-summary-views = On { $date } you had { $views } views.
digest-summary-views-trend = On { $date } you had { $views } views, { $trend ->
    [up] { $change } above
    [down] { $change } below
   *[flat] close to
} your 7-day average.
digest-summary-gained = You gained { $count } followers.
digest-summary-lost = You lost { $count } followers.
digest-summary-outperformer = «{ $title }» on { $platform } is at { $ratio }× your usual views for its age.
digest-summary-quiet = No activity was reported for { $date }.
digest-line = { $platform }: { $views } views · vs 7-day average { $average } · vs a week ago { $week_ago }
digest-milestone-followers = 🎉 { $platform } passed { $threshold } followers.
digest-milestone-views = 🎉 «{ $title }» passed { $threshold } views on { $platform }.
digest-outperformer = 🚀 «{ $title }» ({ $platform }): { $views } views at { $days } days old, { $ratio }× your usual.
forget-erased-digests = { $count } digest subscriptions
digest-plan-limit = Your { $plan } plan sends the digest to { $limit ->
        [one] one destination
       *[other] { $limit } destinations
    }, and { $limit ->
        [one] it is
       *[other] they are
    } in use. { $more ->
        [0] Turn one off with /digest off first (/digest status lists them).
       *[other] Turn one off with /digest off (/digest status lists them), or move to the { $next } plan for { $more }: see /plan.
    }
digest-paused-plan = Your plan sends the digest to { $limit ->
        [one] one destination
       *[other] { $limit } destinations
    }, so I paused the one on { $place } (nothing is deleted). See /plan to get more, or turn another off with /digest off and resume this one with /digest on there.
digest-status-plan = paused: beyond your plan's destinations (/plan)
