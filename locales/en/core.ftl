## Engine sentences: argument errors, buttons, questions, internal errors.

err-line-too-long = That message is too long: send at most { $max } characters per message.
err-empty-command = Type a command name after the slash, for example /help.
err-unclosed-quote = A quote is not closed: add the missing " and send the command again.
err-unknown-command = I don't know /{ $command }. Send /help to see what I can do.
err-unknown-subcommand = /{ $command } has no "{ $sub }". Choose one of: { $subs }.
err-missing-subcommand = /{ $command } needs one of: { $subs }.
err-unknown-option = /{ $command } has no option "{ $option }". Its options are: { $options }.
err-repeated-option = You gave { $option } twice: keep one and send the command again.
err-repeated-too-often = { $option } can be given at most { $max } times: keep { $max } and send the command again.
err-too-many-arguments = /{ $command } does not take "{ $word }". Send /help { $command } to see its options.
err-missing-argument = /{ $command } needs { $option }. Send /help { $command } for an example.
err-missing-choice = /{ $command } needs { $option }: one of { $choices }.
err-too-long-value = { $option } is too long: keep it under { $max } characters.
err-not-a-number = { $option } must be a whole number, not "{ $value }".
err-out-of-range = { $option } must be between { $min } and { $max }.
err-not-a-boolean = { $option } must be yes or no, not "{ $value }".
err-invalid-choice = { $option } can't be "{ $value }": choose one of { $choices }.
err-plan-required = /{ $command } is part of the { $plan } plan. Send /plan to see yours.
err-file-unexpected = I wasn't expecting a file here. Send /help to see what I can do.
error-internal = Something went wrong on our side, sorry. Try again in a moment; if it keeps happening, tell us this reference: { $ref }.

button-invalid = This button has expired or isn't for you. Run the command again to get a fresh one.
button-already-used = That was already done: this button works only once.

question-optional-hint = (send - to skip)
question-answer-required = I need an answer here: type it, or send a command to do something else.
question-expired = This form has expired. Run the command again to start over.
question-page-title = { $title } ({ $page }/{ $pages })
question-continue = Continue
question-cancel = Cancel
question-cancelled = Cancelled: nothing was saved. Run the command again whenever you like.

free-text-hint = Commands start with a slash, like /help. Send /help to see everything I can do.

## Telegram front end.

telegram-file-too-big = That file is too big for me: Telegram lets bots download files up to { $max_mb } MB. Send a smaller one.
telegram-file-failed = I couldn't download that file from Telegram. Please send it again in a moment.
telegram-photo-not-file = Telegram compresses photos, which blurs a logo or a table. Please send it again as a file (📎 → File).
