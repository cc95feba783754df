## /disconnect : révoquer l'accès, supprimer les jetons, garder ou supprimer l'historique.

cmd-disconnect = Déconnecter une chaîne : révoquer mon accès et supprimer ses jetons
opt-disconnect-provider = youtube, tiktok ou instagram
disconnect-ask = Déconnecter { $title } ? Je renonce à mon accès chez le fournisseur, je supprime ses jetons et j'arrête sa synchronisation. Garder les chiffres déjà collectés, ou les supprimer aussi ?
disconnect-ask-source = Retirer { $title } ? Il n'y a pas d'accès à révoquer. Garder les chiffres déjà collectés, ou les supprimer aussi ?
disconnect-button-keep = Déconnecter, garder l'historique
disconnect-button-delete = Déconnecter, supprimer l'historique
disconnect-button-cancel = Annuler
disconnect-not-connected = { $provider } n'est pas connecté : rien à déconnecter. /channels liste vos chaînes.
disconnect-busy = Une synchronisation de { $provider } est en cours. Renvoyez /disconnect dans une minute.
disconnect-cancelled = Rien n'a changé.
disconnect-done-kept = { $provider } est déconnecté. Son historique est conservé : /stats l'affiche toujours.
disconnect-done-deleted = { $provider } est déconnecté et son historique est supprimé.
disconnect-revoked = J'ai renoncé à mon accès chez { $provider } et supprimé ses jetons.
disconnect-revoke-failed = { $provider } n'a pas répondu, mon accès y est donc peut-être encore actif. J'ai tout de même supprimé ma copie des jetons et je réessaierai de le révoquer pendant un moment ; vous pouvez aussi retirer CreatorPilot des applications connectées à votre compte { $provider }.
disconnect-remove-instagram = J'ai supprimé ma copie des jetons Instagram. Instagram ne permet pas à une application de renoncer à son accès : pour y retirer aussi CreatorPilot, ouvrez Instagram → Paramètres → Autorisations des sites web → Applications et sites web.
disconnect-remove-there = J'ai supprimé ma copie des jetons { $provider }. Pour y retirer aussi CreatorPilot, retirez-le des applications connectées à votre compte { $provider }.
