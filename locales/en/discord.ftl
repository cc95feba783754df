# Discord front end
discord-answer-button = Answer
discord-file-too-big = That file is too big for me: I take attachments up to { $max_mb } MB. Attach a smaller one.
discord-file-failed = I couldn't download that attachment from Discord. Please run the command again in a moment.
