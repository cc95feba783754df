## /profile et /deal

cmd-profile = Votre identité d'entreprise, imprimée sur vos factures
cmd-profile-set = Voir ou modifier votre identité d'entreprise (nom, adresse, SIRET, TVA, IBAN…)
cmd-profile-logo = Ajouter ou retirer le logo imprimé sur vos factures
opt-profile-logo-path = Le chemin du fichier PNG (console), ou « remove »
opt-profile-logo-image = Votre logo en fichier PNG
opt-profile-set-name = Nom légal (ajoutez « EI » si vous êtes entrepreneur individuel)
opt-profile-set-address = Adresse postale
opt-profile-set-country = Code pays (FR, BE, US…)
opt-profile-set-siret = SIRET ou SIREN
opt-profile-set-vat = « franchise » (pas de TVA) ou votre numéro de TVA
opt-profile-set-rate = Taux de TVA par défaut en pourcentage (20)
opt-profile-set-debits = Option pour le paiement de la TVA d'après les débits (oui/non)
opt-profile-set-iban = IBAN pour les paiements
opt-profile-set-bic = BIC de votre banque
opt-profile-set-email = E-mail de facturation
opt-profile-set-terms = Délai de paiement en jours (30 par défaut)
opt-profile-set-penalty = Taux des pénalités de retard en pourcentage
profile-form-title = Votre identité d'entreprise
profile-field-name = Nom légal (avec « EI » si entrepreneur individuel)
profile-field-address = Adresse postale
profile-field-siret = SIRET
profile-field-vat = Numéro de TVA, ou « franchise » si vous ne facturez pas la TVA
profile-field-iban = IBAN
profile-saved = Enregistré. Vos prochaines factures porteront cette identité (les factures déjà émises gardent la leur).
profile-summary = { $name }
    { $address } ({ $country })
    SIRET : { $siret }
    TVA : { $vat }
    IBAN : { $iban } · BIC : { $bic }
    E-mail : { $email }
    Délai de paiement : { $terms } jours
profile-vat-franchise = non facturée (franchise en base)
profile-vat-number = { $vat }, taux par défaut { $rate }
profile-none = —
profile-edit-hint = Modifiez un champ en une ligne, par exemple /profile iban="FR76 …" terms=45
profile-missing-field = Il manque { $field } à votre profil. Ajoutez-le avec /profile { $field }="…".
profile-invalid-siret = « { $value } » n'est pas un SIREN (9 chiffres) ou SIRET (14 chiffres) valide : vérifiez les chiffres.
profile-invalid-iban = « { $value } » n'est pas un IBAN valide (la clé de contrôle ne correspond pas) : recopiez-le depuis votre banque.
profile-invalid-bic = « { $value } » n'est pas un BIC valide : 8 ou 11 caractères, comme BNPAFRPP.
profile-invalid-vat = « { $value } » n'est pas un numéro de TVA valide. En France : FR suivi de 11 chiffres, ou « franchise ».
profile-invalid-rate = « { $value } » n'est pas un taux : donnez un pourcentage entre 0 et 100, comme 20 ou 5,5.
profile-invalid-email = « { $value } » n'est pas une adresse e-mail.
profile-invalid-country = « { $value } » n'est pas un code pays : deux lettres, comme FR ou BE.

cmd-deal = Suivez vos partenariats
cmd-deal-add = Enregistrer un partenariat
cmd-deal-list = Vos partenariats
cmd-deal-show = Un partenariat
cmd-deal-status = Changer le statut d'un partenariat
opt-deal-add-brand = Marque
opt-deal-add-amount = Montant, par exemple 1500,00
opt-deal-add-currency = Devise (ISO 4217, EUR par défaut)
opt-deal-add-type = Livrable
opt-deal-add-delivery = Date de livraison (AAAA-MM-JJ)
opt-deal-add-notes = Notes
opt-deal-add-buyer_name = Raison sociale de la marque pour la facture
opt-deal-add-buyer_address = Adresse de facturation de la marque
opt-deal-add-buyer_siren = SIREN de la marque
opt-deal-add-buyer_vat = Numéro de TVA de la marque
opt-deal-add-buyer_email = E-mail de facturation de la marque
opt-deal-add-contract = Contrat écrit signé (loi 2023-451, art. 8)
opt-deal-add-disclosure = Mention utilisée (loi 2023-451, art. 5)
opt-deal-list-status = Seulement ce statut
opt-deal-show-number = Numéro du partenariat
opt-deal-status-number = Numéro du partenariat
opt-deal-status-status = Nouveau statut
deal-added = Partenariat n° { $number } enregistré.
deal-added-next = Une fois livré, créez sa facture avec /invoice create { $number }
deal-details = n° { $number } { $brand } — { $amount }
    { $type } · livraison { $delivery } · { $status }
    Facturé à : { $buyer }
deal-contract-yes = Contrat écrit : oui
deal-remind-brand-on = Factures en retard : la marque reçoit aussi une relance courtoise par e-mail
deal-remind-brand-needs-email = Le partenariat n°{ $number } n’a pas d’e-mail de facturation pour la marque : impossible de lui envoyer des relances. Ajoutez-en un : /deal edit { $number } buyer_email=facturation@marque.fr remind_brand=oui
deal-contract-no = Contrat écrit : non (la loi 2023-451, art. 8, en exige un)
deal-disclosure-publicite = Mention : « Publicité »
deal-disclosure-collaboration = Mention : « Collaboration commerciale »
deal-list-empty = Aucun partenariat pour l'instant. Enregistrez-en un avec /deal add brand="…" amount=1500 currency=EUR
deal-list-heading = { $count ->
        [one] Un partenariat :
       *[other] { $count } partenariats :
    }
deal-not-found = Il n'y a pas de partenariat n° { $number }. Voyez la liste avec /deal list.
deal-status-set = Le partenariat n° { $number } est maintenant { $status }.
deal-status-pending = en attente
deal-status-delivered = livré
deal-status-paid = payé
deal-status-cancelled = annulé
deal-type-dedicated-video = vidéo dédiée
deal-type-integration = intégration
deal-type-short = short
deal-type-story = story
deal-type-post = post
deal-type-other = autre
deal-missing-field = Il manque { $field } au partenariat : ajoutez { $field }=… à la commande.
deal-field-empty = Le champ { $field } est vide : retapez-le.
deal-field-too-long = Le champ { $field } fait { $length } caractères ; restez sous { $max }.
deal-invalid-currency = « { $value } » n'est pas une devise ISO 4217 : utilisez un code comme EUR, USD ou GBP.
deal-amount-invalid = « { $value } » n'est pas un montant : tapez des chiffres, avec une virgule décimale si besoin, comme 1500,00.
deal-amount-not-positive = Le montant doit être supérieur à zéro (vous avez tapé { $value }).
deal-amount-too-large = { $value } { $currency } dépasse ce que nous acceptons pour un partenariat ({ $max }) : vérifiez le montant.
deal-amount-too-precise = { $value } a plus de décimales que { $currency } n'en permet.
deal-invalid-type = « { $value } » n'est pas un livrable : utilisez l'un de { $types }.
deal-invalid-date = « { $value } » n'est pas une date : utilisez AAAA-MM-JJ, comme 2026-12-15.
deal-date-in-past = { $value } est dans le passé : donnez la date de livraison à venir.
deal-invalid-disclosure = « { $value } » n'est pas une mention : utilisez publicite ou collaboration_commerciale.
deal-form-title = Un nouveau partenariat
deal-field-brand = Marque
deal-field-amount = Montant (par exemple 1500,00)
deal-field-currency = Devise (EUR si vide)
deal-field-type = Livrable : dedicated_video, integration, short, story, post ou other
deal-field-delivery = Date de livraison (AAAA-MM-JJ)
cmd-deal-edit = Modifier un partenariat
opt-deal-edit-number = Numéro du partenariat
deal-edited = Partenariat n° { $number } modifié. Les factures déjà émises gardent leur propre copie.
opt-deal-edit-brand = Marque
opt-deal-edit-amount = Montant, par exemple 1500,00
opt-deal-edit-currency = Devise (ISO 4217, EUR par défaut)
opt-deal-edit-type = Livrable
opt-deal-edit-delivery = Date de livraison (AAAA-MM-JJ)
opt-deal-edit-notes = Notes
opt-deal-edit-buyer_name = Raison sociale de la marque pour la facture
opt-deal-edit-buyer_address = Adresse de facturation de la marque
opt-deal-edit-buyer_siren = SIREN de la marque
opt-deal-edit-buyer_vat = Numéro de TVA de la marque
opt-deal-edit-buyer_email = E-mail de facturation de la marque
opt-deal-edit-contract = Contrat écrit signé (loi 2023-451, art. 8)
opt-deal-edit-disclosure = Mention utilisée (loi 2023-451, art. 5)
opt-deal-edit-remind_brand = Envoyer aussi une relance courtoise par e-mail à la marque quand une facture est en retard (oui/non)

## /profile logo

profile-logo-how-console = Donnez le chemin de votre logo en fichier PNG : /profile logo /home/moi/logo.png (et /profile logo remove pour le retirer).
profile-logo-how-telegram = Envoyez ici votre logo en fichier PNG (📎 → Fichier, pas en photo). /profile logo remove le retire.
profile-logo-how-discord = Utilisez /profile logo et joignez votre logo en fichier PNG dans l’option « image ». /profile logo path:remove le retire.
profile-logo-unreadable = Je n’arrive pas à lire { $path }. Vérifiez le chemin et renvoyez /profile logo.
profile-logo-needs-profile = Renseignez d’abord votre identité d’entreprise avec /profile, puis envoyez votre logo.
profile-logo-saved = Logo enregistré ({ $width } × { $height } pixels). Vos prochaines factures le porteront ; celles déjà émises gardent le leur. { $remove } le retire.
profile-logo-removed = Logo retiré. Vos prochaines factures n’en auront pas ; celles déjà émises gardent le leur.
profile-logo-none = Vous n’avez pas de logo à retirer.
profile-logo-set = Logo : oui (changez-le avec /profile logo).
profile-logo-unset = Logo : aucun (ajoutez-en un avec /profile logo).
profile-logo-not-png = Ce fichier n’est pas une image PNG. Exportez votre logo en PNG et renvoyez-le, en fichier.
profile-logo-too-large = Ce PNG dépasse { $max_kb } Ko. Exportez-le plus petit (600 pixels de large suffisent pour une facture) et renvoyez-le.
profile-logo-bad-size = Cette image fait { $width } × { $height } pixels ; un logo doit mesurer entre { $min } et { $max } pixels de côté. Redimensionnez-la et renvoyez-la.
