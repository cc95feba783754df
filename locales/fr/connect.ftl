## /connect et les pages OAuth ; les messages de la synchronisation.

cmd-connect = Connecter une chaîne pour que ses chiffres se synchronisent seuls
opt-connect-provider = youtube, tiktok ou instagram
connect-open = Ouvrez ce lien pour me laisser lire vos chiffres { $provider }. Il sert une seule fois, pendant { $minutes } minutes.
connect-button = Connecter { $provider }
connect-not-configured = Les connexions { $provider } ne sont pas configurées sur ce bot. Ajoutez vos chiffres à la main avec /stats add, ou envoyez un export CSV en document (/help import).
connect-not-available = La connexion { $provider } n'est pas encore disponible. Ajoutez vos chiffres à la main avec /stats add, ou envoyez un export CSV en document (/help import).
connect-done = { $provider } connecté : { $channel }. Vos premiers chiffres arrivent ; /channels montre la synchronisation.
oauth-page-connected = { $provider } connecté ({ $channel }). Vous pouvez fermer cette page et revenir à la conversation.
oauth-page-back-telegram = Revenir sur Telegram
oauth-page-invalid = Ce lien n'est pas valide ou a déjà servi. Renvoyez /connect dans la conversation.
oauth-page-expired = Ce lien a expiré. Renvoyez /connect dans la conversation.
oauth-page-denied = La connexion a été annulée. Renvoyez /connect dans la conversation quand vous voulez.
oauth-page-code-refused = Le fournisseur a refusé cette autorisation. Renvoyez /connect dans la conversation.
oauth-page-no-channel = Ce compte n'a pas de chaîne YouTube. Connectez-vous avec le compte propriétaire de la chaîne et renvoyez /connect.
oauth-page-provider-down = Le fournisseur n'a pas répondu. Réessayez dans quelques minutes avec /connect.
oauth-page-failed = Un problème est survenu de notre côté. Réessayez dans quelques minutes avec /connect.
sync-needs-reconnect = Votre accès YouTube a expiré ou a été révoqué, j'ai donc arrêté sa synchronisation. Reconnectez-le avec le bouton ci-dessous (ou /connect youtube) ; votre historique est conservé.
sync-reconnect-button = Reconnecter YouTube
