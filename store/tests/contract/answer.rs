//! The office's answer, one contract on both stores (SQLite and DynamoDB on moto's server),
//! reached through `AnyStore`: none until attached; every field read back as written (the
//! English text and the Berita Acara optional); attaching again replaces; one complaint's
//! answer is its own.

use jiff::Timestamp;
use pengaduan_core::attachment::FileKind;
use pengaduan_store::AnyStore;
use pengaduan_store::answer::{Answer, AnswerStore};
use pengaduan_store::attachments::AttachmentMeta;
use pengaduan_store::testing::{Moto, sqlite_store};

fn answer(text: &str, en: Option<&str>, ba: bool) -> Answer {
    Answer {
        text_id: text.into(),
        text_en: en.map(str::to_owned),
        berita_acara: ba.then(|| AttachmentMeta {
            index: 0,
            display_name: "BA ttd".into(),
            kind: FileKind::Pdf,
            size: 1234,
            key: "lampiran/PGD-2026-00001/jawaban-0123456789abcdef0123456789abcdef.pdf".into(),
            sha256: "ab".repeat(32),
        }),
        by: "Rina (Front Office)".into(),
        at: "2026-12-07T03:00:00.5Z".parse::<Timestamp>().unwrap(),
    }
}

async fn an_answer_is_read_back_and_replaced<S: AnswerStore>(store: &S) {
    assert_eq!(store.answer("PGD-2026-00001").await.unwrap(), None, "none until attached");
    let first = answer("Izin Anda telah terbit.\nTerima kasih.", None, false);
    store.set_answer("PGD-2026-00001", &first).await.unwrap();
    assert_eq!(store.answer("PGD-2026-00001").await.unwrap(), Some(first));
    assert_eq!(store.answer("PGD-2026-00002").await.unwrap(), None, "another complaint has none");
    let second = answer("Izin Anda telah terbit pada 4 Desember.", Some("Your permit was issued."), true);
    store.set_answer("PGD-2026-00001", &second).await.unwrap();
    assert_eq!(store.answer("PGD-2026-00001").await.unwrap(), Some(second.clone()), "attaching again replaces");
    // Back to no English text and no file: nothing of the replaced answer is left.
    let third = answer("Jawaban diperbaiki.", None, false);
    store.set_answer("PGD-2026-00001", &third).await.unwrap();
    assert_eq!(store.answer("PGD-2026-00001").await.unwrap(), Some(third));
}

contract! {
    sqlite => {
        let (store, dir) = sqlite_store();
        (AnyStore::Sqlite(store), dir)
    },
    dynamodb => (AnyStore::Dynamo(Moto::shared().store().await), ());
    [
        an_answer_is_read_back_and_replaced,
    ]
}
