## /profile and /deal

cmd-profile = Your business identity, printed on your invoices
cmd-profile-set = Show or change your business identity (name, address, SIRET, VAT, IBAN…)
cmd-profile-logo = Set or remove the logo printed on your invoices
opt-profile-logo-path = The PNG file's path (console), or "remove"
opt-profile-logo-image = Your logo as a PNG file
opt-profile-set-name = Legal name (add "EI" if you are an entrepreneur individuel)
opt-profile-set-address = Postal address
opt-profile-set-country = Country code (FR, BE, US…)
opt-profile-set-siret = SIRET or SIREN (France)
opt-profile-set-vat = "franchise" (no VAT) or your VAT number
opt-profile-set-rate = Default VAT rate in percent (20)
opt-profile-set-debits = VAT on debits option (yes/no)
opt-profile-set-iban = IBAN for payments
opt-profile-set-bic = BIC of your bank
opt-profile-set-email = Billing email
opt-profile-set-terms = Payment terms in days (default 30)
opt-profile-set-penalty = Late-payment penalty rate in percent
profile-form-title = Your business identity
profile-field-name = Legal name (with "EI" if entrepreneur individuel)
profile-field-address = Postal address
profile-field-siret = SIRET (France)
profile-field-vat = VAT number, or "franchise" if you charge no VAT
profile-field-iban = IBAN
profile-saved = Saved. Your next invoices will carry this identity (invoices already issued keep theirs).
profile-summary = { $name }
    { $address } ({ $country })
    SIRET: { $siret }
    VAT: { $vat }
    IBAN: { $iban } · BIC: { $bic }
    Email: { $email }
    Payment terms: { $terms } days
profile-vat-franchise = not charged (franchise en base)
profile-vat-number = { $vat }, default rate { $rate }
profile-none = —
profile-edit-hint = Change any field in one line, e.g. /profile iban="FR76 …" terms=45
profile-missing-field = Your profile needs a { $field }. Add it with /profile { $field }="…".
profile-invalid-siret = "{ $value }" is not a valid SIREN (9 digits) or SIRET (14 digits): please check the digits.
profile-invalid-iban = "{ $value }" is not a valid IBAN (its checksum fails): please copy it again from your bank.
profile-invalid-bic = "{ $value }" is not a valid BIC: 8 or 11 characters, like BNPAFRPP.
profile-invalid-vat = "{ $value }" is not a valid VAT number. Use FR followed by 11 digits for France, or "franchise".
profile-invalid-rate = "{ $value }" is not a rate: give a percentage between 0 and 100, like 20 or 5.5.
profile-invalid-email = "{ $value }" is not an email address.
profile-invalid-country = "{ $value }" is not a country code: use two letters, like FR or BE.

cmd-deal = Track your brand deals
cmd-deal-add = Record a brand deal
cmd-deal-list = Your brand deals
cmd-deal-show = One brand deal
cmd-deal-status = Change a deal's status
opt-deal-add-brand = Brand
opt-deal-add-amount = Amount, e.g. 1500.00
opt-deal-add-currency = Currency (ISO 4217, default EUR)
opt-deal-add-type = Deliverable
opt-deal-add-delivery = Delivery date (YYYY-MM-DD)
opt-deal-add-notes = Notes
opt-deal-add-buyer_name = Brand's legal name for the invoice
opt-deal-add-buyer_address = Brand's billing address
opt-deal-add-buyer_siren = Brand's SIREN (France)
opt-deal-add-buyer_vat = Brand's VAT number
opt-deal-add-buyer_email = Brand's billing email
opt-deal-add-contract = Written contract signed (loi 2023-451, art. 8)
opt-deal-add-disclosure = Disclosure label used (loi 2023-451, art. 5)
opt-deal-list-status = Only this status
opt-deal-show-number = Deal number
opt-deal-status-number = Deal number
opt-deal-status-status = New status
deal-added = Deal #{ $number } recorded.
deal-added-next = When it is delivered, create its invoice with /invoice create { $number }
deal-details = #{ $number } { $brand } — { $amount }
    { $type } · delivery { $delivery } · { $status }
    Billed to: { $buyer }
deal-contract-yes = Written contract: yes
deal-remind-brand-on = Overdue invoices: the brand also gets a polite reminder by email
deal-remind-brand-needs-email = Deal #{ $number } has no billing email for the brand, so I could not email them reminders. Add one: /deal edit { $number } buyer_email=billing@brand.com remind_brand=yes
deal-contract-no = Written contract: no (loi 2023-451 art. 8 requires one)
deal-disclosure-publicite = Label: "Publicité"
deal-disclosure-collaboration = Label: "Collaboration commerciale"
deal-list-empty = No deals yet. Record one with /deal add brand="…" amount=1500 currency=EUR
deal-list-heading = { $count ->
        [one] One deal:
       *[other] { $count } deals:
    }
deal-not-found = There is no deal #{ $number }. See your deals with /deal list.
deal-status-set = Deal #{ $number } is now { $status }.
deal-status-pending = pending
deal-status-delivered = delivered
deal-status-paid = paid
deal-status-cancelled = cancelled
deal-type-dedicated-video = dedicated video
deal-type-integration = integration
deal-type-short = short
deal-type-story = story
deal-type-post = post
deal-type-other = other
deal-missing-field = A deal needs a { $field }: add { $field }=… to the command.
deal-field-empty = The { $field } is empty: type it again.
deal-field-too-long = The { $field } is { $length } characters long; keep it under { $max }.
deal-invalid-currency = "{ $value }" is not an ISO 4217 currency: use a code like EUR, USD or GBP.
deal-amount-invalid = "{ $value }" is not an amount: type digits with an optional decimal point, like 1500.00.
deal-amount-not-positive = The amount must be more than zero (you typed { $value }).
deal-amount-too-large = { $value } { $currency } is more than we accept for one deal ({ $max }): check the amount.
deal-amount-too-precise = { $value } has more decimals than { $currency } allows.
deal-invalid-type = "{ $value }" is not a deliverable: use one of { $types }.
deal-invalid-date = "{ $value }" is not a date: use YYYY-MM-DD, like 2026-12-15.
deal-date-in-past = { $value } is in the past: give the delivery date still to come.
deal-invalid-disclosure = "{ $value }" is not a disclosure label: use publicite or collaboration_commerciale.
deal-form-title = A new brand deal
deal-field-brand = Brand
deal-field-amount = Amount (e.g. 1500.00)
deal-field-currency = Currency (EUR if empty)
deal-field-type = Deliverable: dedicated_video, integration, short, story, post or other
deal-field-delivery = Delivery date (YYYY-MM-DD)
cmd-deal-edit = Change a deal's details
opt-deal-edit-number = Deal number
deal-edited = Deal #{ $number } updated. Invoices already issued keep their own copy.
opt-deal-edit-brand = Brand
opt-deal-edit-amount = Amount, e.g. 1500.00
opt-deal-edit-currency = Currency (ISO 4217, default EUR)
opt-deal-edit-type = Deliverable
opt-deal-edit-delivery = Delivery date (YYYY-MM-DD)
opt-deal-edit-notes = Notes
opt-deal-edit-buyer_name = Brand's legal name for the invoice
opt-deal-edit-buyer_address = Brand's billing address
opt-deal-edit-buyer_siren = Brand's SIREN (France)
opt-deal-edit-buyer_vat = Brand's VAT number
opt-deal-edit-buyer_email = Brand's billing email
opt-deal-edit-contract = Written contract signed (loi 2023-451, art. 8)
opt-deal-edit-disclosure = Disclosure label used (loi 2023-451, art. 5)
opt-deal-edit-remind_brand = Also email the brand a polite reminder when an invoice is overdue (yes/no)

## /profile logo

profile-logo-how-console = Give the path of your logo as a PNG file: /profile logo /home/me/logo.png (and /profile logo remove to take it off).
profile-logo-how-telegram = Send your logo here as a PNG file (📎 → File, not as a photo). /profile logo remove takes it off.
profile-logo-how-discord = Use /profile logo and attach your logo as a PNG file in the "image" option. /profile logo path:remove takes it off.
profile-logo-unreadable = I can't read { $path }. Check the path and send /profile logo again.
profile-logo-needs-profile = Set up your business identity first with /profile, then send your logo.
profile-logo-saved = Logo saved ({ $width } × { $height } pixels). Your next invoices will carry it; invoices already issued keep theirs. { $remove } takes it off.
profile-logo-removed = Logo removed. Your next invoices will have none; invoices already issued keep theirs.
profile-logo-none = You have no logo to remove.
profile-logo-set = Logo: yes (change it with /profile logo).
profile-logo-unset = Logo: none (add one with /profile logo).
profile-logo-not-png = That file is not a PNG image. Export your logo as PNG and send it again, as a file.
profile-logo-too-large = That PNG is larger than { $max_kb } KB. Export it smaller (600 pixels wide is plenty for an invoice) and send it again.
profile-logo-bad-size = That image is { $width } × { $height } pixels; a logo must be between { $min } and { $max } pixels on each side. Resize it and send it again.
