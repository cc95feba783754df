## /privacy : la politique de confidentialité

cmd-privacy = Comment vos données sont utilisées, conservées et partagées (confidentialité)
privacy-title = Politique de confidentialité de CreatorPilot (version { $version })
privacy-stored = Ce que nous conservons : vos identités de messagerie (Telegram, Discord, console) et réglages (langue, fuseau horaire) ; pour chaque chaîne connectée, l’accès accordé (chiffré) et ses chiffres par jour et par vidéo ; vos partenariats, votre identité d’entreprise (avec IBAN et logo) et vos factures ; vos idées et les derniers messages de brainstorming ; vos abonnements au résumé quotidien ; votre offre, vos compteurs d’usage et les références de paiement Stripe ou Telegram Stars ; les consentements que vous avez donnés, avec leur date.
privacy-why = Pourquoi : uniquement pour fournir ce que vous demandez — résumés, statistiques, idées, factures, rappels et votre offre. Pas de publicité, pas de revente, pas de profilage au-delà de vos propres statistiques.
privacy-how-long = Combien de temps : tant que votre compte existe. /forget efface tout d’un coup, sauf les factures et avoirs émis, que la loi française nous impose de garder 10 ans (avec l’identité qui y figure). Les éléments éphémères expirent d’eux-mêmes : codes de liaison et liens de connexion après 10 minutes, tâches terminées après une semaine, conversations de brainstorming après 24 heures sans activité.
privacy-providers = Qui reçoit quoi : le fournisseur d’IA (compatible OpenAI, et le fournisseur de secours si l’exploitant en a configuré un) reçoit les consignes construites à partir de vos chiffres, titres de vidéos et messages de brainstorming — jamais vos jetons d’accès ni vos coordonnées bancaires ; Stripe reçoit votre choix d’offre et ce que vous saisissez sur sa page de paiement (votre carte ne nous parvient jamais) ; Telegram gère les paiements en Stars ; Google (YouTube), TikTok et Instagram ne reçoivent que les demandes de vos propres chiffres, faites avec l’accès que vous avez accordé ; Telegram et Discord acheminent nos messages ; le serveur de messagerie envoie les factures que vous adressez aux marques.
privacy-security = Sécurité : les jetons de connexion sont chiffrés (AES-256-GCM) et n’apparaissent jamais dans les journaux ni les réponses ; l’exploitant peut changer les clés.
privacy-your-rights = Vos droits : /export télécharge tout ce que nous détenons sur vous (JSON) ; /disconnect retire l’accès d’une chaîne ; /forget efface votre compte ; /language change la langue. Avant toute connexion de chaîne, /connect montre ce qui sera lu et demande votre consentement.
privacy-contact = Questions ou demandes sur vos données : { $contact }
privacy-contact-none = Questions sur vos données : écrivez à l’exploitant de ce bot (aucune adresse de contact n’est encore configurée).

## Accepter la politique (/start, et le filtre avant toute autre commande)

privacy-summary = En bref : je conserve vos identités de messagerie et réglages, les chiffres de vos chaînes connectées (leur accès chiffré), vos partenariats, factures et idées. Le fournisseur d’IA reçoit des requêtes construites à partir de vos chiffres, titres et messages de brainstorming ; Stripe ou Telegram traitent les paiements ; YouTube, TikTok et Instagram ne reçoivent que les demandes portant sur vos propres chiffres. /export télécharge tout, /forget efface tout. La politique complète : /privacy.
privacy-gate-first = Avant cela, merci d’accepter la politique de confidentialité.
privacy-gate-changed = La politique de confidentialité a changé depuis la version que vous avez acceptée ({ $accepted }) ; la version { $version } est en vigueur. Ce qui a changé :
privacy-accept-ask = Acceptez la politique de confidentialité (version { $version }) pour continuer. D’ici là, seules /start, /help, /privacy, /export, /forget et /language fonctionnent, et rien n’est synchronisé ni généré pour vous.
privacy-accept-button = Accepter
privacy-read-button = Lire la politique
privacy-accepted = Merci : vous avez accepté la politique de confidentialité (version { $version }). /privacy l’affiche quand vous voulez.
privacy-send-again = Merci de renvoyer votre fichier ou vos réponses : ils n’ont pas été conservés pendant que la politique attendait votre accord.
privacy-digest-paused = Votre résumé quotidien est en pause jusqu’à ce que vous acceptiez la politique de confidentialité mise à jour : rien n’est synchronisé ni résumé pour vous d’ici là.
# Une phrase par version N de la politique (privacy-changes-N) : ce que cette version a changé.
privacy-changes-1 = Version 1 : la première politique écrite. Elle dit ce qui est conservé et pourquoi, pendant combien de temps, quels fournisseurs reçoivent quoi, et comment exporter ou effacer vos données ; connecter une chaîne demande désormais d’abord votre consentement explicite.
