ops-jobs-none = Aucune tâche en échec ou incertaine.
ops-jobs-heading = { $count ->
        [one] Une tâche demande votre attention :
       *[other] { $count } tâches demandent votre attention :
    }
ops-refund-done = Remboursé : les Stars du paiement { $charge } sont revenues à l'utilisateur Telegram { $user } ; l'offre en Stars qu'il payait a pris fin.
ops-refund-unavailable = Aucun bot Telegram ne tourne dans ce processus : rien n'a été remboursé. Lancez la commande là où tourne le bot.
ops-refund-bad-user = { $user } n'est pas un identifiant Telegram : utilisez le nombre du journal des paiements.
