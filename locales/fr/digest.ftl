## /digest : le récapitulatif quotidien.

cmd-digest = Votre récap quotidien : chiffres, paliers et graphique chaque matin
cmd-digest-on = Activer le récap quotidien (heure, fuseau, here = ce salon ou ce groupe)
opt-digest-on-time = L'heure locale, par exemple 09:00
opt-digest-on-tz = Votre fuseau horaire, par exemple Europe/Paris
opt-digest-on-where = here = ce salon ou ce groupe (admins), dm = vos messages privés
cmd-digest-off = Arrêter le récap ici, ou partout avec all
opt-digest-off-scope = here = ce salon ou ce groupe, all = tous vos récaps
cmd-digest-now = Afficher le récap du jour maintenant (le planning ne change pas)
cmd-digest-status = Où et quand partent vos récaps
cmd-digest-theme = Couleurs du graphique : dark (sombre) ou light (clair)
opt-digest-theme-theme = dark ou light

digest-bad-zone = Je ne connais pas le fuseau horaire « { $zone } ». Écrivez-le comme Europe/Paris, America/Montreal ou UTC.
digest-bad-time = Je ne lis pas « { $time } » comme une heure. Écrivez-la comme 09:00, 9h30 ou 7pm, puis un fuseau horaire, et here pour la recevoir ici.
digest-here-admins-only = Seuls les admins de ce groupe ou serveur peuvent recevoir le récap ici. Lancez /digest on sans here pour le recevoir en privé.
digest-ask-zone = Dans quel fuseau horaire êtes-vous ? Écrivez-le comme Europe/Paris, America/Montreal ou UTC.
digest-on = Récap quotidien activé : chaque jour à { $time } ({ $zone }) dans { $place }. Prochain : { $next }. /digest now en affiche un tout de suite ; /digest off l'arrête.
digest-off = Récap arrêté. /digest on le relance avec les mêmes réglages.
digest-off-all = { $count ->
    [one] Votre récap est arrêté.
   *[other] Vos { $count } récaps sont arrêtés.
} /digest on en relance un.
digest-off-nothing = Aucun récap actif ici. /digest status liste les vôtres.
digest-paused = Récap en pause. /digest on le relance.
digest-status-none = Vous n'avez pas encore de récap. /digest on 09:00 Europe/Paris vous en envoie un en privé chaque matin ; ajoutez here pour le recevoir dans ce salon ou ce groupe.
digest-status-heading = Vos récaps :
digest-status-line = • { $place } : { $time } ({ $zone }), graphique { $theme }, { $state }
digest-status-next = prochain { $next }
digest-status-paused = en pause (/digest on pour reprendre)
digest-status-unreachable = en pause : je ne peux plus y écrire (vérifiez que le bot est toujours dans ce chat et qu'il a le droit d'écrire)
digest-theme-dark = sombre
digest-theme-light = clair
digest-theme-set = Les graphiques d'ici sont désormais en thème { $theme }.
digest-theme-no-digest = Il n'y a pas encore de récap ici. Lancez-en un avec /digest on, puis choisissez son thème.
digest-place-dm = vos messages privés { $platform }
digest-place-shared = ce chat { $platform }
digest-button-brainstorm = Trouver des idées à partir de ça
digest-button-stats = Statistiques complètes
digest-button-pause = Mettre le récap en pause
digest-paused-unreachable = Je ne peux plus publier votre récap sur { $platform } (bot retiré du chat ou bloqué) : ce récap est en pause. Corrigez cela là-bas, puis lancez /digest on.
digest-no-data = Pas encore de chiffres pour votre récap. Connectez une chaîne avec /connect youtube, ou ajoutez une journée avec /stats add youtube yesterday views=1200.
digest-chart-title = Vues et abonnés · { $days } derniers jours
digest-heading = ☀️ Votre récap du { $date }
digest-heading-latest = ☀️ Votre récap du { $date } (le dernier jour communiqué par vos plateformes)
digest-all-platforms = Toutes les plateformes
digest-summary-views = Le { $date }, vous avez fait { $views } vues.
digest-summary-views-trend = Le { $date }, vous avez fait { $views } vues, { $trend ->
    [up] { $change } au-dessus de
    [down] { $change } en dessous de
   *[flat] proche de
} votre moyenne sur 7 jours.
digest-summary-gained = Vous avez gagné { $count } abonnés.
digest-summary-lost = Vous avez perdu { $count } abonnés.
digest-summary-outperformer = « { $title } » sur { $platform } fait { $ratio }× vos vues habituelles à âge égal.
digest-summary-quiet = Aucune activité signalée pour le { $date }.
digest-line = { $platform } : { $views } vues · par rapport à la moyenne sur 7 jours { $average } · par rapport à il y a une semaine { $week_ago }
digest-milestone-followers = 🎉 { $platform } a dépassé { $threshold } abonnés.
digest-milestone-views = 🎉 « { $title } » a dépassé { $threshold } vues sur { $platform }.
digest-outperformer = 🚀 « { $title } » ({ $platform }) : { $views } vues à { $days } jours, { $ratio }× vos vues habituelles.
forget-erased-digests = { $count } abonnements au récap
digest-plan-limit = Votre offre { $plan } envoie le récap à { $limit ->
        [one] une destination
       *[other] { $limit } destinations
    }, déjà { $limit ->
        [one] utilisée
       *[other] utilisées
    }. { $more ->
        [0] Désactivez-en une avec /digest off d’abord (/digest status les liste).
       *[other] Désactivez-en une avec /digest off (/digest status les liste), ou passez à l’offre { $next } pour { $more } : voir /plan.
    }
digest-paused-plan = Votre offre envoie le récap à { $limit ->
        [one] une destination
       *[other] { $limit } destinations
    } : j’ai donc mis en pause celui sur { $place } (rien n’est supprimé). Voyez /plan pour en avoir plus, ou désactivez-en un autre avec /digest off et relancez celui-ci avec /digest on là-bas.
digest-status-plan = en pause : au-delà des destinations de votre offre (/plan)
