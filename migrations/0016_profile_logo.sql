-- The creator's logo, printed at the top of their invoices (/profile logo). The PNG exactly as
-- sent (validated: a real PNG of bounded size and dimensions); issued invoices keep the PDF they
-- were rendered with, so changing or removing the logo never changes them.
-- (Numbers 0014 and 0015 are reserved for work in progress on other branches.)
ALTER TABLE business_profiles ADD COLUMN logo_png bytea;
