## /ideas : le brainstorming.

cmd-ideas = Trouver des idées de vidéos ancrées dans vos meilleurs contenus
cmd-ideas-new = Lancer un brainstorming (niche, plateforme, nombre d'idées)
opt-ideas-new-niche = Votre niche, par exemple cuisine (retenue)
opt-ideas-new-platform = any, youtube, tiktok ou instagram
opt-ideas-new-count = Combien d'idées, de 1 à 10 (5 par défaut)
cmd-ideas-end = Terminer le brainstorming dans ce chat

ideas-thinking = 💡 Je réfléchis à des idées pour { $niche }…
ideas-thinking-channel = 💡 Je réfléchis à des idées pour votre chaîne…
ideas-heading = { $count ->
    [one] Voici votre idée.
   *[other] Voici { $count } idées.
}
ideas-follow-up-hint = Dites-moi quoi changer (« des accroches plus courtes », « plus comme la n° 2 », « pour TikTok plutôt ») ou appuyez sur Affiner ; /ideas end termine.
ideas-button-refine = Affiner
ideas-refine-question = Que faut-il changer dans ces idées ?
ideas-brainstorm-on = Donne-moi { $count } idées de vidéos qui prolongent « { $title } », qui surperforme sur { $platform }.
ideas-more-like = D'autres idées comme « { $title } », s'il te plaît.
ideas-idea-title = { $n }. { $title }
ideas-idea-hook = Accroche : { $hook }
ideas-idea-meta = { $duration } · { $platform }
ideas-button-save = Garder
ideas-button-expand = Développer
ideas-button-more = Plus comme ça
ideas-button-discard = Écarter
ideas-saved = Gardée comme idée n° { $number }. /idea list affiche vos idées.
ideas-discarded = Écartée.
ideas-expansion = { $title }
    Accroche : { $hook }
    Ouverture (30 s) : { $script }
    Titres à tester : A) { $title_a } B) { $title_b }
ideas-ended = Brainstorming terminé. /ideas en lance un nouveau.
ideas-no-conversation = Aucun brainstorming en cours ici. Lancez-en un avec /ideas cuisine (votre niche).
ideas-plan-limit = Vous avez utilisé les { $limit } demandes d'idées de votre offre ce mois-ci : rien n'a été demandé. /plan montre ce que l'offre suivante apporte.
ideas-ai-busy = L'IA ne répond pas pour le moment (rien n'a été décompté). Réessayez dans une minute ; votre brainstorming est conservé.
ideas-ai-filtered = L'IA a refusé cette demande (son filtre de contenu). Reformulez et réessayez ; rien n'a été décompté.
ideas-ai-misconfigured = Le modèle d'IA n'est pas disponible de notre côté (rien n'a été décompté). Nous sommes prévenus ; réessayez plus tard.
ideas-ai-failed = La réponse de l'IA est inutilisable (rien n'a été décompté). Réessayez ; votre brainstorming est conservé.
ideas-ai-malformed = La réponse de l'IA est restée inutilisable après un second essai (rien n'a été décompté). Réessayez dans un instant.
ideas-offline-heading = 📊 Idées tirées de vos données (sans IA ici) : construites à partir de vos vidéos et de vos chiffres des 90 derniers jours.
ideas-budget-reached = Notre budget d'IA du jour est épuisé, retour demain. En attendant, 📊 des idées tirées de vos vidéos et de vos chiffres :
ideas-offline-no-data = J'ai besoin de quelques-unes de vos vidéos pour proposer des idées à partir de vos chiffres. Connectez une chaîne avec /connect youtube, puis relancez /ideas.
ideas-expand-needs-ai = Développer une idée demande l'IA, qui n'est pas configurée ici. Votre idée reste telle quelle ; gardez-la avec son bouton Garder.
ideas-expand-budget = Notre budget d'IA du jour est épuisé, retour demain : réessayez Développer à ce moment-là.

idea-data-length-short = courte (moins d'une minute)
idea-data-length-medium = de durée moyenne (1 à 10 minutes)
idea-data-length-long = longue (plus de 10 minutes)
idea-day-mon = lundi
idea-day-tue = mardi
idea-day-wed = mercredi
idea-day-thu = jeudi
idea-day-fri = vendredi
idea-day-sat = samedi
idea-day-sun = dimanche
idea-data-followup-title = { $title } — la suite
idea-data-followup-hook = « { $title } » a atteint { $views } vues : voici la suite.
idea-data-followup-description = La suite d'une de vos meilleures vidéos des 90 derniers jours : { $views } vues quand vos vidéos en font habituellement { $usual }, avec { $engagement } d'engagement. Reprenez là où elle s'arrêtait et répondez à ses commentaires.
idea-data-followup-description-views = La suite d'une de vos meilleures vidéos des 90 derniers jours : { $views } vues quand vos vidéos en font habituellement { $usual }. Reprenez là où elle s'arrêtait et répondez à ses commentaires.
idea-data-length-title = Une autre vidéo { $length } dans l'esprit de « { $title } »
idea-data-length-hook = Si vous avez aimé « { $title } », celle-ci va plus loin.
idea-data-length-description = Vos vidéos { $length } font une médiane de { $median } vues, plus que vos autres durées ; « { $title } » est la meilleure d'entre elles.
idea-data-day-title = À publier un { $day } : un nouvel angle sur « { $title } »
idea-data-day-hook = Vous vous souvenez de « { $title } » ? Voici un nouvel angle.
idea-data-day-description = Vos vidéos publiées le { $day } font en moyenne { $views } vues, votre meilleur jour de la semaine.
idea-data-engagement-title = FAQ : vos questions sur « { $title } »
idea-data-engagement-hook = « { $title } » a reçu le plus de commentaires et de j'aime par vue : je vous réponds.
idea-data-engagement-description = Elle a eu { $engagement } d'engagement, votre meilleur taux des 90 derniers jours.
