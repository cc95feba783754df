-- Invoice numbering keyed by the issuer's SIRET when the profile has one, else by the account.
--
-- A French creator who runs /forget and comes back (a new account, the same SIRET) continues the
-- series of their business: the law wants one continuous series per issuer, and the invoices of
-- the erased account are kept 10 years with their numbers. The key is text:
--   'siret:<14 digits>'  or  'account:<account uuid>'.
-- SIRET-keyed rows belong to no account (they survive /forget, like the invoices that carry that
-- SIRET); account-keyed rows are erased with the account.
CREATE TABLE invoice_series (
    issuer_key text NOT NULL CHECK (issuer_key ~ '^(siret:[0-9]{14}|account:[0-9a-f-]{36})$'),
    series text NOT NULL CHECK (series IN ('invoice', 'credit_note')),
    year integer NOT NULL,
    last_number integer NOT NULL CHECK (last_number > 0),
    PRIMARY KEY (issuer_key, series, year)
);

-- Every issued invoice records the series it was numbered in; (issuer_key, number) is unique.
ALTER TABLE invoices ADD COLUMN issuer_key text;
UPDATE invoices SET issuer_key = 'account:' || issuer_id::text;
ALTER TABLE invoices ALTER COLUMN issuer_key SET NOT NULL;
CREATE UNIQUE INDEX invoices_issuer_key_number ON invoices (issuer_key, number);

-- Carry on the existing series: the account-keyed counters as they were...
INSERT INTO invoice_series (issuer_key, series, year, last_number)
SELECT 'account:' || user_id::text, series, year, last_number
FROM invoice_sequences
WHERE last_number > 0;

-- ...and, per SIRET, the highest number already issued under it (in any account, erased ones
-- included), so a SIRET series never reuses a number printed on a kept invoice.
INSERT INTO invoice_series (issuer_key, series, year, last_number)
SELECT 'siret:' || (snapshot -> 'issuer' ->> 'siret'), kind, EXTRACT(YEAR FROM issue_date)::integer,
       max(substring(number FROM '([0-9]+)$')::integer)
FROM invoices
WHERE snapshot -> 'issuer' ->> 'siret' ~ '^[0-9]{14}$'
GROUP BY 1, 2, 3;

DROP TABLE invoice_sequences;
