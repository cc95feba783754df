forget-warning = Ceci efface votre compte : vos réglages, liens de discussion, consommation, partenariats, profil d'entreprise et fichiers enregistrés. C'est irréversible. Les factures et avoirs émis, avec l'identité qui y figure, sont conservés les 10 ans qu'exige la loi. Téléchargez d'abord une copie avec /export si vous le souhaitez.
forget-button-confirm = Tout effacer
forget-button-cancel = Annuler
forget-done = C'est fait. J'ai effacé :
forget-erased-account = votre compte et ses réglages
forget-erased-identities = { $count ->
        [one] une identité de discussion
       *[other] { $count } identités de discussion
    }
forget-erased-usage = { $count ->
        [one] un relevé de consommation
       *[other] { $count } relevés de consommation
    }
forget-erased-jobs = { $count ->
        [one] une tâche planifiée
       *[other] { $count } tâches planifiées
    }
forget-erased-files = { $count ->
        [one] un fichier enregistré
       *[other] { $count } fichiers enregistrés
    }
forget-goodbye = Merci d'avoir essayé CreatorPilot. Si vous m'écrivez à nouveau, vous repartirez de zéro.
forget-cancelled = Rien n'a été effacé.
forget-kept = Conservé, comme l'exige la loi (10 ans de pièces comptables) :
forget-erased-deals = { $count ->
        [one] un partenariat
       *[other] { $count } partenariats
    }
forget-erased-profile = votre profil d'entreprise
forget-kept-invoices = { $count ->
        [one] une facture ou un avoir émis, avec son PDF
       *[other] { $count } factures et avoirs émis, avec leurs PDF
    }
