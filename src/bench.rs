//! Benchmarks run by `creatorpilot bench …` (release builds): `digest` (in `digest`) and
//! `invoice`.
//!
//! `creatorpilot bench invoice --count N`: renders N invoices on one thread, exactly as issuing
//! does (`domain::invoices::render`: the printed model built from a snapshot, the CII XML, the
//! Factur-X PDF/A-3 with the XML embedded — the sample buyer is a French business) and reports the
//! rate and the average size. No database: it measures the rendering a creator waits for.
//! `--logo PATH` prints that PNG on every invoice, decoded per invoice as issuing does.

pub mod digest;

use std::time::Instant;

use chrono::NaiveDate;

use crate::db::profiles::Profile;
use crate::domain::invoices::totals::{self, Line};
use crate::domain::invoices::{self, Buyer, Kind, Snapshot};
use crate::i18n::{I18n, Locale};
use crate::render::logo;

#[derive(Debug, Clone, Copy)]
pub struct Report {
    pub count: u32,
    pub seconds: f64,
    /// The PDF's average size (Factur-X XML included).
    pub average_bytes: u64,
    /// The same invoice as a plain PDF (a buyer that is not a French business).
    pub plain_bytes: u64,
    /// CPU time the rendering thread ran (Linux), to read the rate on a busy machine.
    pub cpu_seconds: Option<f64>,
}

impl Report {
    pub fn rate(&self) -> f64 {
        f64::from(self.count) / self.seconds.max(f64::EPSILON)
    }

    /// Invoices per second of CPU: the one-core rate, whatever else the machine runs.
    pub fn cpu_rate(&self) -> Option<f64> {
        self.cpu_seconds
            .map(|s| f64::from(self.count) / s.max(f64::EPSILON))
    }
}

/// CPU time the calling thread has run so far, from Linux's scheduler statistics.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanos as f64 / 1e9).filter(|s| *s > 0.0)
}

/// A typical French micro-entrepreneur's invoice: three lines, franchise en base, IBAN.
pub fn sample_snapshot(n: u32) -> anyhow::Result<Snapshot> {
    let day = NaiveDate::from_ymd_opt(2026, 11, 25).ok_or_else(|| anyhow::anyhow!("bad date"))?;
    let lines = vec![
        Line {
            description: "Intégration sponsorisée — « Nord » (vidéo YouTube)".into(),
            quantity_milli: 1000,
            unit_minor: 150_000,
            vat_bp: 0,
        },
        Line {
            description: "Story Instagram, 3 séquences".into(),
            quantity_milli: 3000,
            unit_minor: 12_050,
            vat_bp: 0,
        },
        Line {
            description: "Droits d'usage 12 mois".into(),
            quantity_milli: 1000,
            unit_minor: 40_000,
            vat_bp: 0,
        },
    ];
    let totals = totals::compute(&lines, i64::MAX / 4).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Snapshot {
        kind: Kind::Invoice,
        number: format!("2026-{:04}", n % 10_000 + 1),
        language: Locale::Fr,
        issuer: Profile {
            legal_name: "Alex Martin EI".into(),
            address: "12 rue de la Paix, 75002 Paris".into(),
            country: "FR".into(),
            siret: Some("55203253400646".into()),
            vat_number: None,
            vat_regime: "franchise".into(),
            vat_rate_bp: 0,
            vat_on_debits: false,
            iban: Some("FR7630006000011234567890189".into()),
            bic: Some("BNPAFRPP".into()),
            email: Some("alex@example.fr".into()),
            payment_terms_days: 30,
            late_penalty_bp: None,
        },
        buyer: Buyer {
            name: "Nord SAS".into(),
            address: Some("1 avenue des Champs-Élysées, 75008 Paris".into()),
            siren: Some("552032534".into()),
            vat: Some("FR40303265045".into()),
            email: Some("billing@nord.example".into()),
        },
        lines,
        totals,
        currency: "EUR".into(),
        issue_date: day,
        service_date: Some(day),
        due_date: day + chrono::Duration::days(30),
        credits: None,
    })
}

pub fn invoices(count: u32, logo_path: Option<&std::path::Path>) -> anyhow::Result<Report> {
    let i18n = I18n::load()?;
    let logo_png = logo_path.map(std::fs::read).transpose()?;
    let logo = || -> anyhow::Result<Option<logo::Logo>> {
        logo_png
            .as_deref()
            .map(logo::decode)
            .transpose()
            .map_err(|e| anyhow::anyhow!("the logo: {e}"))
    };
    let now = chrono::Utc::now();
    // The fonts are parsed once per process: keep that out of the measure.
    invoices::render(&i18n, &sample_snapshot(0)?, None, now).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut plain = sample_snapshot(0)?;
    plain.buyer.siren = None;
    plain.buyer.vat = None;
    let plain_bytes = invoices::render(&i18n, &plain, logo()?, now)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .len() as u64;
    let started = Instant::now();
    let cpu_started = thread_cpu_seconds();
    let mut bytes: u64 = 0;
    for n in 0..count {
        let snapshot = sample_snapshot(n)?;
        let pdf =
            invoices::render(&i18n, &snapshot, logo()?, now).map_err(|e| anyhow::anyhow!("{e}"))?;
        bytes += pdf.len() as u64;
    }
    Ok(Report {
        count,
        seconds: started.elapsed().as_secs_f64(),
        average_bytes: bytes / u64::from(count.max(1)),
        plain_bytes,
        cpu_seconds: cpu_started
            .zip(thread_cpu_seconds())
            .map(|(before, after)| after - before),
    })
}
