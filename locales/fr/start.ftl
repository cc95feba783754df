start-welcome = Bienvenue sur CreatorPilot ! Je surveille vos chaînes, publie un résumé quotidien, propose des idées de vidéos tirées de vos meilleurs contenus et tiens vos partenariats et factures en ordre.
start-welcome-back = Bon retour, { $name } !
start-what-next = Envoyez /help pour voir toutes les commandes, /language pour changer de langue, ou /plan pour voir votre offre.
start-ask-name = Comment dois-je vous appeler ?
start-name-invalid = Ce nom ne convient pas : { $max } caractères au plus, sur une seule ligne.
start-name-saved = Enchanté, { $name } ! Envoyez /help dès que vous avez besoin de moi.
start-welcome-first = Bienvenue sur CreatorPilot ! Avant de commencer, lisez comment je traite vos données et acceptez-le.
