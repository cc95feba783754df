## /connect et les pages OAuth ; les messages de la synchronisation.

cmd-connect = Connecter une chaîne pour que ses chiffres se synchronisent seuls
opt-connect-provider = youtube, tiktok ou instagram
connect-open = Ouvrez ce lien pour me laisser lire vos chiffres { $provider }. Il sert une seule fois, pendant { $minutes } minutes.
connect-button = Connecter { $provider }
connect-not-configured = Les connexions { $provider } ne sont pas configurées sur ce bot. Ajoutez vos chiffres à la main avec /stats add, ou envoyez un export CSV en document (/help import).
connect-done = { $provider } connecté : { $channel }. Vos premiers chiffres arrivent ; /channels montre la synchronisation.
oauth-page-connected = { $provider } connecté ({ $channel }). Vous pouvez fermer cette page et revenir à la conversation.
oauth-page-back-telegram = Revenir sur Telegram
oauth-page-invalid = Ce lien n'est pas valide ou a déjà servi. Renvoyez /connect dans la conversation.
oauth-page-expired = Ce lien a expiré. Renvoyez /connect dans la conversation.
oauth-page-denied = La connexion a été annulée. Renvoyez /connect dans la conversation quand vous voulez.
oauth-page-code-refused = Le fournisseur a refusé cette autorisation. Renvoyez /connect dans la conversation.
oauth-page-no-channel = Ce compte n'a pas de chaîne YouTube. Connectez-vous avec le compte propriétaire de la chaîne et renvoyez /connect.
oauth-page-provider-down = Le fournisseur n'a pas répondu. Réessayez dans quelques minutes avec /connect.
oauth-instagram-personal = Ce compte Instagram est un compte personnel, et Instagram ne partage les chiffres que des comptes professionnels. Dans l'application Instagram, ouvrez votre profil, puis ☰ → Paramètres → Type de compte et outils → Passer à un compte professionnel (Créateur ou Entreprise ; c'est gratuit et réversible), puis renvoyez /connect instagram. Rien n'a été enregistré.
oauth-page-scopes-missing = Certaines autorisations nécessaires n'ont pas été accordées, donc rien n'a été connecté. Renvoyez /connect dans la conversation et laissez toutes les autorisations cochées sur la page de consentement.
oauth-page-failed = Un problème est survenu de notre côté. Réessayez dans quelques minutes avec /connect.
sync-needs-reconnect = Votre accès { $provider } a expiré ou a été révoqué, j'ai donc arrêté sa synchronisation. Reconnectez-le avec le bouton ci-dessous (ou /connect { $command }) ; votre historique est conservé.
sync-reconnect-button = Reconnecter { $provider }
connect-plan-limit = Votre offre { $plan } connecte { $limit ->
        [one] une plateforme
       *[other] { $limit } plateformes
    } par leur compte, déjà { $limit ->
        [one] utilisée
       *[other] utilisées
    }. { $more ->
        [0] Déconnectez-en une avec /disconnect d’abord, ou saisissez les chiffres de celle-ci à la main avec /stats add ou /import.
       *[other] Déconnectez-en une avec /disconnect, saisissez les chiffres de celle-ci à la main avec /stats add ou /import, ou passez à l’offre { $next } pour { $more } : voir /plan.
    }

## /connect : ce qui sera lu et conservé, avant le lien d’autorisation

connect-consent-intro = Avant de connecter { $provider }, voici exactement ce que CreatorPilot lira et conservera.
connect-consent-youtube = Lu (accès en lecture seule, « youtube.readonly » et « yt-analytics.readonly ») : le nom de votre chaîne et son nombre d’abonnés ; les titres, dates de publication et durées de vos vidéos ; chaque jour, les vues, la durée de visionnage, les j’aime, les commentaires et les abonnés gagnés ou perdus, pour la chaîne et par vidéo.
connect-consent-tiktok = Lu (« user.info.basic », « user.info.stats », « video.list ») : votre nom affiché, vos nombres d’abonnés et de j’aime ; les titres et dates de vos vidéos, avec leurs vues, j’aime, commentaires et partages.
connect-consent-instagram = Lu (« instagram_business_basic », « instagram_business_manage_insights ») : le nom et le nombre d’abonnés de votre compte professionnel ; la date et la légende de vos publications avec leurs j’aime et commentaires ; la portée et les vues quotidiennes de votre compte.
connect-consent-kept = Conservé dans notre base : ces chiffres par jour et par vidéo, et l’accès accordé par { $provider } (chiffré, jamais montré à quiconque). Rien n’est jamais publié, modifié ni supprimé sur votre compte. /disconnect retire l’accès, /export montre tout ce que nous gardons, /forget l’efface. La politique complète : /privacy
connect-consent-accept = Accepter et connecter
connect-consent-cancel = Annuler
connect-consent-cancelled = Rien n’a été connecté ni enregistré.
