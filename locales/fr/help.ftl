help-intro = Voici ce que je sais faire :
help-more = Envoyez /help suivi d'un nom de commande pour voir ses options, par ex. /help language.
help-optional = facultatif
help-default = par défaut
