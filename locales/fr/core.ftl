## Phrases du moteur : erreurs d'arguments, boutons, questions, erreurs internes.

err-line-too-long = Ce message est trop long : envoyez au plus { $max } caractères par message.
err-empty-command = Tapez un nom de commande après la barre oblique, par exemple /help.
err-unclosed-quote = Un guillemet n'est pas fermé : ajoutez le " manquant et renvoyez la commande.
err-unknown-command = Je ne connais pas /{ $command }. Envoyez /help pour voir ce que je sais faire.
err-unknown-subcommand = /{ $command } n'a pas de « { $sub } ». Choisissez parmi : { $subs }.
err-missing-subcommand = /{ $command } attend l'un de : { $subs }.
err-unknown-option = /{ $command } n'a pas d'option « { $option } ». Ses options sont : { $options }.
err-repeated-option = Vous avez donné { $option } deux fois : gardez-en une et renvoyez la commande.
err-repeated-too-often = { $option } peut être donné { $max } fois au plus : gardez-en { $max } et renvoyez la commande.
err-too-many-arguments = /{ $command } n'attend pas « { $word } ». Envoyez /help { $command } pour voir ses options.
err-missing-argument = /{ $command } a besoin de { $option }. Envoyez /help { $command } pour un exemple.
err-missing-choice = /{ $command } a besoin de { $option } : l'un de { $choices }.
err-too-long-value = { $option } est trop long : restez sous { $max } caractères.
err-not-a-number = { $option } doit être un nombre entier, pas « { $value } ».
err-out-of-range = { $option } doit être compris entre { $min } et { $max }.
err-not-a-boolean = { $option } doit valoir oui ou non, pas « { $value } ».
err-invalid-choice = { $option } ne peut pas valoir « { $value } » : choisissez parmi { $choices }.
err-plan-required = /{ $command } fait partie de l'offre { $plan }. Envoyez /plan pour voir la vôtre.
err-file-unexpected = Je n'attendais pas de fichier ici. Envoyez /help pour voir ce que je sais faire.
error-internal = Un problème est survenu de notre côté, désolé. Réessayez dans un instant ; si cela continue, donnez-nous cette référence : { $ref }.

button-invalid = Ce bouton a expiré ou ne vous est pas destiné. Relancez la commande pour en obtenir un nouveau.
button-already-used = C'est déjà fait : ce bouton ne fonctionne qu'une fois.

question-optional-hint = (envoyez - pour passer)
question-answer-required = J'ai besoin d'une réponse ici : tapez-la, ou envoyez une commande pour faire autre chose.
question-expired = Ce formulaire a expiré. Relancez la commande pour recommencer.
question-page-title = { $title } ({ $page }/{ $pages })
question-continue = Continuer
question-cancel = Annuler
question-cancelled = Annulé : rien n'a été enregistré. Relancez la commande quand vous voulez.

free-text-hint = Les commandes commencent par une barre oblique, comme /help. Envoyez /help pour voir tout ce que je sais faire.

## Interface Telegram.

telegram-file-too-big = Ce fichier est trop gros pour moi : Telegram permet aux bots de télécharger jusqu’à { $max_mb } Mo. Envoyez-en un plus petit.
telegram-file-failed = Je n’ai pas pu télécharger ce fichier depuis Telegram. Renvoyez-le dans un instant, s’il vous plaît.
telegram-photo-not-file = Telegram compresse les photos, ce qui brouille un logo ou un tableau. Renvoyez-la en fichier (📎 → Fichier), s’il vous plaît.
