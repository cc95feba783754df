## Limites de débit : un compte qui envoie des commandes plus vite que le bot ne sert une personne.

rate-limited = Vous envoyez des messages plus vite que je ne peux suivre. Merci de patienter { $seconds ->
        [one] une seconde
       *[other] { $seconds } secondes
    } avant de réessayer.

## Les refus du point d'accès web (dits dans toutes les langues : celle du visiteur est inconnue).

web-too-many-requests = Trop de requêtes depuis votre adresse. Patientez un instant, puis réessayez.
web-too-large = Cette requête est trop volumineuse pour cette adresse.
