# Front end Discord
discord-answer-button = Répondre
