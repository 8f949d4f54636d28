//! The login lockout as issue 21 found it wanting: concurrent attempts get no more password
//! checks than the limit, the lock is counted per account and source under a ceiling per account
//! and one per source, oversized fields are refused before anything is stored, a burst of
//! failures leaves a bounded mark on the audit trail, and the admin lifts a lock.

mod common;

use common::{Harness, PASSWORD, location, text};
use http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use pengaduan_store::accounts::{AccountStore, AuditAction};
use std::sync::Arc;

const WRONG: &str = "salah-salah-salah";

async fn failures(h: &Harness, user: &str) -> usize {
    h.store.login_failures(user, Timestamp::UNIX_EPOCH).await.unwrap().len()
}

async fn audit_lines(h: &Harness, action: AuditAction) -> Vec<String> {
    let trail = h.store.audit_trail(Timestamp::UNIX_EPOCH, 10_000).await.unwrap();
    trail.into_iter().filter(|e| e.action == action).map(|e| format!("{} {}", e.username, e.detail)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_concurrent_wrong_logins_get_five_password_checks_and_then_the_right_one_is_refused() {
    let h = Arc::new(Harness::new().await);
    let attempts: Vec<_> = (0..60)
        .map(|_| {
            let h = Arc::clone(&h);
            tokio::spawn(async move { h.try_login_from(Some("203.0.113.7"), "budi", WRONG).await.status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    let wrong = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert_eq!((wrong, refused), (5, 55), "{statuses:?}");
    assert_eq!(h.console.password_checks(), 5, "no more password checks than the limit");
    assert_eq!(failures(&h, "budi").await, 5);
    let right = h.try_login_from(Some("203.0.113.7"), "budi", PASSWORD).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS, "the right password after the lock began");
    assert_eq!(h.console.password_checks(), 5, "a locked login checks nothing");
}

#[tokio::test]
async fn failures_from_one_source_do_not_lock_another_until_the_ceiling_of_twenty() {
    let h = Harness::new().await;
    let sources = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"];
    for _ in 0..5 {
        assert_eq!(h.try_login_from(Some(sources[0]), "budi", WRONG).await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(h.try_login_from(Some(sources[0]), "budi", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    // The office's own network is not locked out by somebody else's guessing.
    let office = Some("192.0.2.10");
    assert_eq!(h.try_login_from(office, "budi", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    // Fourteen more from three other sources: nineteen in all.
    for (source, n) in [(sources[1], 5), (sources[2], 5), (sources[3], 4)] {
        for _ in 0..n {
            assert_eq!(h.try_login_from(Some(source), "budi", WRONG).await.status(), StatusCode::UNAUTHORIZED);
        }
    }
    assert_eq!(h.try_login_from(office, "budi", PASSWORD).await.status(), StatusCode::SEE_OTHER, "nineteen");
    assert_eq!(h.try_login_from(Some(sources[3]), "budi", WRONG).await.status(), StatusCode::UNAUTHORIZED);
    let checks = h.console.password_checks();
    assert_eq!(h.try_login_from(office, "budi", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS, "twenty");
    assert_eq!(h.try_login_from(Some("192.0.2.99"), "budi", WRONG).await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(h.console.password_checks(), checks, "over the ceiling nothing is checked");
    // Another account is not affected; the ceiling passes with the window.
    assert_eq!(h.try_login_from(office, "rina", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    h.advance(SignedDuration::from_mins(15));
    assert_eq!(h.try_login_from(office, "budi", PASSWORD).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn one_source_gets_thirty_attempts_across_accounts_in_fifteen_minutes() {
    let h = Harness::new().await;
    let guesser = Some("203.0.113.50");
    // Four on each of seven names and two on an eighth: no account locks, thirty in all.
    let names = ["tidak-ada-1", "tidak-ada-2", "tidak-ada-3", "tidak-ada-4", "tidak-ada-5", "sari", "agus"];
    for name in names {
        for _ in 0..4 {
            assert_eq!(h.try_login_from(guesser, name, WRONG).await.status(), StatusCode::UNAUTHORIZED, "{name}");
        }
    }
    for _ in 0..2 {
        assert_eq!(h.try_login_from(guesser, "rina", WRONG).await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(h.console.password_checks(), 30);
    let refused = h.try_login_from(guesser, "budi", PASSWORD).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "the thirty-first, on a fresh account");
    assert_eq!(h.console.password_checks(), 30);
    // Another source is not affected.
    assert_eq!(h.try_login_from(Some("192.0.2.10"), "budi", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    // An IPv6 source counts by its /64: another address in it is the same source.
    let v6 = |host: u16| format!("2001:db8:1:2::{host:x}");
    for i in 0..30u16 {
        let status = h.try_login_from(Some(&v6(i + 1)), &format!("tidak-ada-v6-{}", i / 4), WRONG).await.status();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(h.try_login_from(Some(&v6(999)), "budi", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_login_field_over_256_bytes_is_refused_with_422_before_anything_is_stored() {
    let h = Harness::new().await;
    let long = "a".repeat(257);
    for (user, password) in [(long.as_str(), PASSWORD), ("budi", long.as_str())] {
        let resp = h.try_login_from(Some("203.0.113.7"), user, password).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(resp).await.contains("256 byte"));
    }
    // Multi-byte characters count as their bytes: 129 × 2 bytes.
    let wide = "é".repeat(129);
    assert_eq!(h.try_login("budi", &wide).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(h.console.password_checks(), 0, "nothing was hashed");
    assert_eq!(failures(&h, "budi").await + failures(&h, &long).await, 0, "no failure recorded");
    assert!(h.store.audit_trail(Timestamp::UNIX_EPOCH, 100).await.unwrap().is_empty(), "no audit line");
    // 256 bytes is a field like any other, in either field.
    let at_limit = "b".repeat(256);
    assert_eq!(h.try_login("budi", &at_limit).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(h.try_login(&at_limit, PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_burst_of_failures_from_one_source_is_one_audit_line_and_one_per_lock() {
    let h = Harness::new().await;
    let guesser = Some("203.0.113.7");
    for user in ["rina", "sari"] {
        for _ in 0..4 {
            assert_eq!(h.try_login_from(guesser, user, WRONG).await.status(), StatusCode::UNAUTHORIZED);
        }
    }
    assert_eq!(audit_lines(&h, AuditAction::LoginRefused).await.len(), 1, "eight failures, one line");
    assert_eq!(h.try_login_from(guesser, "rina", WRONG).await.status(), StatusCode::UNAUTHORIZED);
    let lines = audit_lines(&h, AuditAction::LoginRefused).await;
    assert_eq!(lines.len(), 2, "the lock of rina for this source: {lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("rina akun dikunci")), "{lines:?}");
    for _ in 0..500 {
        h.try_login_from(guesser, "rina", WRONG).await;
    }
    assert_eq!(audit_lines(&h, AuditAction::LoginRefused).await.len(), 2, "refused attempts add no line");
    // A real entry stays on the first page of the trail.
    let admin = h.login("admin").await;
    let page = text(h.get("/staf/audit", Some(&admin.cookie)).await).await;
    assert!(page.contains("Masuk ditolak"));
}

#[tokio::test]
async fn the_admin_unlocks_an_account_in_the_console_and_others_are_refused() {
    let h = Harness::new().await;
    for _ in 0..5 {
        assert_eq!(h.try_login("budi", WRONG).await.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = h.try_login("budi", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    // The page says the wait in whole minutes, rounded up from the seconds Retry-After gives.
    let wait: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 60 && wait % 60 != 59, "a wait the rounding shows: {wait} s");
    let page = text(locked).await;
    assert!(page.contains(&format!("Coba lagi dalam {} menit", wait.div_ceil(60))), "{wait} s: {page}");
    let fo = h.login("rina").await;
    let refused =
        h.post("/staf/pengguna/buka-kunci", Some(&fo.cookie), &[("csrf", &fo.csrf), ("pengguna", "budi")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "the front office may not");
    assert_eq!(failures(&h, "budi").await, 5, "nothing changed");

    let admin = h.login("admin").await;
    let page = text(h.get("/staf/audit", Some(&admin.cookie)).await).await;
    assert!(page.contains("action=\"/staf/pengguna/buka-kunci\"") && page.contains("Buka kunci"), "the form");
    let forged = h.post("/staf/pengguna/buka-kunci", Some(&admin.cookie), &[("pengguna", "budi")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "no CSRF token");
    assert_eq!(failures(&h, "budi").await, 5);
    let unknown = h
        .post("/staf/pengguna/buka-kunci", Some(&admin.cookie), &[("csrf", &admin.csrf), ("pengguna", "tidak-ada")])
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let done =
        h.post("/staf/pengguna/buka-kunci", Some(&admin.cookie), &[("csrf", &admin.csrf), ("pengguna", "budi")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/staf/audit");
    assert_eq!(failures(&h, "budi").await, 0);
    assert_eq!(h.try_login("budi", PASSWORD).await.status(), StatusCode::SEE_OTHER, "unlocked");
    let changes = audit_lines(&h, AuditAction::AccountChanged).await;
    assert_eq!(changes, ["admin kunci akun budi dibuka"]);
}
