## /disconnect: revoke the grant, delete the tokens, keep or delete the history.

cmd-disconnect = Disconnect a channel: revoke my access and delete its tokens
opt-disconnect-provider = youtube, tiktok or instagram
disconnect-ask = Disconnect { $title }? I will give up my access at the provider, delete its tokens and stop syncing it. Keep the numbers already collected, or delete them too?
disconnect-ask-source = Remove { $title }? It has no access to revoke. Keep the numbers already collected, or delete them too?
disconnect-button-keep = Disconnect, keep history
disconnect-button-delete = Disconnect, delete history
disconnect-button-cancel = Cancel
disconnect-not-connected = { $provider } is not connected: nothing to disconnect. /channels lists your channels.
disconnect-busy = A sync of { $provider } is running right now. Send /disconnect again in a minute.
disconnect-cancelled = Nothing changed.
disconnect-done-kept = { $provider } is disconnected. Its history is kept: /stats still shows it.
disconnect-done-deleted = { $provider } is disconnected and its history is deleted.
disconnect-revoked = I gave up my access at { $provider } and deleted its tokens.
disconnect-revoke-failed = { $provider } did not answer, so my access there may still be active. I deleted my copy of the tokens anyway and will try to revoke it again for a while; you can also remove CreatorPilot from the apps connected to your { $provider } account.
disconnect-remove-instagram = I deleted my copy of the Instagram tokens. Instagram has no way for an app to give up its access: to remove CreatorPilot there too, open Instagram → Settings → Website permissions → Apps and websites.
disconnect-remove-there = I deleted my copy of the { $provider } tokens. To remove CreatorPilot there too, remove it from the apps connected to your { $provider } account.
