plan-current = Votre offre : { $plan }
plan-name-free = Gratuite
plan-name-creator = Créateur
plan-name-pro = Pro
plan-usage-heading = Ce mois-ci (du { $start } au { $end }, UTC) :
plan-feature-ideas_generated = Idées générées : { $used } sur { $limit }
plan-feature-invoices_created = Factures créées : { $used } sur { $limit }
plan-limits = Également dans votre offre : { $platforms ->
        [one] une plateforme connectée
       *[other] { $platforms } plateformes connectées
    }, { $destinations ->
        [one] une destination de résumé
       *[other] { $destinations } destinations de résumé
    }, { $history } jours d'historique, { $summary ->
        [1] résumés IA dans les bilans
       *[0] pas de résumé IA dans les bilans
    }.
plan-next = Besoin de plus ? L'offre { $plan } relève ces limites.
