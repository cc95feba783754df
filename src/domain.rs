//! Business rules over plain data: accounts, plans, privacy (export/erase/merge), files.
//! May depend on `db/` and `clients/`; never on a front end.

pub mod accounts;
pub mod billing;
pub mod channels;
pub mod consent;
pub mod deals;
pub mod digests;
pub mod files;
pub mod ideas;
pub mod invoices;
pub mod plans;
pub mod privacy;
pub mod stats;
