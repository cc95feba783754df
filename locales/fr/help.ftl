help-intro = Voici ce que je sais faire :
help-more = Envoyez /help suivi d'un nom de commande pour voir ses options, par ex. /help language.
help-optional = facultatif
help-repeatable = répétable, jusqu'à { $max } fois
help-default = par défaut
