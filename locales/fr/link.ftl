cmd-link = Relier votre Discord et votre Telegram en un seul compte
opt-link-code = Le code que /link vous a montré sur votre autre plateforme
link-code-issued = Votre code de liaison : { $code }
    Dans les { $minutes } minutes, envoyez /link { $code } depuis votre autre plateforme (Discord ou Telegram). Ce compte-ci garde tout ; les données de l'autre y sont transférées.
link-code-invalid = Ce code est inconnu ou a expiré (un code dure 10 minutes et ne sert qu'une fois). Envoyez /link sur votre autre plateforme pour en obtenir un nouveau.
link-same-account = Ce code vient de ce compte-ci : envoyez /link { $code } depuis votre autre plateforme.
link-refused-both-paid = Les deux comptes ont une offre payante : je ne peux pas les fusionner sans en perdre une. Résiliez l'offre de l'un des comptes, puis reliez-les à nouveau.
link-refused-same-platform = Les deux comptes ont déjà une identité { $platform }, et un compte n'en a qu'une par plateforme. Reliez depuis un compte qui n'a pas encore d'identité { $platform }.
link-done = C'est relié ! Un seul compte vous répond désormais sur : { $identities }. Votre consommation a été additionnée et tout le reste a été transféré.
link-refused-both-invoiced = Les deux comptes ont émis des factures, et chaque série de factures doit rester entière. Continuez avec le compte depuis lequel vous facturez : je ne peux pas les fusionner.
link-refused-same-provider = Les deux comptes sont connectés à { $provider }, et un compte n’a qu’une connexion par service : je ne peux pas les fusionner. Continuez avec le compte dont vous voulez suivre la chaîne { $provider }.
link-renumbered = Nouveaux numéros de ce qui a été transféré (un numéro n’est jamais réutilisé) :
link-renumbered-deal = partenariat { $old } → partenariat { $new } ({ $label })
link-renumbered-idea = idée { $old } → idée { $new } ({ $label })
link-renumbered-more = …et { $count } de plus : voir /deal list et /idea list.
