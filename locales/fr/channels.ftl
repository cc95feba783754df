## Chaînes : connexions, chiffres saisis à la main, import CSV.

cmd-stats = Vos chiffres : totaux, évolutions et graphique, ou saisie à la main
cmd-stats-show = Totaux et évolutions sur une période, avec un graphique
opt-stats-show-period = 7d, 28d, 90d, 365d ou une plage comme 2026-10-01..2026-10-31
opt-stats-show-platform = all, youtube, tiktok ou instagram
cmd-stats-add = Ajouter les chiffres d'un jour à la main (les métriques de votre choix)
opt-stats-add-platform = youtube, tiktok ou instagram
opt-stats-add-date = Le jour : AAAA-MM-JJ, today ou yesterday
opt-stats-add-views = Vues ce jour-là
opt-stats-add-likes = J'aime ce jour-là
opt-stats-add-comments = Commentaires ce jour-là
opt-stats-add-shares = Partages ce jour-là
opt-stats-add-followers = Nombre total d'abonnés ce jour-là
opt-stats-add-watch_minutes = Minutes regardées ce jour-là
stats-add-saved = Enregistré pour { $platform } le { $date } : { $metrics }.
stats-add-bad-date = Je ne comprends pas la date « { $date } ». Écrivez-la AAAA-MM-JJ (par exemple 2026-03-01), today ou yesterday.
stats-add-future-date = Le { $date } est dans le futur : on ne peut ajouter des chiffres que pour aujourd'hui ou avant.
stats-add-negative = { $metric } ne peut pas être négatif : indiquez 0 ou plus.
stats-add-no-metric = Indiquez au moins un chiffre, par exemple : /stats add youtube today views=1200 likes=80

cmd-import = Importer des chiffres quotidiens depuis un fichier CSV
opt-import-path = Le chemin du fichier CSV (console seulement)
opt-import-platform = À qui sont ces chiffres : youtube, tiktok ou instagram
import-how = Envoyez le fichier CSV ici comme document (dans la console : /import CHEMIN youtube). Il lui faut une colonne de date et des colonnes de métriques ; /help import les liste.
import-send-file = Envoyez le fichier CSV ici comme document : je ne lis des chemins de fichiers que dans la console.
import-too-big = Ce fichier dépasse 5 Mo. Découpez-le par période et envoyez les morceaux un par un.
import-unreadable = Je n'arrive pas à lire { $path }. Vérifiez le chemin et relancez /import.
import-done = { $days } jours importés pour { $platforms }.
import-empty = Ce fichier n'a aucune ligne à importer. Vérifiez qu'il a une ligne d'en-tête et au moins un jour.
import-no-date-column = Ce fichier n'a pas de colonne de date. Nommez-la date (ou jour) et renvoyez-le.
import-no-metric-column = Ce fichier n'a aucune colonne que je connais, comme vues, j'aime, commentaires, partages, abonnés ou watch_minutes. Renommez les colonnes et renvoyez-le.
import-no-platform-console = Pour quelle plateforme sont ces chiffres ? Ajoutez-la après le chemin, par exemple /import chiffres.csv youtube, ou ajoutez une colonne plateforme.
import-no-platform-file = Pour quelle plateforme sont ces chiffres ? Mettez youtube, tiktok ou instagram dans le nom du fichier, ou ajoutez une colonne plateforme, puis renvoyez-le.
import-bad-date = Ligne { $line } : je ne comprends pas la date « { $value } ». Écrivez les dates AAAA-MM-JJ ; rien n'a été importé.
import-future-date = Ligne { $line } : le { $value } est dans le futur. Retirez cette ligne ; rien n'a été importé.
import-bad-number = Ligne { $line } : « { $value } » dans { $column } n'est pas un nombre entier positif ou nul. Corrigez-le ; rien n'a été importé.
import-repeated = Ligne { $line } : le { $value } apparaît deux fois. Gardez une ligne par jour ; rien n'a été importé.
import-unknown-platform = Ligne { $line } : « { $value } » n'est ni youtube, ni tiktok, ni instagram. Corrigez-le ; rien n'a été importé.
import-unreadable-line = La ligne { $line } est illisible (vérifiez ses guillemets et séparateurs) ; rien n'a été importé.

cmd-channels = Vos chaînes connectées et l'état de leur synchronisation
channels-none = Aucune chaîne pour l'instant. Connectez-en une avec /connect youtube (ou tiktok, instagram), ou ajoutez des chiffres à la main avec /stats add.
channels-heading = Vos chaînes :
channels-status-active = connectée
channels-status-reconnect = à reconnecter (/connect)
channels-status-disconnected = déconnectée, historique conservé
channels-status-manual = chiffres saisis à la main ou par CSV
channels-status-demo = données de démonstration
channels-last-sync = dernière synchro { $when }
channels-never-synced = pas encore synchronisée
channels-quota = { $units } unités d'API utilisées aujourd'hui
forget-erased-channels = { $count } connexions de chaînes, leurs jetons et leurs chiffres
channels-just-connected = Bon retour ! La chaîne que vous venez de connecter :
channels-just-connected-next = Ses premiers chiffres arrivent dans quelques minutes : /sync les récupère maintenant, /stats les affiche.
