-- Brand deals, the creator's business identity, invoices and their gap-free numbering.
-- Forward only. Money is integer minor units of an ISO 4217 currency; VAT rates are basis points
-- (2000 = 20 %).

-- Who issues the invoices: asked once with /profile, editable. Invoices copy it (snapshot).
CREATE TABLE business_profiles (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    legal_name text NOT NULL,
    address text NOT NULL,
    country text NOT NULL DEFAULT 'FR' CHECK (country ~ '^[A-Z]{2}$'),
    siret text,
    vat_number text,
    -- 'franchise' (TVA non applicable, art. 293 B du CGI) or 'vat' with a default rate.
    vat_regime text NOT NULL DEFAULT 'franchise' CHECK (vat_regime IN ('franchise', 'vat')),
    vat_rate_bp integer NOT NULL DEFAULT 0 CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    vat_on_debits boolean NOT NULL DEFAULT false,
    iban text,
    bic text,
    email text,
    payment_terms_days integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 60),
    -- NULL: the legal default (ECB rate + 10 points).
    late_penalty_bp integer CHECK (late_penalty_bp BETWEEN 0 AND 10000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- A brand deal. `number` is the per-account number (/deal show 3), never reused.
CREATE TABLE partnerships (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number bigint NOT NULL,
    brand text NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    deliverable text NOT NULL
        CHECK (deliverable IN ('dedicated_video', 'integration', 'short', 'story', 'post', 'other')),
    delivery_date date,
    notes text,
    buyer_name text,
    buyer_address text,
    buyer_siren text,
    buyer_vat text,
    buyer_email text,
    -- Loi 2023-451: art. 8 (written contract) and art. 5 (disclosure label), when given.
    written_contract boolean,
    disclosure text CHECK (disclosure IN ('publicite', 'collaboration_commerciale')),
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'paid', 'cancelled')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, number)
);

-- Gap-free numbering per issuer, series and year. The row is locked by the UPDATE that takes a
-- number, inside the transaction that inserts the invoice: a rollback gives the number back.
CREATE TABLE invoice_sequences (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    series text NOT NULL CHECK (series IN ('invoice', 'credit_note')),
    year integer NOT NULL,
    last_number integer NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, series, year)
);

-- Issued invoices and credit notes: immutable snapshots, kept 10 years (Code de commerce
-- L123-22), also after /forget: then `user_id` becomes NULL and `issuer_id` (the account id at
-- issue, no foreign key) keeps numbers unique.
CREATE TABLE invoices (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    issuer_id uuid NOT NULL,
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    partnership_id uuid REFERENCES partnerships (id) ON DELETE SET NULL,
    kind text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    number text NOT NULL,
    credited_invoice_id uuid REFERENCES invoices (id),
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    total_ht_minor bigint NOT NULL,
    total_vat_minor bigint NOT NULL,
    total_ttc_minor bigint NOT NULL,
    issue_date date NOT NULL,
    service_date date,
    due_date date NOT NULL,
    language text NOT NULL CHECK (language IN ('en', 'fr')),
    snapshot jsonb NOT NULL,
    -- The PDF's key in the file store (not in stored_files: /forget keeps it).
    pdf_url text,
    status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'sent', 'paid')),
    sent_at timestamptz,
    paid_on date,
    retain_until date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (issuer_id, number)
);
CREATE INDEX invoices_user ON invoices (user_id);
CREATE INDEX invoices_due ON invoices (due_date) WHERE status <> 'paid';
