-- Invoices sent by email (/invoice send): where each went, and whether a deal's overdue
-- reminders also mail the brand (opt-in per deal, /deal edit N remind_brand=yes).
-- (0014, 0015 and 0017 are reserved for work in progress on other branches.)
ALTER TABLE invoices ADD COLUMN sent_to text;
ALTER TABLE partnerships ADD COLUMN remind_brand boolean NOT NULL DEFAULT false;
