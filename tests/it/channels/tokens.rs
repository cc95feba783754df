//! Tokens at rest: sealed with the row's user and provider as associated data, never plaintext
//! in the database, re-sealed by key rotation.

use base64::Engine;
use creatorpilot::bot::AccountId;
use creatorpilot::crypto::Keyring;
use creatorpilot::db::channels::{self, NewConnection};
use creatorpilot::domain::channels::{open_tokens, rotate_keys, seal_token};
use secrecy::ExposeSecret;

use crate::support::fresh_db;

fn ring(spec: &[(&str, u8)]) -> Keyring {
    let text: Vec<String> = spec
        .iter()
        .map(|(id, b)| {
            format!(
                "{id}:{}",
                base64::engine::general_purpose::STANDARD.encode([*b; 32])
            )
        })
        .collect();
    Keyring::parse(&text.join(",")).unwrap()
}

#[tokio::test]
async fn tokens_are_sealed_bound_to_their_row_and_rotated() {
    let db = fresh_db().await;
    let user: uuid::Uuid = sqlx::query_scalar("INSERT INTO users DEFAULT VALUES RETURNING id")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let old = ring(&[("k1", 1)]);
    let access = seal_token(&old, user, "youtube", "ya29.ACCESS-PLAINTEXT");
    let refresh = seal_token(&old, user, "youtube", "1//REFRESH-PLAINTEXT");
    channels::connect(
        &db.pool,
        AccountId(user),
        "youtube",
        &NewConnection {
            external_id: "UC123",
            display_name: Some("Chan"),
            access_token: &access,
            refresh_token: Some(&refresh),
            key_id: "k1",
            access_expires_at: None,
            refresh_expires_at: None,
            scopes: None,
        },
    )
    .await
    .unwrap();
    // The raw columns hold no plaintext.
    let (raw_a, raw_r): (String, String) =
        sqlx::query_as("SELECT access_token, refresh_token FROM platforms")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    for raw in [&raw_a, &raw_r] {
        assert!(
            !raw.contains("PLAINTEXT") && raw.starts_with("k1:"),
            "{raw}"
        );
    }
    let dump: String = sqlx::query_scalar("SELECT string_agg(p::text, '') FROM platforms p")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(!dump.contains("PLAINTEXT"));

    // Copied onto another account's row, the ciphertext does not open.
    let other: uuid::Uuid = sqlx::query_scalar("INSERT INTO users DEFAULT VALUES RETURNING id")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let mut row = channels::find(&db.pool, AccountId(user), "youtube")
        .await
        .unwrap()
        .unwrap();
    let mut forged = row.clone();
    forged.user_id = other;
    forged.sealed_for = Some(other);
    assert!(open_tokens(&old, &forged).is_err());

    // Rotation: the new first key seals, the old one still opens what it sealed.
    let rotated = ring(&[("k2", 2), ("k1", 1)]);
    assert_eq!(rotate_keys(&db.pool, &rotated).await.unwrap(), 1);
    assert_eq!(
        rotate_keys(&db.pool, &rotated).await.unwrap(),
        0,
        "idempotent"
    );
    row = channels::find(&db.pool, AccountId(user), "youtube")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.token_key_id.as_deref(), Some("k2"));
    assert!(row.access_token.as_deref().unwrap().starts_with("k2:"));
    let only_new = ring(&[("k2", 2)]);
    let tokens = open_tokens(&only_new, &row).unwrap();
    assert_eq!(
        tokens.refresh.unwrap().expose_secret(),
        "1//REFRESH-PLAINTEXT"
    );
    assert_eq!(
        tokens.access.unwrap().expose_secret(),
        "ya29.ACCESS-PLAINTEXT"
    );
}
