//! Invoice totals with integers only (EN 16931): each line's net is quantity × unit price rounded
//! half-up to the minor unit; VAT is computed once per rate on that rate's total (BR-CO-17);
//! TTC = HT + VAT. Quantities are thousandths, rates basis points (2000 = 20 %).

use serde::{Deserialize, Serialize};

/// The most lines an invoice may carry.
pub const MAX_LINES: usize = 20;
/// Quantities up to one million units, in thousandths.
pub const MAX_QUANTITY_MILLI: i64 = 1_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub description: String,
    pub quantity_milli: i64,
    pub unit_minor: i64,
    pub vat_bp: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTotal {
    pub vat_bp: u32,
    pub base_minor: i64,
    pub vat_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub line_nets: Vec<i64>,
    /// By rate, highest rate first.
    pub per_rate: Vec<RateTotal>,
    pub ht_minor: i64,
    pub vat_minor: i64,
    pub ttc_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotalsError {
    #[error("no lines")]
    Empty,
    #[error("too many lines")]
    TooManyLines,
    #[error("a quantity or price is zero, negative or too large")]
    BadLine,
    #[error("the total is too large")]
    TooLarge,
}

/// `num / den` rounded half away from zero (half-up for the positive amounts invoices carry).
pub fn div_round_half_up(num: i128, den: i128) -> i128 {
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den.abs() {
        if (num < 0) != (den < 0) { q - 1 } else { q + 1 }
    } else {
        q
    }
}

pub fn compute(lines: &[Line], max_total_minor: i64) -> Result<Totals, TotalsError> {
    if lines.is_empty() {
        return Err(TotalsError::Empty);
    }
    if lines.len() > MAX_LINES {
        return Err(TotalsError::TooManyLines);
    }
    let mut line_nets = Vec::with_capacity(lines.len());
    let mut per_rate: Vec<RateTotal> = Vec::new();
    for line in lines {
        let bad = line.quantity_milli <= 0
            || line.quantity_milli > MAX_QUANTITY_MILLI
            || line.unit_minor <= 0
            || line.unit_minor > max_total_minor
            || line.vat_bp > 10_000;
        if bad {
            return Err(TotalsError::BadLine);
        }
        let net = div_round_half_up(
            i128::from(line.quantity_milli) * i128::from(line.unit_minor),
            1000,
        );
        let net = i64::try_from(net)
            .ok()
            .filter(|n| *n <= max_total_minor && *n > 0)
            .ok_or(TotalsError::TooLarge)?;
        line_nets.push(net);
        match per_rate.iter_mut().find(|r| r.vat_bp == line.vat_bp) {
            Some(r) => r.base_minor += net,
            None => per_rate.push(RateTotal {
                vat_bp: line.vat_bp,
                base_minor: net,
                vat_minor: 0,
            }),
        }
    }
    per_rate.sort_by_key(|r| std::cmp::Reverse(r.vat_bp));
    for r in &mut per_rate {
        let vat = div_round_half_up(i128::from(r.base_minor) * i128::from(r.vat_bp), 10_000);
        r.vat_minor = i64::try_from(vat).map_err(|_| TotalsError::TooLarge)?;
    }
    let ht_minor: i64 = per_rate.iter().map(|r| r.base_minor).sum();
    let vat_minor: i64 = per_rate.iter().map(|r| r.vat_minor).sum();
    let ttc_minor = ht_minor + vat_minor;
    if ht_minor > max_total_minor {
        return Err(TotalsError::TooLarge);
    }
    Ok(Totals {
        line_nets,
        per_rate,
        ht_minor,
        vat_minor,
        ttc_minor,
    })
}

/// Parses a quantity (`2`, `1.5`, `0,25`) into thousandths.
pub fn parse_quantity(text: &str) -> Option<i64> {
    let t = text.trim();
    let (int, frac) = t.split_once(['.', ',']).unwrap_or((t, ""));
    let ok = !int.is_empty()
        && int.len() <= 7
        && frac.len() <= 3
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    let frac = format!("{frac:0<3}");
    let q = int.parse::<i64>().ok()? * 1000 + frac.parse::<i64>().ok()?;
    (q > 0 && q <= MAX_QUANTITY_MILLI).then_some(q)
}

/// Parses a VAT rate in percent (`20`, `5.5`, `5,5`, `0`) into basis points.
pub fn parse_rate(text: &str) -> Option<u32> {
    let t = text.trim().trim_end_matches('%').trim();
    let (int, frac) = t.split_once(['.', ',']).unwrap_or((t, ""));
    let ok = !int.is_empty()
        && int.len() <= 3
        && frac.len() <= 2
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    let bp = int.parse::<u32>().ok()? * 100 + format!("{frac:0<2}").parse::<u32>().ok()?;
    (bp <= 10_000).then_some(bp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAX: i64 = 1_000_000_000;

    fn line(q: i64, u: i64, r: u32) -> Line {
        Line {
            description: "x".into(),
            quantity_milli: q,
            unit_minor: u,
            vat_bp: r,
        }
    }

    #[test]
    fn worked_examples() {
        // 3 × 33.33 at 20 %: 99.99 HT, 20.00 VAT (19.998 rounded once), 119.99 TTC.
        let t = compute(&[line(3000, 3333, 2000)], MAX).unwrap();
        assert_eq!((t.ht_minor, t.vat_minor, t.ttc_minor), (9999, 2000, 11999));
        // VAT per rate on the rate's total, not per line: 3 × 0.05 at 10 % would give 0+0+0 per
        // line (0.005 → 0.01 each, 0.03) but 0.015 → 0.02 once.
        let t = compute(
            &[
                line(1000, 5, 1000),
                line(1000, 5, 1000),
                line(1000, 5, 1000),
            ],
            MAX,
        )
        .unwrap();
        assert_eq!(t.vat_minor, 2);
        // Half-up on a line: 1.5 × 0.01 = 0.015 → 0.02.
        let t = compute(&[line(1500, 1, 0)], MAX).unwrap();
        assert_eq!(t.ht_minor, 2);
        // Two rates kept apart, highest first.
        let t = compute(&[line(1000, 10_000, 550), line(1000, 10_000, 2000)], MAX).unwrap();
        assert_eq!(t.per_rate.len(), 2);
        assert_eq!(t.per_rate[0].vat_bp, 2000);
        assert_eq!(t.vat_minor, 2000 + 550);
        assert_eq!(compute(&[], MAX), Err(TotalsError::Empty));
        assert_eq!(compute(&[line(0, 1, 0)], MAX), Err(TotalsError::BadLine));
        assert_eq!(
            compute(&[line(1000, -1, 0)], MAX),
            Err(TotalsError::BadLine)
        );
        assert_eq!(
            compute(&[line(1_000_000_000, MAX, 0)], MAX),
            Err(TotalsError::TooLarge)
        );
    }

    #[test]
    fn quantities_and_rates_parse() {
        assert_eq!(parse_quantity("2"), Some(2000));
        assert_eq!(parse_quantity("1,5"), Some(1500));
        assert_eq!(parse_quantity("0.001"), Some(1));
        assert_eq!(parse_quantity("0"), None);
        assert_eq!(parse_quantity("-1"), None);
        assert_eq!(parse_quantity("1.0001"), None);
        assert_eq!(parse_rate("20"), Some(2000));
        assert_eq!(parse_rate("5,5 %"), Some(550));
        assert_eq!(parse_rate("0"), Some(0));
        assert_eq!(parse_rate("101"), None);
        assert_eq!(parse_rate("abc"), None);
    }

    /// Reference: exact rational arithmetic with a different formulation of half-up rounding
    /// (floor((2n + d) / 2d)) on non-negative numbers, and the per-rate grouping done by sorting.
    fn reference(lines: &[Line]) -> (i64, i64) {
        let round = |n: u128, d: u128| ((2 * n + d) / (2 * d)) as i64;
        let mut by_rate = std::collections::BTreeMap::<u32, i64>::new();
        for l in lines {
            let net = round(l.quantity_milli as u128 * l.unit_minor as u128, 1000);
            *by_rate.entry(l.vat_bp).or_default() += net;
        }
        let ht: i64 = by_rate.values().sum();
        let vat: i64 = by_rate
            .iter()
            .map(|(r, b)| round(*b as u128 * u128::from(*r), 10_000))
            .sum();
        (ht, vat)
    }

    proptest! {
        #[test]
        fn totals_match_the_reference(
            lines in prop::collection::vec(
                (1_i64..=100_000, 1_i64..=10_000_000, prop::sample::select(vec![0_u32, 210, 550, 1000, 2000])),
                1..=MAX_LINES,
            )
        ) {
            let lines: Vec<Line> = lines.into_iter().map(|(q, u, r)| line(q, u, r)).collect();
            let t = compute(&lines, i64::MAX / 4).unwrap();
            let (ht, vat) = reference(&lines);
            prop_assert_eq!(t.ht_minor, ht);
            prop_assert_eq!(t.vat_minor, vat);
            prop_assert_eq!(t.ttc_minor, t.ht_minor + t.vat_minor);
            prop_assert_eq!(t.line_nets.iter().sum::<i64>(), t.ht_minor);
            // Each rate's VAT is within half a minor unit of the exact value.
            for r in &t.per_rate {
                let exact2 = 2 * i128::from(r.base_minor) * i128::from(r.vat_bp);
                prop_assert!((i128::from(r.vat_minor) * 20_000 - exact2).abs() <= 10_000);
            }
        }

        #[test]
        fn rounding_is_half_up(n in 0_i128..1_000_000_000_000, d in 1_i128..100_000) {
            let r = div_round_half_up(n, d);
            prop_assert!(2 * (r * d - n) <= d && 2 * (n - r * d) < d);
        }
    }
}
