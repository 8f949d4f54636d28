//! Staff identities, one contract on both stores (SQLite and DynamoDB on moto's server), both
//! reached through `AnyStore` as the console reaches them: accounts created once and replaced
//! whole, sessions found by their digest and ended one by one or all of an account's, failed
//! logins counted since an instant and forgotten, login checks reserved atomically under concurrency, the audit trail newest first across months,
//! and the inbox of open complaints, which a complaint leaves when it is `selesai`.

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use jiff::civil::date;
use pengaduan_core::access::Role;
use pengaduan_core::workflow::IntakeChannel;
use pengaduan_core::{RegisterNumber, Status};
use pengaduan_store::accounts::password::{hash_password, new_csrf_token, new_session_id};
use pengaduan_store::accounts::{Account, AccountStore, AuditAction, AuditEntry, LoginReservation, Session};
use pengaduan_store::erasure::Request;
use pengaduan_store::testing::{Moto, advance, complaint, complete, nomor, now, sqlite_store, state_of};
use pengaduan_store::{AnyStore, ComplaintStore, ListFilter, StoreError, WorkflowStore};
use std::time::Duration;

/// An instant with a fraction of a second, so that round trips keep sub-second precision.
fn at(offset_secs: u64) -> Timestamp {
    now() + Duration::from_millis(offset_secs * 1000 + 250)
}

fn account(username: &str, role: Role) -> Account {
    Account {
        username: username.into(),
        name: format!("Petugas {username}"),
        role,
        active: true,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
            .into(),
        created_at: at(0),
        password_set_at: at(0),
    }
}

fn session(username: &str, role: Role, started: Timestamp) -> Session {
    let (_, id_digest) = new_session_id();
    Session {
        id_digest,
        username: username.into(),
        role,
        csrf_token: new_csrf_token(),
        created_at: started,
        last_seen: started,
    }
}

async fn accounts_are_created_once_and_replaced_whole<S: AccountStore>(store: &S) {
    assert_eq!(store.account("rina").await.unwrap(), None);
    assert!(store.accounts().await.unwrap().is_empty());

    let rina =
        Account { password_hash: hash_password("kata sandi rina").unwrap(), ..account("rina", Role::FrontOffice) };
    store.create_account(account("budi", Role::Jft)).await.unwrap();
    store.create_account(rina.clone()).await.unwrap();
    assert_eq!(store.account("rina").await.unwrap(), Some(rina.clone()));

    // The username is taken: refused, and the first account is untouched.
    let err = store.create_account(account("rina", Role::Admin)).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(ref u) if u == "rina"), "{err:?}");
    assert_eq!(err.to_string(), "rina exists already");
    assert_eq!(store.account("rina").await.unwrap(), Some(rina.clone()));

    let all = store.accounts().await.unwrap();
    assert_eq!(all.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(), ["budi", "rina"], "by username");

    // Deactivated, renamed, promoted, new password: every field is replaced.
    let changed = Account {
        name: "Rina Wulandari".into(),
        role: Role::KepalaBidang,
        active: false,
        password_hash: hash_password("kata sandi baru").unwrap(),
        password_set_at: at(3600),
        ..rina.clone()
    };
    store.update_account(changed.clone()).await.unwrap();
    assert_eq!(store.account("rina").await.unwrap(), Some(changed.clone()));
    assert_eq!(store.accounts().await.unwrap()[1], changed);

    let err = store.update_account(account("wati", Role::Jft)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(ref u) if u == "wati"), "{err:?}");
    assert_eq!(store.account("wati").await.unwrap(), None, "an update never creates");
}

async fn sessions_are_found_touched_and_ended<S: AccountStore>(store: &S) {
    let first = session("rina", Role::FrontOffice, at(0));
    let second = session("rina", Role::FrontOffice, at(60));
    let other = session("budi", Role::Jft, at(120));
    for s in [&first, &second, &other] {
        store.create_session(s.clone()).await.unwrap();
    }
    assert_eq!(store.session(&first.id_digest).await.unwrap(), Some(first.clone()));
    assert_eq!(store.session(&other.id_digest).await.unwrap(), Some(other.clone()));
    assert_eq!(store.session(&new_session_id().1).await.unwrap(), None);

    store.touch_session(&first.id_digest, at(300)).await.unwrap();
    let touched = store.session(&first.id_digest).await.unwrap().unwrap();
    assert_eq!(touched, Session { last_seen: at(300), ..first.clone() }, "only last_seen moves");
    assert_eq!(store.session(&second.id_digest).await.unwrap(), Some(second.clone()));

    // Logout: gone, and ending or touching it again neither fails nor brings it back.
    store.end_session(&first.id_digest).await.unwrap();
    assert_eq!(store.session(&first.id_digest).await.unwrap(), None);
    store.end_session(&first.id_digest).await.unwrap();
    store.touch_session(&first.id_digest, at(400)).await.unwrap();
    assert_eq!(store.session(&first.id_digest).await.unwrap(), None);

    // Deactivation: every session of the account ends, nobody else's.
    store.end_sessions_of("rina").await.unwrap();
    assert_eq!(store.session(&second.id_digest).await.unwrap(), None);
    assert_eq!(store.session(&other.id_digest).await.unwrap(), Some(other.clone()));
    store.end_sessions_of("tidak-ada").await.unwrap();

    // The account logs in again afterwards, and that session ends the same way.
    let again = session("rina", Role::KepalaBidang, at(600));
    store.create_session(again.clone()).await.unwrap();
    assert_eq!(store.session(&again.id_digest).await.unwrap(), Some(again.clone()));
    store.end_sessions_of("rina").await.unwrap();
    assert_eq!(store.session(&again.id_digest).await.unwrap(), None);
    assert_eq!(store.session(&other.id_digest).await.unwrap(), Some(other));
}

async fn login_failures_are_counted_and_forgotten<S: AccountStore>(store: &S) {
    assert!(store.login_failures("rina", at(0)).await.unwrap().is_empty());
    // Out of order on purpose: they are read back oldest first.
    for t in [at(2), at(0), at(1)] {
        store.record_login_failure("rina", t).await.unwrap();
    }
    store.record_login_failure("budi", at(1)).await.unwrap();
    // Whether or not the account exists.
    store.record_login_failure("tidak-ada", at(1)).await.unwrap();

    assert_eq!(store.login_failures("rina", at(0)).await.unwrap(), [at(0), at(1), at(2)]);
    assert_eq!(store.login_failures("rina", at(1)).await.unwrap(), [at(1), at(2)], "at `since` counts");
    assert!(store.login_failures("rina", at(3)).await.unwrap().is_empty());
    assert_eq!(store.login_failures("tidak-ada", at(0)).await.unwrap(), [at(1)]);

    store.clear_login_failures("rina").await.unwrap();
    assert!(store.login_failures("rina", at(0)).await.unwrap().is_empty());
    assert_eq!(store.login_failures("budi", at(0)).await.unwrap(), [at(1)], "only rina's are forgotten");
    store.clear_login_failures("tidak-pernah").await.unwrap();
}

/// Forty attempts at once on one account from one source: exactly five checks are reserved, the
/// rest refused, whichever store and however the requests interleave. Another source still gets
/// its own; a success forgets only its source's; the admin's unlock forgets them all.
async fn login_checks_are_reserved_atomically<S: AccountStore + Clone + 'static>(store: &S) {
    let now = at(0);
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.reserve_login_check("rina", "sumber-a", now).await.unwrap() })
        })
        .collect();
    let mut reserved = 0;
    for t in tasks {
        if matches!(t.await.unwrap(), LoginReservation::Reserved { .. }) {
            reserved += 1;
        }
    }
    assert_eq!(reserved, 5, "no more checks than the limit");
    assert_eq!(store.login_failures("rina", at(0)).await.unwrap().len(), 5);
    let refused = store.reserve_login_check("rina", "sumber-a", at(1)).await.unwrap();
    assert!(matches!(refused, LoginReservation::Refused { until } if until > at(1)), "{refused:?}");
    let other = store.reserve_login_check("rina", "sumber-b", at(1)).await.unwrap();
    assert_eq!(other, LoginReservation::Reserved { source_failures_before: 0, locks: false });
    store.login_succeeded("rina", "sumber-b").await.unwrap();
    assert_eq!(store.login_failures("rina", at(0)).await.unwrap().len(), 5, "only sumber-b's are forgotten");
    store.clear_login_failures("rina").await.unwrap();
    assert!(store.login_failures("rina", at(0)).await.unwrap().is_empty());
    let again = store.reserve_login_check("rina", "sumber-a", at(2)).await.unwrap();
    assert!(matches!(again, LoginReservation::Reserved { .. }), "unlocked: {again:?}");
}

fn entry(when: Timestamp, action: AuditAction, nomor: Option<&str>, detail: &str) -> AuditEntry {
    AuditEntry {
        at: when,
        username: "rina".into(),
        role: Some(Role::FrontOffice),
        action,
        nomor: nomor.map(str::to_owned),
        detail: detail.into(),
    }
}

async fn the_audit_trail_is_read_newest_first<S: AccountStore>(store: &S) {
    let ts = |s: &str| s.parse::<Timestamp>().unwrap();
    let october = entry(ts("2026-10-20T02:00:00Z"), AuditAction::Login, None, "");
    let seen = entry(at(0), AuditAction::ViewPersonalData, Some("PGD-2026-00001"), "");
    let downloaded = entry(at(60), AuditAction::DownloadAttachment, Some("PGD-2026-00001"), "ktp.pdf");
    let refused = AuditEntry {
        username: "tidak-ada".into(),
        role: None,
        ..entry(at(120), AuditAction::LoginRefused, None, "kata sandi salah")
    };
    // A month with no entries (December) lies between November and January.
    let january = AuditEntry {
        username: "admin".into(),
        role: Some(Role::Admin),
        ..entry(ts("2027-01-05T01:00:00.5Z"), AuditAction::ErasePersonalData, Some("PGD-2026-00001"), "Permintaan")
    };
    for e in [&seen, &january, &october, &refused, &downloaded] {
        store.record_audit(e.clone()).await.unwrap();
    }

    let all = store.audit_trail(ts("2026-01-01T00:00:00Z"), 100).await.unwrap();
    assert_eq!(all, [january.clone(), refused.clone(), downloaded.clone(), seen.clone(), october.clone()]);
    assert_eq!(store.audit_trail(ts("2026-01-01T00:00:00Z"), 2).await.unwrap(), [january.clone(), refused.clone()]);
    assert_eq!(store.audit_trail(ts("2026-01-01T00:00:00Z"), 3).await.unwrap()[2], downloaded);
    assert_eq!(
        store.audit_trail(at(60), 100).await.unwrap(),
        [january.clone(), refused, downloaded],
        "from `since` on, inclusive"
    );
    assert_eq!(store.audit_trail(ts("2027-01-01T00:00:00Z"), 100).await.unwrap(), [january]);
    assert!(store.audit_trail(ts("2027-02-01T00:00:00Z"), 100).await.unwrap().is_empty());
    assert!(store.audit_trail(ts("2026-01-01T00:00:00Z"), 0).await.unwrap().is_empty());
}

fn numbers(rows: &[pengaduan_store::RegisterRow]) -> Vec<u64> {
    rows.iter().map(|r| r.nomor.seq).collect()
}

async fn the_inbox_holds_open_complaints<S: WorkflowStore>(store: &S) {
    assert!(store.open_rows().await.unwrap().is_empty());
    let first = nomor(&store.submit(complaint(1, "inbox-1", now(), 2026)).await.unwrap());
    let second = nomor(&store.submit(complaint(2, "inbox-2", now(), 2026)).await.unwrap());
    let mut phone = complaint(3, "inbox-3", now(), 2026);
    phone.channel = IntakeChannel::Telepon;
    phone.recorded_by = "Rina (FO)".into();
    let third = nomor(&store.submit(phone).await.unwrap());
    assert_eq!(numbers(&store.open_rows().await.unwrap()), [1, 2, 3], "by number");

    // Rows as the register has them, and changes show in them.
    complete(store, &second, "jawaban-tertulis", date(2026, 3, 17)).await;
    let open = store.open_rows().await.unwrap();
    assert_eq!(open, store.list(&ListFilter::default()).await.unwrap());
    assert_eq!(open[1].state.status, Status::Diverifikasi);

    // Erasing personal data does not close a complaint.
    let version = store.load(&first).await.unwrap().unwrap().row.version;
    store
        .erase_personal(
            &Request { nomor: &first, expected_version: version, by: "Admin", reason: "Permintaan pengadu", at: now() },
            0,
        )
        .await
        .unwrap();
    assert_eq!(numbers(&store.open_rows().await.unwrap()), [1, 2, 3]);

    // Through every step to selesai: it leaves the inbox, and stays in the register.
    while state_of(store, &second).await.0.status != Status::Selesai {
        assert!(numbers(&store.open_rows().await.unwrap()).contains(&2));
        advance(store, &second, "Budi (JFT)").await;
    }
    assert_eq!(numbers(&store.open_rows().await.unwrap()), [1, 3]);
    assert_eq!(numbers(&store.list(&ListFilter::default()).await.unwrap()), [1, 2, 3]);
    assert_eq!(store.open_rows().await.unwrap()[1].nomor, third);
}

contract! {
    sqlite => {
        let (store, dir) = sqlite_store();
        (AnyStore::Sqlite(store), dir)
    },
    dynamodb => (AnyStore::Dynamo(Moto::shared().store().await), ());
    [
        accounts_are_created_once_and_replaced_whole,
        sessions_are_found_touched_and_ended,
        login_failures_are_counted_and_forgotten,
        login_checks_are_reserved_atomically,
        the_audit_trail_is_read_newest_first,
        the_inbox_holds_open_complaints,
    ]
}

#[tokio::test]
async fn sqlite_refuses_to_rewrite_the_audit_trail() {
    let (store, dir) = sqlite_store();
    store.record_audit(entry(at(0), AuditAction::ViewPersonalData, Some("PGD-2026-00001"), "")).await.unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("data/pengaduan.db")).unwrap();
    let update = conn.execute("UPDATE audit SET username = 'orang-lain'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM audit", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(store.audit_trail(now(), 10).await.unwrap().len(), 1);
}

/// Sessions and failed logins carry the table's TTL attribute, so DynamoDB deletes them by
/// itself: a session 12 hours after it began, a failed login an hour after it.
#[tokio::test]
async fn dynamodb_sessions_and_failures_expire_by_themselves() {
    let moto = Moto::shared();
    let store = moto.store().await;
    let client = moto.client().await;
    let expires_at = |pk: String, sk: String| {
        let (client, table) = (client.clone(), store.table().to_owned());
        async move {
            let out = client
                .get_item()
                .table_name(table)
                .key("pk", AttributeValue::S(pk))
                .key("sk", AttributeValue::S(sk))
                .send()
                .await
                .unwrap();
            match out.item.unwrap().get(pengaduan_store::dynamodb::TTL_ATTRIBUTE) {
                Some(AttributeValue::N(v)) => v.parse::<i64>().unwrap(),
                other => panic!("no TTL attribute: {other:?}"),
            }
        }
    };
    let s = session("rina", Role::Jft, at(0));
    store.create_session(s.clone()).await.unwrap();
    let twelve_hours = at(0).as_second() + 12 * 3600;
    assert_eq!(expires_at(format!("SESI#{}", s.id_digest), "SESI".into()).await, twelve_hours);
    assert_eq!(expires_at("SESI-AKUN#rina".into(), s.id_digest.clone()).await, twelve_hours);

    store.record_login_failure("rina", at(0)).await.unwrap();
    let items = client
        .query()
        .table_name(store.table())
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S("GAGAL#rina".into()))
        .send()
        .await
        .unwrap()
        .items
        .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].get("expires_at"), Some(&AttributeValue::N((at(0).as_second() + 3600).to_string())));
}

/// A register item written before the index existed has no `terbuka`: it is missing from the
/// inbox until its next change, which sets it (infra/README.md, Access patterns).
#[tokio::test]
async fn dynamodb_complaints_stored_before_the_index_join_it_at_their_next_change() {
    let moto = Moto::shared();
    let store = moto.store().await;
    let n = nomor(&store.submit(complaint(1, "before-index", now(), 2026)).await.unwrap());
    moto.client()
        .await
        .update_item()
        .table_name(store.table())
        .key("pk", AttributeValue::S(format!("COMPLAINT#{n}")))
        .key("sk", AttributeValue::S("REGISTER".into()))
        .update_expression("REMOVE terbuka")
        .send()
        .await
        .unwrap();
    assert!(store.open_rows().await.unwrap().is_empty());
    complete(&store, &n, "penyelesaian", date(2026, 3, 17)).await;
    let open = store.open_rows().await.unwrap();
    assert_eq!(open.iter().map(|r| r.nomor.clone()).collect::<Vec<RegisterNumber>>(), [n]);
}
