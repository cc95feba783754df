//! Front ends. Only this module imports platform crates (serenity, teloxide); each front end turns
//! platform events into `Incoming` values and `Reply` values into platform messages.

pub mod console;
