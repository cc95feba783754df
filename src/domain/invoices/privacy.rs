//! The deals-and-invoices entry of the privacy registry (`domain::privacy`).
//!
//! `/forget` erases the business profile, the deals and the account's own numbering series, but
//! keeps issued invoices and credit notes (with the issuer identity printed on them) and their PDFs
//! for the legal 10 years: they are detached from the account (`user_id` NULL), and the reply says
//! so. A SIRET's numbering series stays with them (`invoice_series` has no account column).

use async_trait::async_trait;
use serde_json::{Value, json};
use sqlx::PgConnection;

use super::money::{Currency, decimal_string};
use crate::bot::AccountId;
use crate::db;
use crate::domain::privacy::{AccountData, Erased, Merged, rfc3339};
use crate::i18n::msg;

pub struct DealsAndInvoices;

fn money(minor: i64, currency: &str) -> Value {
    let exponent = Currency::parse(currency).map_or(2, |c| c.exponent);
    json!({ "amount": decimal_string(minor, exponent), "currency": currency })
}

#[async_trait]
impl AccountData for DealsAndInvoices {
    fn tables(&self) -> &'static [&'static str] {
        &["business_profiles", "partnerships", "invoices"]
    }
    fn section(&self) -> &'static str {
        "business"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        let profile = db::profiles::get(&mut *db, account).await?;
        // The logo is described, not dumped: its bytes are the file the creator sent.
        let logo = db::profiles::logo(&mut *db, account).await?.map(|png| {
            let size = crate::render::logo::decode(&png)
                .ok()
                .map(|l| (l.width, l.height));
            json!({
                "format": "png",
                "bytes": png.len(),
                "width": size.map(|s| s.0),
                "height": size.map(|s| s.1),
            })
        });
        let deals = db::deals::list(&mut *db, account, None).await?;
        let invoices = db::invoices::list(&mut *db, account).await?;
        Ok(json!({
            "profile": profile,
            "logo": logo,
            "deals": deals.iter().map(|d| json!({
                "number": d.number,
                "brand": d.brand,
                "price": money(d.amount_minor, &d.currency),
                "deliverable": d.deliverable,
                "delivery_date": d.delivery_date,
                "status": d.status,
                "notes": d.notes,
                "buyer": {
                    "name": d.buyer_name, "address": d.buyer_address, "siren": d.buyer_siren,
                    "vat": d.buyer_vat, "email": d.buyer_email,
                },
                "written_contract": d.written_contract,
                "disclosure": d.disclosure,
                "created_at": rfc3339(d.created_at),
            })).collect::<Vec<_>>(),
            "invoices": invoices.iter().map(|i| json!({
                "number": i.number,
                "kind": i.kind,
                "issue_date": i.issue_date,
                "due_date": i.due_date,
                "total_excl_vat": money(i.total_ht_minor, &i.currency),
                "vat": money(i.total_vat_minor, &i.currency),
                "total_incl_vat": money(i.total_ttc_minor, &i.currency),
                "status": i.status,
                "paid_on": i.paid_on,
                "kept_until": i.retain_until,
            })).collect::<Vec<_>>(),
        }))
    }
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        out: &mut Erased,
    ) -> anyhow::Result<()> {
        let kept = db::invoices::detach(&mut *db, account).await?;
        let deals = db::deals::delete_all(&mut *db, account).await?;
        let profile = db::profiles::delete(&mut *db, account).await?;
        db::invoices::delete_sequences(&mut *db, account).await?;
        if deals > 0 {
            out.lines.push(
                msg("forget-erased-deals").arg("count", i64::try_from(deals).unwrap_or(i64::MAX)),
            );
        }
        if profile > 0 {
            out.lines.push(msg("forget-erased-profile"));
        }
        if kept > 0 {
            out.kept.push(
                msg("forget-kept-invoices").arg("count", i64::try_from(kept).unwrap_or(i64::MAX)),
            );
        }
        Ok(())
    }
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        into: AccountId,
        out: &mut Merged,
    ) -> anyhow::Result<()> {
        db::profiles::merge(&mut *db, from, into).await?;
        db::profiles::delete(&mut *db, from).await?;
        let renumbered = db::deals::merge(&mut *db, from, into).await?;
        out.note("deal", renumbered);
        db::invoices::merge(&mut *db, from, into).await?;
        Ok(())
    }
}
