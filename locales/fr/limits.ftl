## Limites de débit : un compte qui envoie des commandes plus vite que le bot ne sert une personne.

rate-limited = Vous envoyez des messages plus vite que je ne peux suivre. Merci de patienter { $seconds ->
        [one] une seconde
       *[other] { $seconds } secondes
    } avant de réessayer.
