//! `Stripe-Signature` as Stripe documents it: `t=TIMESTAMP,v1=HEX[,v1=HEX…]`, each `v1` an
//! HMAC-SHA256 of `TIMESTAMP.BODY` keyed with the endpoint's secret. Any one matching `v1`
//! passes (secrets roll over with two signatures); a timestamp more than `TOLERANCE_SECS` away
//! from now fails (replays).

use sha2::{Digest, Sha256};

pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp or no v1 signature")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no v1 signature matches")]
    Mismatch,
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares without an early exit, so timing says nothing about how much matched.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The header Stripe would send for `body` at `timestamp` (tests and tools).
pub fn header(body: &[u8], secret: &str, timestamp: i64) -> String {
    format!("t={timestamp},v1={}", sign(body, secret, timestamp))
}

pub fn sign(body: &[u8], secret: &str, timestamp: i64) -> String {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    hex(&hmac_sha256(secret.as_bytes(), &signed))
}

/// Checks `header` against `body` at time `now` (unix seconds).
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value.to_ascii_lowercase()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let expected = sign(body, secret, timestamp);
    if signatures
        .iter()
        .any(|s| same(s.as_bytes(), expected.as_bytes()))
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // A key longer than a block is hashed first (RFC 4231 test case 6).
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn any_v1_passes_and_everything_else_fails() {
        let body = br#"{"id":"evt_1"}"#;
        let now = 1_800_000_000;
        let good = header(body, "whsec_a", now);
        assert_eq!(verify(Some(&good), body, "whsec_a", now + 10), Ok(()));
        let rotated = format!(
            "t={now},v1={},v1={}",
            "00".repeat(32),
            sign(body, "whsec_a", now)
        );
        assert_eq!(verify(Some(&rotated), body, "whsec_a", now), Ok(()));
        assert_eq!(
            verify(Some(&good), body, "whsec_b", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&good), br#"{"id":"evt_2"}"#, "whsec_a", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&good), body, "whsec_a", now + 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(Some("v1=abc"), body, "whsec_a", now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(None, body, "whsec_a", now),
            Err(SignatureError::Missing)
        );
    }
}
