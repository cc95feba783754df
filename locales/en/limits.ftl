## Rate limits: one account sending commands faster than the bot serves one person.

rate-limited = You're sending messages faster than I can keep up with. Please wait { $seconds ->
        [one] a second
       *[other] { $seconds } seconds
    } and try again.

## The web endpoint's refusals (said in every language: the visitor's is not known).

web-too-many-requests = Too many requests from your address. Wait a moment, then try again.
web-too-large = This request is too large for this address.
