## /sync: syncing the creator's connections now.

cmd-sync = Sync your connected channels now
opt-sync-provider = all (default), youtube, tiktok or instagram
sync-nothing-connected = No connected channel to sync. Connect one with /connect youtube (or tiktok, instagram), or add numbers by hand with /stats add.
sync-not-connected = { $provider } is not connected. Connect it with /connect { $name }, or add its numbers by hand with /stats add.
sync-running = Syncing { $provider }…
sync-done-heading = Sync finished:
sync-result-synced = { $provider }: { $days ->
        [0] no new days reported yet
        [one] one day of numbers
       *[other] { $days } days of numbers
    }, { $videos ->
        [0] no new videos
        [one] one new video
       *[other] { $videos } new videos
    }.
sync-result-reconnect = { $provider }: your access expired or was revoked. Reconnect with the button below; your history is kept.
sync-result-quota = { $provider }: today's API quota is spent. Try again after midnight Pacific time.
sync-result-provider-down = { $provider } did not answer. The daily sync will try again; you can also retry /sync in a few minutes.
sync-result-busy = { $provider }: a sync is already running. Its numbers will be there in a moment; /channels shows it.
sync-result-skipped = { $provider }: nothing to sync for this connection yet.
sync-result-failed = { $provider }: something went wrong on our side. The daily sync will try again.
sync-reconnect-provider = Reconnect { $provider }
sync-result-over-plan = { $provider }: not synced, because your plan syncs { $limit ->
        [one] one platform
       *[other] { $limit } platforms
    }. Its numbers so far are kept; /plan says what the next plan gives.
sync-over-plan = Your { $plan } plan syncs { $limit ->
        [one] one platform
       *[other] { $limit } platforms
    } through their accounts, so I stopped syncing { $provider }. Its numbers so far are kept and still show in /stats. { $more ->
        [0] Disconnect another platform with /disconnect to sync { $provider } again.
       *[other] Move to the { $next } plan ({ $more } platforms) with /upgrade, or disconnect another platform with /disconnect, to sync { $provider } again.
    }
