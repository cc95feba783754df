//! Issue 10's hardening, each through the path production runs: the per-account command rate
//! (Telegram fake), per-IP web limits and body limits (real HTTP), outgoing timeouts (a fake
//! that never answers), shutdown through the runtime, weak production keys (the binary), and
//! the fuzz properties (`hardening/fuzz.rs`, 100,000 cases each with `scripts/fuzz`).

mod fuzz;
mod rate;
mod shutdown;
mod web;

/// `serve` in production refuses to start with weak or missing token keys, saying why in one
/// sentence per problem and never echoing a key.
#[test]
fn production_refuses_weak_or_missing_token_keys() {
    use base64::Engine;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let random: Vec<u8> = (0u8..32)
        .map(|i| i.wrapping_mul(73).wrapping_add(11))
        .collect();
    let cases = [
        (None, "TOKEN_ENCRYPTION_KEYS is required in production"),
        (
            Some(format!("k1:{}", b64(&[0; 16]))),
            "does not decode to 32 bytes",
        ),
        (
            Some(format!("k1:{},k1:{}", b64(&random), b64(&[1; 32]))),
            "key id \"k1\" is used twice",
        ),
        (
            Some(format!("k1:{}", b64(&[0; 32]))),
            "key \"k1\" is not random",
        ),
        (
            Some(format!("k1:{}", b64(&[0xde, 0xad, 0xbe, 0xef].repeat(8)))),
            "key \"k1\" is not random",
        ),
        (
            Some(format!("new:{},old:{}", b64(&random), b64(&random))),
            "keys \"new\" and \"old\" are the same key",
        ),
    ];
    for (keys, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_creatorpilot"));
        cmd.arg("serve")
            .env_clear()
            .env("CREATORPILOT_ENV", "production")
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
            .env("CREATORPILOT_DATA_DIR", dir.path())
            .current_dir(dir.path());
        if let Some(keys) = &keys {
            cmd.env("TOKEN_ENCRYPTION_KEYS", keys);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{keys:?}: {stderr}");
        assert!(stderr.contains(expected), "{keys:?}: {stderr}");
        if let Some(keys) = keys {
            for key in keys
                .split(',')
                .filter_map(|k| k.split_once(':'))
                .map(|k| k.1)
            {
                assert!(!stderr.contains(key), "a key was echoed: {stderr}");
            }
        }
    }
    // A strong key starts (it gets as far as the database, which is not there).
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creatorpilot"))
        .arg("serve")
        .env_clear()
        .env("CREATORPILOT_ENV", "production")
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("CREATORPILOT_DATA_DIR", dir.path())
        .env("TOKEN_ENCRYPTION_KEYS", format!("k1:{}", b64(&random)))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("TOKEN_ENCRYPTION_KEYS"), "{stderr}");
}
