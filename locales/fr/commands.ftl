## Descriptions des commandes et options (Discord, menu Telegram, /help).

cmd-start = Bien démarrer avec CreatorPilot
opt-start-payload = Un code de lien venu d'un bouton CreatorPilot
cmd-help = Lister les commandes, ou en expliquer une
opt-help-command = La commande à expliquer
cmd-language = Choisir la langue de mes réponses
opt-language-code = Langue : en (anglais) ou fr (français)
cmd-plan = Votre offre et votre consommation du mois
cmd-export = Télécharger tout ce que nous détenons sur vous (JSON)
cmd-forget = Effacer votre compte et vos données
cmd-ops = Outils d'exploitation
cmd-ops-jobs = Tâches en échec ou dont l'envoi est incertain
opt-ops-jobs-status = Seulement ce statut
cmd-ops-refund = Rembourser un paiement en Telegram Stars
opt-ops-refund-user = L'identifiant Telegram de la personne qui a payé
opt-ops-refund-charge = Le telegram_payment_charge_id du paiement
cmd-upgrade = Passer à une offre payante
opt-upgrade-plan = Offre : creator ou pro (par défaut : celle au-dessus de la vôtre)
cmd-billing = Gérer votre abonnement : offre, carte, factures, résiliation
