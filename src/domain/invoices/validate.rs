//! Identifiers on an invoice, checked before anything is stored: SIREN/SIRET (Luhn, with La
//! Poste's own rule), IBAN (ISO 13616 mod 97), BIC (ISO 9362 shape), French VAT numbers.

/// La Poste's SIREN: its establishments' SIRETs need not pass Luhn; INSEE's rule for them is that
/// the sum of the 14 digits is a multiple of 5 (the head office's passes Luhn as well).
const LA_POSTE_SIREN: &str = "356000000";

fn digits_only(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect()
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// A SIREN (9 digits) or SIRET (14 digits), normalized (no spaces), when valid.
pub fn siren_or_siret(text: &str) -> Option<String> {
    let d = digits_only(text);
    if !(d.len() == 9 || d.len() == 14) || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if d.len() == 14 && d.starts_with(LA_POSTE_SIREN) {
        let sum: u32 = d.bytes().map(|b| u32::from(b - b'0')).sum();
        return (sum.is_multiple_of(5) || luhn(&d)).then_some(d);
    }
    if d.len() == 14 && !luhn(&d[..9]) {
        return None;
    }
    luhn(&d).then_some(d)
}

/// An IBAN, normalized (upper case, no spaces), when its checksum holds.
pub fn iban(text: &str) -> Option<String> {
    let s: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let ok_shape = (15..=34).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric())
        && s.as_bytes()[..2].iter().all(u8::is_ascii_uppercase)
        && s.as_bytes()[2..4].iter().all(u8::is_ascii_digit);
    if !ok_shape {
        return None;
    }
    let rearranged = s[4..].bytes().chain(s[..4].bytes());
    let mut rem: u32 = 0;
    for b in rearranged {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    (rem == 1).then_some(s)
}

/// A BIC: 4 letters (bank), 2 letters (country), 2 alphanumerics (location), optionally 3 more.
pub fn bic(text: &str) -> Option<String> {
    let s = text.trim().to_ascii_uppercase();
    let b = s.as_bytes();
    let ok = (s.len() == 8 || s.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..].iter().all(u8::is_ascii_alphanumeric);
    ok.then_some(s)
}

/// An intra-EU VAT number. French ones (FR + 2-character key + SIREN) are checked against the
/// SIREN's key; others only for shape (2 letters + 2 to 13 characters).
pub fn vat_number(text: &str) -> Option<String> {
    let s: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if s.len() < 4 || s.len() > 15 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    if !s.as_bytes()[..2].iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    if let Some(rest) = s.strip_prefix("FR") {
        if rest.len() != 11 || !rest[2..].bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        siren_or_siret(&rest[2..])?;
        if let Ok(key) = rest[..2].parse::<u64>() {
            let siren: u64 = rest[2..].parse().ok()?;
            return (key == (12 + 3 * (siren % 97)) % 97).then_some(s);
        }
    }
    Some(s)
}

/// A plausible email address (one `@`, a dot in the domain, no spaces).
pub fn email(text: &str) -> Option<String> {
    let s = text.trim();
    let (local, domain) = s.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
        && s.len() <= 254;
    ok.then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sirens_and_sirets() {
        // Real public identifiers (INSEE): Danone SA, La Poste's head office and an office.
        assert_eq!(siren_or_siret("552 032 534").as_deref(), Some("552032534"));
        assert!(siren_or_siret("55203253400646").is_some());
        assert!(siren_or_siret("552032535").is_none());
        assert!(siren_or_siret("35600000000048").is_some());
        // La Poste office: fails Luhn, passes the multiple-of-5 rule.
        assert!(siren_or_siret("35600000010000").is_some_and(|s| !luhn(&s)));
        assert!(siren_or_siret("35600000010001").is_none());
        assert!(siren_or_siret("12345").is_none());
        assert!(siren_or_siret("ABCDEFGHI").is_none());
    }

    #[test]
    fn ibans_and_bics() {
        assert_eq!(
            iban("fr76 3000 6000 0112 3456 7890 189").as_deref(),
            Some("FR7630006000011234567890189")
        );
        assert!(iban("DE89370400440532013000").is_some());
        assert!(iban("FR7630006000011234567890188").is_none());
        assert!(iban("FR76").is_none());
        assert_eq!(bic("bnpafrpp").as_deref(), Some("BNPAFRPP"));
        assert!(bic("BNPAFRPPXXX").is_some());
        assert!(bic("BNP").is_none());
        assert!(bic("1NPAFRPP").is_none());
    }

    #[test]
    fn vat_numbers() {
        assert!(vat_number("FR 40 303 265 045").is_some());
        assert!(vat_number("FR41303265045").is_none());
        assert!(vat_number("DE123456789").is_some());
        assert!(vat_number("12").is_none());
        assert!(email("a@b.fr").is_some());
        assert!(email("a b@c.fr").is_none());
    }
}
