## /idea : les idées enregistrées.

cmd-idea = Vos idées de vidéos enregistrées : liste, détail, statut, modification, suppression
cmd-idea-list = Vos idées enregistrées, les plus récentes d'abord
opt-idea-list-status = Seulement ce statut
cmd-idea-show = Tout sur une idée
opt-idea-show-number = Numéro de l'idée (voir /idea list)
cmd-idea-status = Marquer une idée enregistrée, en cours ou publiée
opt-idea-status-number = Numéro de l'idée (voir /idea list)
opt-idea-status-status = Nouveau statut
cmd-idea-edit = Modifier le titre, l'accroche ou la description d'une idée
opt-idea-edit-number = Numéro de l'idée (voir /idea list)
opt-idea-edit-title = Nouveau titre
opt-idea-edit-hook = Nouvelle accroche (- pour l'effacer)
opt-idea-edit-description = Nouvelle description (- pour l'effacer)
cmd-idea-delete = Supprimer une idée (avec confirmation)
opt-idea-delete-number = Numéro de l'idée (voir /idea list)

idea-list-empty = Aucune idée enregistrée pour l'instant. Lancez un brainstorm avec /ideas et gardez celles qui vous plaisent.
idea-list-empty-status = Aucune idée n'est { $status }. /idea list les montre toutes.
idea-list-heading = { $count ->
        [one] Une idée :
       *[other] { $count } idées, les plus récentes d'abord :
    }
idea-list-more = { $count ->
        [one] …et une plus ancienne : filtrez avec /idea list saved, in_progress ou published.
       *[other] …et { $count } plus anciennes : filtrez avec /idea list saved, in_progress ou published.
    }
idea-not-found = Il n'y a pas d'idée n° { $number }. /idea list montre les numéros de vos idées.
idea-status-saved = enregistrée
idea-status-in-progress = en cours
idea-status-published = publiée
idea-platform-any = toutes plateformes
idea-heading = #{ $number } · { $title }
idea-hook = Accroche : { $hook }
idea-facts = Statut : { $status } · Plateforme : { $platform }
idea-duration = Durée conseillée : { $duration }
idea-niche = Niche : { $niche }
idea-saved-on = Enregistrée le { $date }
idea-expansion-heading = Développée :
idea-expansion-hook = • Accroche : { $hook }
idea-expansion-opening = • Ouverture (30 secondes) : { $script }
idea-expansion-titles = • Titres à tester (A/B) : « { $a } » / « { $b } »
idea-unknown = —
idea-video-results = Publiée sous le titre « { $title } » sur { $provider }, le { $date } : { $views } vues · { $likes } j'aime · { $comments } commentaires
idea-status-set = L'idée n° { $number } est maintenant { $status }.
idea-link-ask = L'une de ces vidéos est-elle celle que cette idée est devenue ? Reliez-la pour voir ses résultats ici.
idea-link-button = Oui, c'est « { $title } »
idea-link-none = Je ne vois pas encore de vidéo correspondante. Une fois synchronisée, /idea show { $number } proposera de la relier.
idea-linked = C'est relié : l'idée n° { $number } montre maintenant les résultats de sa vidéo.
idea-link-gone = Cette idée ou cette vidéo n'existe plus. /idea list montre vos idées.
idea-edit-nothing = Dites ce qu'il faut changer, par exemple /idea edit { $number } title="Nouveau titre" (champs : title, hook, description).
idea-edited = Idée n° { $number } modifiée.
idea-field-empty = Le champ { $field } ne peut pas être vide : tapez le nouveau texte.
idea-field-too-long = Le champ { $field } fait { $length } caractères ; restez sous { $max }.
idea-invalid-duration = Une durée conseillée de { $value } secondes n'est pas possible : elle doit être comprise entre 1 seconde et 3 heures.
idea-delete-confirm = Supprimer l'idée n° { $number } « { $title } » ? C'est définitif, et le numéro ne sera pas réutilisé.
idea-delete-button = Supprimer le n° { $number }
idea-deleted = Idée n° { $number } supprimée.
idea-already-deleted = Cette idée a déjà été supprimée. /idea list montre les autres.

forget-erased-ideas = { $count ->
        [one] une idée enregistrée
       *[other] { $count } idées enregistrées
    }
forget-erased-idea-conversations = { $count ->
        [one] une conversation de brainstorm
       *[other] { $count } conversations de brainstorm
    }
