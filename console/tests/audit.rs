//! The audit trail page's filters (user, action, complaint, period) and its pages.

mod common;

use common::{Harness, text};
use http::StatusCode;
use jiff::SignedDuration;
use pengaduan_core::access::Role;
use pengaduan_store::accounts::{AccountStore, AuditAction, AuditEntry};

fn entry(h: &Harness, username: &str, action: AuditAction, nomor: Option<&str>, detail: &str) -> AuditEntry {
    AuditEntry {
        at: h.now(),
        username: username.into(),
        role: Some(Role::FrontOffice),
        action,
        nomor: nomor.map(str::to_owned),
        detail: detail.into(),
    }
}

/// The rows of the page's table: each `<tr><td>` line.
fn rows(page: &str) -> Vec<&str> {
    page.lines().filter(|l| l.trim_start().starts_with("<tr><td>")).collect()
}

#[tokio::test]
async fn the_trail_is_filtered_by_user_action_complaint_and_period_and_paged() {
    let h = Harness::new().await;
    let old = entry(&h, "rina", AuditAction::ViewPersonalData, Some("PGD-2026-00001"), "lama");
    h.store.record_audit(old).await.unwrap();
    h.advance(SignedDuration::from_hours(24 * 40));
    for i in 0..150 {
        let e = entry(&h, "rina", AuditAction::DownloadAttachment, Some("PGD-2026-00002"), &format!("berkas-{i:03}"));
        h.store.record_audit(e).await.unwrap();
    }
    let e = entry(&h, "budi", AuditAction::ViewPersonalData, Some("PGD-2026-00003"), "budi-lihat");
    h.store.record_audit(e).await.unwrap();
    let admin = h.login("admin").await;
    let get = |query: &str| {
        let path = format!("/staf/audit?{query}");
        let cookie = admin.cookie.clone();
        let h = &h;
        async move {
            let resp = h.get(&path, Some(&cookie)).await;
            assert_eq!(resp.status(), StatusCode::OK, "{path}");
            text(resp).await
        }
    };

    let page = get("pengguna=budi").await;
    assert_eq!(rows(&page).len(), 1, "{page}");
    assert!(page.contains("budi-lihat") && page.contains("value=\"budi\""));
    let page = get("nomor=pgd-2026-00003").await;
    assert_eq!(rows(&page).len(), 1, "the number in any case");
    let page = get("tindakan=lihat-data-pribadi").await;
    assert_eq!(rows(&page).len(), 1, "the old view is outside 30 days");
    assert!(page.contains("value=\"lihat-data-pribadi\" selected"));
    let page = get("tindakan=lihat-data-pribadi&hari=41").await;
    assert_eq!(rows(&page).len(), 2, "forty-one days reach it");
    assert!(page.contains("lama"));

    // 150 downloads: a page of 100, then the rest, with links both ways keeping the filter.
    let first = get("tindakan=unduh-lampiran").await;
    assert_eq!(rows(&first).len(), 100);
    assert!(first.contains("berkas-149") && !first.contains("berkas-049"), "newest first");
    assert!(first.contains("halaman=2") && first.contains("rel=\"next\"") && !first.contains("rel=\"prev\""));
    let second = get("tindakan=unduh-lampiran&halaman=2").await;
    assert_eq!(rows(&second).len(), 50);
    assert!(second.contains("berkas-049") && second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
    assert!(second.contains("tindakan=unduh-lampiran"), "the filter is kept in the links");
}
