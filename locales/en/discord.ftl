# Discord front end
discord-answer-button = Answer
