//! Produced files: the invoice PDF (printpdf), its Factur-X PDF/A-3 form (lopdf post-processing);
//! the analytics chart (PNG).
//!
//! Pure functions over plain models: no database, no locale lookups (the caller resolves every
//! sentence first), so the model can be tested and benchmarked on its own. Fonts are embedded in
//! the binary (`assets/fonts`, with their licence).

pub mod chart;
pub mod facturx;
pub mod invoice_pdf;
pub mod logo;
pub mod pdfa;
