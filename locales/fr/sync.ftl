## /sync : synchroniser les connexions du créateur maintenant.

cmd-sync = Synchroniser vos chaînes connectées maintenant
opt-sync-provider = all (par défaut), youtube, tiktok ou instagram
sync-nothing-connected = Aucune chaîne connectée à synchroniser. Connectez-en une avec /connect youtube (ou tiktok, instagram), ou ajoutez des chiffres à la main avec /stats add.
sync-not-connected = { $provider } n'est pas connecté. Connectez-le avec /connect { $name }, ou ajoutez ses chiffres à la main avec /stats add.
sync-running = Synchronisation de { $provider }…
sync-done-heading = Synchronisation terminée :
sync-result-synced = { $provider } : { $days ->
        [0] aucun nouveau jour publié pour l'instant
        [one] un jour de chiffres
       *[other] { $days } jours de chiffres
    }, { $videos ->
        [0] aucune nouvelle vidéo
        [one] une nouvelle vidéo
       *[other] { $videos } nouvelles vidéos
    }.
sync-result-reconnect = { $provider } : votre accès a expiré ou a été révoqué. Reconnectez-le avec le bouton ci-dessous ; votre historique est conservé.
sync-result-quota = { $provider } : le quota d'API du jour est épuisé. Réessayez après minuit heure du Pacifique.
sync-result-provider-down = { $provider } n'a pas répondu. La synchronisation quotidienne réessaiera ; vous pouvez aussi relancer /sync dans quelques minutes.
sync-result-busy = { $provider } : une synchronisation est déjà en cours. Ses chiffres arrivent dans un instant ; /channels l'affiche.
sync-result-skipped = { $provider } : rien à synchroniser pour cette connexion pour l'instant.
sync-result-failed = { $provider } : un problème est survenu de notre côté. La synchronisation quotidienne réessaiera.
sync-reconnect-provider = Reconnecter { $provider }
sync-result-over-plan = { $provider } : non synchronisé, car votre offre synchronise { $limit ->
        [one] une plateforme
       *[other] { $limit } plateformes
    }. Ses chiffres déjà reçus sont conservés ; /plan indique ce que donne l’offre suivante.
sync-over-plan = Votre offre { $plan } synchronise { $limit ->
        [one] une plateforme
       *[other] { $limit } plateformes
    } par leur compte : j’ai donc arrêté de synchroniser { $provider }. Ses chiffres déjà reçus sont conservés et restent visibles dans /stats. { $more ->
        [0] Déconnectez une autre plateforme avec /disconnect pour synchroniser { $provider } à nouveau.
       *[other] Passez à l’offre { $next } ({ $more } plateformes) avec /upgrade, ou déconnectez une autre plateforme avec /disconnect, pour synchroniser { $provider } à nouveau.
    }
