## /stats : totaux, évolutions et graphique.

stats-all-platforms = Toutes les plateformes
stats-heading = 📊 { $platforms } · { $from } – { $to } ({ $days } jours)
stats-metric = { $label } : { $value }
stats-metric-change = { $label } : { $value } ({ $change } par rapport aux { $days } jours précédents)
stats-label-views = Vues
stats-label-watch = Durée de visionnage
stats-label-likes = J'aime
stats-label-comments = Commentaires
stats-label-shares = Partages
stats-followers = Abonnés : { $gained } gagnés, { $lost } perdus (solde { $net })
stats-engagement = Taux d'engagement : { $value }
stats-engagement-was = Taux d'engagement : { $value } (contre { $previous })
stats-provider-views = { $platform } : { $views } vues ({ $change })
stats-best = Meilleur contenu : « { $title } » sur { $platform }, { $views } vues
stats-worst = Le plus faible : « { $title } » sur { $platform }, { $views } vues
stats-chart-title = Vues et abonnés · { $from } – { $to }
chart-views = Vues
chart-followers = Abonnés gagnés
stats-empty = Pas encore de chiffres. Connectez une chaîne avec /connect youtube, ou ajoutez une journée à la main avec /stats add youtube today views=1200.
stats-empty-period = Aucun chiffre sur cette période. Essayez plus long, par exemple /stats 90d, ou ajoutez une journée avec /stats add.
stats-bad-period = Je ne connais pas la période « { $period } ». Utilisez 7d, 28d, 90d, 365d ou une plage comme 2026-10-01..2026-10-31.
stats-period-reversed = Cette plage se termine avant de commencer. Écrivez d'abord la date la plus ancienne, par exemple 2026-10-01..2026-10-31.
stats-period-future = Cette plage commence dans le futur. Choisissez des dates jusqu'à aujourd'hui.
stats-period-too-long = Cette plage dépasse deux ans. Choisissez-en une plus courte, ou utilisez 365d.
stats-plan-history = Votre offre { $plan } conserve { $limit } jours d’historique, et cette période commence avant. { $more ->
        [0] Choisissez une période dans les { $limit } derniers jours.
       *[other] Choisissez une période dans les { $limit } derniers jours, ou passez à l’offre { $next } pour { $more } jours : voir /plan.
    }
