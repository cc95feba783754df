## /invoice, /revenue and the invoice PDF

cmd-invoice = Invoices for your brand deals
cmd-invoice-create = Create the invoice of a deal
cmd-invoice-list = Your invoices
cmd-invoice-show = An invoice's PDF again
cmd-invoice-mark-sent = Mark an invoice as sent
cmd-invoice-paid = Mark an invoice as paid
cmd-invoice-credit = Cancel an invoice with a credit note
cmd-invoice-edit = Issued invoices cannot be edited
opt-invoice-create-deal = Deal number
opt-invoice-create-line = A line: description; quantity; unit price excl. VAT[; VAT %]
opt-invoice-show-number = Invoice number, e.g. 2026-0001
opt-invoice-mark-sent-number = Invoice number
cmd-invoice-send = Email an invoice to the brand
opt-invoice-send-number = Invoice number
opt-invoice-send-email = Send to this address instead of the deal's billing email
opt-invoice-paid-number = Invoice number
opt-invoice-paid-date = Payment date (YYYY-MM-DD, default today)
opt-invoice-credit-number = Invoice number
opt-invoice-edit-number = Invoice number
cmd-revenue = What you invoiced and were paid, per month
opt-revenue-year = Year (default this year)

invoice-needs-profile = Before your first invoice, tell me who issues it: /profile name="Alex Martin EI" address="…" siret=… vat=franchise
invoice-deal-cancelled = Deal #{ $number } is cancelled: it cannot be invoiced.
invoice-line-format = "{ $line }" is not a line: write description; quantity; unit price, like "Video integration; 1; 1500".
invoice-line-quantity = "{ $value }" is not a quantity: use a positive number with at most 3 decimals.
invoice-line-price = "{ $value }" is not a unit price: use a positive amount, like 1500.00.
invoice-total-invalid = These lines give an invalid total (zero, negative or too large): check quantities and prices.
invoice-text-no-glyph = The { $field } contains characters the invoice font cannot draw: { $chars }. Write it in Latin, Greek or Cyrillic letters (for example the brand's romanized name).
invoice-text-needs-shaping = The { $field } uses a script that needs right-to-left or joined letters ({ $chars }), which our invoices cannot print correctly yet. Write it in Latin letters (for example the brand's romanized name).
invoice-render-failed = The invoice could not be drawn. Please try again later.
invoice-plan-limit = Your plan includes { $limit } invoices a month and you have used them. See /plan to upgrade.
invoice-created = Invoice { $number } issued: { $total }.
invoice-created-next = Mark it sent with /invoice mark-sent { $number }, and paid with /invoice paid { $number }.
invoice-not-found = There is no invoice { $number }. See your invoices with /invoice list.
invoice-list-empty = No invoices yet. Create one from a deal with /invoice create 1
invoice-list-heading = { $count ->
        [one] One invoice:
       *[other] { $count } invoices:
    }
invoice-shown = Invoice { $number }: { $total }, due { $due } — { $status }.
invoice-status-issued = issued
invoice-status-sent = sent
invoice-status-paid = paid
invoice-status-overdue = overdue
invoice-status-credited = cancelled by a credit note
invoice-status-credit-note = credit note
invoice-marked-sent = Invoice { $number } is marked as sent.
invoice-marked-paid = Invoice { $number } is marked as paid on { $date }.
invoice-paid-refused = { $number } cannot be marked paid: it is a credit note or has been cancelled.
invoice-paid-date-invalid = { $value } cannot be the payment date: give a date between the invoice's date and today.
invoice-credit-refused = { $number } cannot be credited: it is a credit note or already cancelled by one.
invoice-credited = Credit note { $credit } issued: it cancels invoice { $number }.
invoice-immutable = An issued invoice cannot be changed (the law requires it). To correct { $number }, cancel it with /invoice credit { $number }, then create a new invoice.
invoice-reminder-overdue = Invoice { $number } to { $buyer } ({ $total }) was due on { $due } and is not marked paid. If it is paid: /invoice paid { $number }
deal-reminder-delivery = Reminder: deal #{ $number } with { $brand } is due for delivery tomorrow ({ $date }).

revenue-empty = No invoices in { $year }.
revenue-heading = Revenue { $year } (incl. VAT, credit notes deducted):
revenue-month = { $month }: invoiced { $invoiced } · paid { $paid } · outstanding { $outstanding }
revenue-total = Total { $currency }: invoiced { $invoiced } · paid { $paid } · outstanding { $outstanding }

pdf-title-invoice = INVOICE
pdf-title-credit-note = CREDIT NOTE
pdf-number = Number
pdf-issue-date = Date
pdf-service-date = Service date
pdf-due-date = Due date
pdf-buyer = BILLED TO
pdf-siret = SIRET: { $siret }
pdf-siren = SIREN: { $siren }
pdf-vat-number = VAT number: { $vat }
pdf-col-description = Description
pdf-col-quantity = Qty
pdf-col-unit-price = Unit excl. VAT
pdf-col-vat = VAT
pdf-col-net = Total excl. VAT
pdf-total-ht = Total excl. VAT
pdf-total-vat = VAT { $rate } on { $base }
pdf-total-ttc = Total incl. VAT
pdf-net-due = Amount due
pdf-vat-franchise = TVA non applicable, art. 293 B du CGI
pdf-vat-debits = VAT paid on debits.
pdf-category = Category of operation: provision of services.
pdf-payment-due = Payment due by { $date }.
pdf-discount = Early payment discount: none.
pdf-late-penalty = Late payment penalties: { $rate } a year, from the day after the due date.
pdf-late-penalty-default = Late payment penalties: the European Central Bank's rate plus 10 points, from the day after the due date.
pdf-recovery-fee = Fixed compensation for recovery costs for late payment: €40.
pdf-iban = IBAN: { $iban }
pdf-bic = BIC: { $bic }
pdf-credits = This credit note cancels invoice { $number }.
pdf-deliverable-dedicated-video = Dedicated video
pdf-deliverable-integration = Sponsored integration
pdf-deliverable-short = Short video
pdf-deliverable-story = Story
pdf-deliverable-post = Sponsored post
pdf-deliverable-other = Content creation

## /invoice send and brand reminders

invoice-sent-by-email = Invoice { $number } was emailed to { $email } and is marked as sent ({ $date }). Replies from the brand go to your own email.
invoice-send-no-smtp = Email is not set up on this server, so I cannot send invoice { $number } myself. Here is the PDF: forward it to the brand, then record it with /invoice mark-sent { $number }.
invoice-send-no-email = I don't know where to send invoice { $number }: its deal has no billing email. Give one: /invoice send { $number } billing@brand.com
invoice-send-bad-email = "{ $value }" is not an email address. Check it and send /invoice send again.
invoice-send-refused = The mail server refused to deliver invoice { $number } to { $email } ({ $reason }). The invoice stays unsent: check the address and try again.
invoice-send-unreachable = I could not reach the mail server, so invoice { $number } was not sent and stays unsent. Try again in a few minutes.
invoice-reminder-brand-mailed = I also emailed { $email } a polite reminder.
invoice-reminder-brand-no-smtp = I could not email the brand a reminder: email is not set up on this server.
invoice-reminder-brand-failed = I could not email { $email } a reminder ({ $reason }).
invoice-mail-subject = { $kind ->
    [credit] Credit note
   *[invoice] Invoice
} { $number } from { $issuer }
invoice-mail-body = Hello,

    Please find attached { $kind ->
        [credit] credit note
       *[invoice] invoice
    } { $number } for { $total }, payable by { $due }.

    Kind regards,
    { $issuer }
invoice-mail-reminder-subject = Reminder: invoice { $number } from { $issuer } is overdue
invoice-mail-reminder-body = Hello,

    Unless it has just been paid, invoice { $number } for { $total }, due on { $due }, is still outstanding. You will find it attached again.

    Thank you for settling it at your earliest convenience.

    Kind regards,
    { $issuer }
