## /invoice, /revenue et la facture PDF

cmd-invoice = Les factures de vos partenariats
cmd-invoice-create = Créer la facture d'un partenariat
cmd-invoice-list = Vos factures
cmd-invoice-show = Le PDF d'une facture
cmd-invoice-mark-sent = Marquer une facture comme envoyée
cmd-invoice-paid = Marquer une facture comme payée
cmd-invoice-credit = Annuler une facture par un avoir
cmd-invoice-edit = Une facture émise ne se modifie pas
opt-invoice-create-deal = Numéro du partenariat
opt-invoice-create-line = Une ligne : description ; quantité ; prix unitaire HT[ ; TVA %]
opt-invoice-show-number = Numéro de facture, par exemple 2026-0001
opt-invoice-mark-sent-number = Numéro de facture
cmd-invoice-send = Envoyer une facture par e-mail à la marque
opt-invoice-send-number = Numéro de facture
opt-invoice-send-email = L’envoyer à cette adresse plutôt qu’à l’e-mail de facturation du partenariat
opt-invoice-paid-number = Numéro de facture
opt-invoice-paid-date = Date du paiement (AAAA-MM-JJ, aujourd'hui par défaut)
opt-invoice-credit-number = Numéro de facture
opt-invoice-edit-number = Numéro de facture
cmd-revenue = Ce que vous avez facturé et encaissé, par mois
opt-revenue-year = Année (l'année en cours par défaut)

invoice-needs-profile = Avant votre première facture, dites-moi qui l'émet : /profile name="Alex Martin EI" address="…" siret=… vat=franchise
invoice-deal-cancelled = Le partenariat n° { $number } est annulé : il ne peut pas être facturé.
invoice-line-format = « { $line } » n'est pas une ligne : écrivez description ; quantité ; prix unitaire, comme "Intégration vidéo; 1; 1500".
invoice-line-quantity = « { $value } » n'est pas une quantité : un nombre positif avec au plus 3 décimales.
invoice-line-price = « { $value } » n'est pas un prix unitaire : un montant positif, comme 1500,00.
invoice-total-invalid = Ces lignes donnent un total invalide (nul, négatif ou trop grand) : vérifiez quantités et prix.
invoice-text-no-glyph = Le champ { $field } contient des caractères que la police des factures ne sait pas dessiner : { $chars }. Écrivez-le en lettres latines, grecques ou cyrilliques (par exemple le nom romanisé de la marque).
invoice-text-needs-shaping = Le champ { $field } utilise une écriture de droite à gauche ou à lettres liées ({ $chars }), que nos factures ne savent pas encore imprimer correctement. Écrivez-le en lettres latines (par exemple le nom romanisé de la marque).
invoice-render-failed = La facture n'a pas pu être dessinée. Réessayez plus tard.
invoice-plan-limit = Votre formule comprend { $limit } factures par mois et vous les avez utilisées. Voyez /plan pour passer à la formule supérieure.
invoice-created = Facture { $number } émise : { $total }.
invoice-created-next = Marquez-la envoyée avec /invoice mark-sent { $number }, puis payée avec /invoice paid { $number }.
invoice-not-found = Il n'y a pas de facture { $number }. Voyez vos factures avec /invoice list.
invoice-list-empty = Aucune facture pour l'instant. Créez-en une depuis un partenariat avec /invoice create 1
invoice-list-heading = { $count ->
        [one] Une facture :
       *[other] { $count } factures :
    }
invoice-shown = Facture { $number } : { $total }, échéance le { $due } — { $status }.
invoice-status-issued = émise
invoice-status-sent = envoyée
invoice-status-paid = payée
invoice-status-overdue = en retard
invoice-status-credited = annulée par un avoir
invoice-status-credit-note = avoir
invoice-marked-sent = La facture { $number } est marquée comme envoyée.
invoice-marked-paid = La facture { $number } est marquée comme payée le { $date }.
invoice-paid-refused = { $number } ne peut pas être marquée payée : c'est un avoir, ou elle a été annulée.
invoice-paid-date-invalid = { $value } ne peut pas être la date du paiement : donnez une date entre celle de la facture et aujourd'hui.
invoice-credit-refused = { $number } ne peut pas faire l'objet d'un avoir : c'est un avoir, ou elle est déjà annulée.
invoice-credited = Avoir { $credit } émis : il annule la facture { $number }.
invoice-immutable = Une facture émise ne peut pas être modifiée (c'est la loi). Pour corriger { $number }, annulez-la avec /invoice credit { $number }, puis créez une nouvelle facture.
invoice-reminder-overdue = La facture { $number } adressée à { $buyer } ({ $total }) était due le { $due } et n'est pas marquée payée. Si elle l'est : /invoice paid { $number }
deal-reminder-delivery = Rappel : le partenariat n° { $number } avec { $brand } est à livrer demain ({ $date }).

revenue-empty = Aucune facture en { $year }.
revenue-heading = Chiffre d'affaires { $year } (TTC, avoirs déduits) :
revenue-month = { $month } : facturé { $invoiced } · encaissé { $paid } · restant dû { $outstanding }
revenue-total = Total { $currency } : facturé { $invoiced } · encaissé { $paid } · restant dû { $outstanding }

pdf-title-invoice = FACTURE
pdf-title-credit-note = AVOIR
pdf-number = Numéro
pdf-issue-date = Date d'émission
pdf-service-date = Date de la prestation
pdf-due-date = Échéance
pdf-buyer = FACTURÉ À
pdf-siret = SIRET : { $siret }
pdf-siren = SIREN : { $siren }
pdf-vat-number = N° TVA intracommunautaire : { $vat }
pdf-col-description = Désignation
pdf-col-quantity = Qté
pdf-col-unit-price = Prix unit. HT
pdf-col-vat = TVA
pdf-col-net = Total HT
pdf-total-ht = Total HT
pdf-total-vat = TVA { $rate } sur { $base }
pdf-total-ttc = Total TTC
pdf-net-due = Net à payer
pdf-vat-franchise = TVA non applicable, art. 293 B du CGI
pdf-vat-debits = Option pour le paiement de la taxe d'après les débits.
pdf-category = Catégorie de l'opération : prestation de services.
pdf-payment-due = Paiement au plus tard le { $date }.
pdf-discount = Escompte pour paiement anticipé : néant.
pdf-late-penalty = Pénalités de retard : { $rate } par an, exigibles dès le lendemain de l'échéance.
pdf-late-penalty-default = Pénalités de retard : taux de la Banque centrale européenne majoré de 10 points, exigibles dès le lendemain de l'échéance.
pdf-recovery-fee = Indemnité forfaitaire pour frais de recouvrement : 40 € (art. L441-10 du Code de commerce).
pdf-iban = IBAN : { $iban }
pdf-bic = BIC : { $bic }
pdf-credits = Cet avoir annule la facture { $number }.
pdf-deliverable-dedicated-video = Vidéo dédiée
pdf-deliverable-integration = Intégration sponsorisée
pdf-deliverable-short = Vidéo courte
pdf-deliverable-story = Story
pdf-deliverable-post = Publication sponsorisée
pdf-deliverable-other = Création de contenu

## /invoice send et relances aux marques

invoice-sent-by-email = La facture { $number } a été envoyée à { $email } et est marquée comme envoyée ({ $date }). Les réponses de la marque arrivent sur votre propre e-mail.
invoice-send-no-smtp = L’e-mail n’est pas configuré sur ce serveur : je ne peux pas envoyer la facture { $number } moi-même. Voici le PDF : transférez-le à la marque, puis notez-le avec /invoice mark-sent { $number }.
invoice-send-no-email = Je ne sais pas où envoyer la facture { $number } : son partenariat n’a pas d’e-mail de facturation. Indiquez-en un : /invoice send { $number } facturation@marque.fr
invoice-send-bad-email = « { $value } » n’est pas une adresse e-mail. Vérifiez-la et renvoyez /invoice send.
invoice-send-refused = Le serveur de messagerie a refusé de remettre la facture { $number } à { $email } ({ $reason }). La facture reste non envoyée : vérifiez l’adresse et réessayez.
invoice-send-unreachable = Je n’ai pas pu joindre le serveur de messagerie : la facture { $number } n’est pas partie et reste non envoyée. Réessayez dans quelques minutes.
invoice-reminder-brand-mailed = J’ai aussi envoyé une relance courtoise à { $email }.
invoice-reminder-brand-no-smtp = Je n’ai pas pu relancer la marque par e-mail : l’e-mail n’est pas configuré sur ce serveur.
invoice-reminder-brand-failed = Je n’ai pas pu envoyer de relance à { $email } ({ $reason }).
invoice-mail-subject = { $kind ->
    [credit] Avoir
   *[invoice] Facture
} { $number } — { $issuer }
invoice-mail-body = Bonjour,

    Veuillez trouver ci-joint { $kind ->
        [credit] l’avoir
       *[invoice] la facture
    } { $number } d’un montant de { $total }, payable au plus tard le { $due }.

    Bien cordialement,
    { $issuer }
invoice-mail-reminder-subject = Relance : facture { $number } de { $issuer } échue
invoice-mail-reminder-body = Bonjour,

    Sauf règlement très récent, la facture { $number } d’un montant de { $total }, échue le { $due }, reste impayée. Vous la trouverez de nouveau ci-jointe.

    Merci de bien vouloir procéder à son règlement dans les meilleurs délais.

    Bien cordialement,
    { $issuer }
