## /connect and the OAuth pages; the sync's messages.

cmd-connect = Connect a channel so its numbers sync by themselves
opt-connect-provider = youtube, tiktok or instagram
connect-open = Open this link to let me read your { $provider } numbers. It works once, for { $minutes } minutes.
connect-button = Connect { $provider }
connect-not-configured = { $provider } connections are not set up on this bot. Add your numbers by hand with /stats add, or send a CSV export as a document (/help import).
connect-done = { $provider } connected: { $channel }. Your first numbers are on their way; /channels shows the sync.
oauth-page-connected = { $provider } connected ({ $channel }). You can close this page and go back to the chat.
oauth-page-back-telegram = Back to Telegram
oauth-page-invalid = This link is not valid or was already used. Send /connect again in the chat.
oauth-page-expired = This link has expired. Send /connect again in the chat.
oauth-page-denied = The connection was cancelled. Send /connect again in the chat when you want.
oauth-page-code-refused = The provider refused this authorization. Send /connect again in the chat.
oauth-page-no-channel = This account has no YouTube channel. Sign in with the account that owns the channel and send /connect again.
oauth-page-provider-down = The provider did not answer. Try again in a few minutes with /connect.
oauth-instagram-personal = This Instagram account is a personal account, and Instagram only shares the numbers of professional accounts. In the Instagram app, open your profile, then ☰ → Settings → Account type and tools → Switch to professional account (Creator or Business; it is free and can be undone), then send /connect instagram again. Nothing was saved.
oauth-page-scopes-missing = Some of the permissions I need were not granted, so nothing was connected. Send /connect again in the chat and leave every permission ticked on the consent page.
oauth-page-failed = Something went wrong on our side. Try again in a few minutes with /connect.
sync-needs-reconnect = Your { $provider } access has expired or was revoked, so I stopped syncing it. Reconnect it with the button below (or /connect { $command }); your history is kept.
sync-reconnect-button = Reconnect { $provider }
connect-plan-limit = Your { $plan } plan connects { $limit ->
        [one] one platform
       *[other] { $limit } platforms
    } through their accounts, and { $limit ->
        [one] it is
       *[other] they are
    } in use. { $more ->
        [0] Disconnect one with /disconnect first, or add this one's numbers by hand with /stats add or /import.
       *[other] Disconnect one with /disconnect, add this one's numbers by hand with /stats add or /import, or move to the { $next } plan for { $more }: see /plan.
    }

## /connect: what will be read and stored, before the consent link

connect-consent-intro = Before you connect { $provider }, here is exactly what CreatorPilot will read and keep.
connect-consent-youtube = Read (read-only access, "youtube.readonly" and "yt-analytics.readonly"): your channel's name and subscriber count; your videos' titles, publication dates and durations; daily views, watch time, likes, comments and subscribers gained or lost, for the channel and per video.
connect-consent-tiktok = Read ("user.info.basic", "user.info.stats", "video.list"): your display name, follower and like counts; your videos' titles, dates and their views, likes, comments and shares.
connect-consent-instagram = Read ("instagram_business_basic", "instagram_business_manage_insights"): your professional account's username and follower count; the date and caption of your posts with their likes and comments; your account's daily reach and views.
connect-consent-kept = Kept in our database: those numbers per day and per video, and the access { $provider } grants (encrypted, never shown to anyone). Nothing is ever posted, changed or deleted on your account. /disconnect withdraws the access, /export shows everything we keep, /forget erases it. The whole policy: /privacy
connect-consent-accept = Accept and connect
connect-consent-cancel = Cancel
connect-consent-cancelled = Nothing was connected and nothing was recorded.
