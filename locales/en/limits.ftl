## Rate limits: one account sending commands faster than the bot serves one person.

rate-limited = You're sending messages faster than I can keep up with. Please wait { $seconds ->
        [one] a second
       *[other] { $seconds } seconds
    } and try again.
