//! `pengaduan-staf konten` as a deploy runs it: the binary on a temporary SQLite file and a
//! temporary site folder. `tarik` writes the store's live texts into `content/`, only where the
//! bytes differ and never outside `content/`; `benih` seeds the store from `content/`, skips a
//! file editors changed in the console, and with `--timpa` saves the repository's text over it
//! and publishes. The deploy's round trip runs on DynamoDB too (moto's server).

use jiff::Timestamp;
use pengaduan_store::content::{ContentSave, ContentStore, RevisionKind};
use pengaduan_store::sqlite::SqliteStore;
use pengaduan_store::testing::Moto;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_pengaduan-staf");

const NOW: &str = "2026-12-02T03:00:00Z";

/// A temporary database and site folder.
struct Site {
    _dir: tempfile::TempDir,
    db: PathBuf,
    root: PathBuf,
    /// `--store`: the SQLite file `db`, or a DynamoDB table.
    store_spec: String,
    /// The environment the tool needs besides (moto's endpoint and keys).
    env: Vec<(String, String)>,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Site {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (db, root) = (dir.path().join("data").join("pengaduan.db"), dir.path().join("situs"));
        std::fs::create_dir_all(&root).unwrap();
        let store_spec = format!("sqlite:{}", db.display());
        Self { _dir: dir, db, root, store_spec, env: Vec::new() }
    }

    fn store(&self) -> SqliteStore {
        SqliteStore::open(&self.db).unwrap()
    }

    fn content(&self, path: &str) -> PathBuf {
        self.root.join("content").join(path)
    }

    fn write(&self, path: &str, text: &str) {
        let target = self.content(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.content(path)).unwrap()
    }

    fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(BIN)
            .arg("--store")
            .arg(&self.store_spec)
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .env("PENGADUAN_STAF_WAKTU", NOW)
            .env_remove("PENGADUAN_TIMEZONE")
            .env("USER", "rina")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap();
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        };
        eprintln!("$ pengaduan-staf {}\n{}{}", args.join(" "), run.stdout, run.stderr);
        run
    }

    fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "{args:?} failed: {}", run.stderr);
        run.stdout
    }
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// An editor's save in the console, made against `expected`.
async fn console_save(store: &impl ContentStore, path: &str, text: &str, expected: u64, original: Option<&str>) {
    let save = ContentSave {
        path: path.into(),
        text: text.into(),
        expected_version: expected,
        original: original.map(Into::into),
        author: "editor1".into(),
        note: String::new(),
        at: ts("2026-12-01T02:00:00Z"),
    };
    store.save_content(save).await.unwrap();
}

/// Every file under `dir`, relative, sorted: what a command left behind.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn tarik_writes_the_live_texts_where_they_differ_and_nothing_else() {
    let site = Site::new();
    let store = site.store();
    // The same as the tree; published over an older tree's text; new (in a new folder); a
    // draft only, never published: not live, not written.
    store.seed_content("_index.md", "Beranda ✓", ts("2026-12-01T01:00:00Z")).await.unwrap();
    console_save(&store, "layanan/a.md", "jam layanan 08.00–16.00", 0, Some("lama")).await;
    store.publish_content("kepala", ts("2026-12-01T03:00:00Z")).await.unwrap();
    console_save(&store, "layanan/a.md", "draf yang menunggu", 2, None).await;
    store.seed_content("data/hari-libur.toml", "[2026]\n", ts("2026-12-01T01:00:00Z")).await.unwrap();
    console_save(&store, "draf.md", "belum terbit", 0, None).await;
    site.write("_index.md", "Beranda ✓");
    site.write("layanan/a.md", "lama");
    let unchanged_since = std::fs::metadata(site.content("_index.md")).unwrap().modified().unwrap();

    let out = site.ok(&["konten", "tarik"]);
    assert_eq!(
        out, "ditulis: data/hari-libur.toml\nditulis: layanan/a.md\n2 berkas diperbarui, 1 sama.\n",
        "each file written is named, then the summary"
    );
    assert_eq!(site.read("layanan/a.md"), "jam layanan 08.00–16.00", "the published text, not the waiting draft");
    assert_eq!(site.read("data/hari-libur.toml"), "[2026]\n");
    assert_eq!(files_under(&site.root.join("content")), ["_index.md", "data/hari-libur.toml", "layanan/a.md"]);
    let modified = std::fs::metadata(site.content("_index.md")).unwrap().modified().unwrap();
    assert_eq!(modified, unchanged_since, "a file whose bytes are the same is not rewritten");
    assert_eq!(site.ok(&["konten", "tarik"]), "0 berkas diperbarui, 3 sama.\n");
}

#[tokio::test]
async fn tarik_from_an_empty_store_says_so_and_writes_nothing() {
    let site = Site::new();
    let out = site.ok(&["konten", "tarik"]);
    assert!(out.contains("Penyimpanan belum berisi konten situs"), "{out}");
    assert!(!site.root.join("content").exists());
}

#[tokio::test]
async fn tarik_refuses_a_stored_path_outside_content_and_writes_nothing() {
    for bad in ["../luar.md", "/tmp/mutlak.md", "layanan/skrip.sh"] {
        let site = Site::new();
        let store = site.store();
        store.seed_content("_index.md", "Beranda", ts("2026-12-01T01:00:00Z")).await.unwrap();
        store.seed_content(bad, "jahat", ts("2026-12-01T01:00:00Z")).await.unwrap();
        let run = site.run(&["konten", "tarik"]);
        assert_eq!(run.code, 1, "{bad}");
        assert!(run.stderr.contains("ditolak"), "{bad}: {}", run.stderr);
        assert!(files_under(site.root.parent().unwrap()).iter().all(|f| !f.contains("luar") && !f.ends_with(".sh")));
        assert!(!site.content("_index.md").exists(), "{bad}: nothing written, not even the good file");
    }
}

#[tokio::test]
async fn benih_seeds_skips_what_editors_changed_and_overwrites_it_with_timpa() {
    let site = Site::new();
    site.write("_index.md", "Beranda");
    site.write("layanan/a.md", "Layanan – versi repositori");
    site.write("data/hari-libur.toml", "[2026]\n");
    // Not content the console edits: left out.
    for other in ["gambar/logo.png", "data/lain/x.toml", ".draf.md", "catatan.txt"] {
        site.write(other, "x");
    }

    let out = site.ok(&["konten", "benih"]);
    assert_eq!(
        out,
        "dibenihkan: _index.md\ndibenihkan: data/hari-libur.toml\ndibenihkan: layanan/a.md\n\
         3 berkas dibenihkan, 0 sama, 0 dilewati.\n"
    );
    let store = site.store();
    let heads = store.content_heads().await.unwrap();
    let paths: Vec<_> = heads.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(paths, ["_index.md", "data/hari-libur.toml", "layanan/a.md"]);
    let original = &store.content_revisions("layanan/a.md").await.unwrap()[0];
    assert_eq!((original.kind, original.text.as_str()), (RevisionKind::Original, "Layanan – versi repositori"));
    assert_eq!(original.saved_at, ts(NOW));

    // An editor changes a page in the console and publishes it: the next deploy leaves it.
    console_save(&store, "layanan/a.md", "Layanan – diubah editor", 1, None).await;
    store.publish_content("kepala", ts("2026-12-01T04:00:00Z")).await.unwrap();
    let out = site.ok(&["konten", "benih"]);
    assert_eq!(
        out,
        "dilewati: layanan/a.md: diubah lewat konsol pada 1 Desember 2026, 09.00 WIB oleh editor1; \
         pakai --timpa untuk menimpa\n0 berkas dibenihkan, 2 sama, 1 dilewati.\n"
    );
    assert_eq!(store.content_revisions("layanan/a.md").await.unwrap().len(), 2, "nothing stored");

    // The repository wins when told so: a new revision by the deploy, published.
    let out = site.ok(&["konten", "benih", "--timpa"]);
    assert_eq!(
        out,
        "ditimpa: layanan/a.md\n0 berkas dibenihkan, 2 sama, 0 dilewati, 1 ditimpa.\n\
         1 berkas diterbitkan (termasuk draf lain yang menunggu).\n"
    );
    let newest = store.content_revisions("layanan/a.md").await.unwrap().pop().unwrap();
    assert_eq!((newest.number, newest.text.as_str()), (3, "Layanan – versi repositori"));
    assert_eq!((newest.author.as_str(), newest.note.as_str()), ("deploy", "ditimpa dari repositori"));
    assert_eq!((newest.kind, newest.published), (RevisionKind::Published, Some(("deploy".to_owned(), ts(NOW)))));
    assert_eq!(site.ok(&["konten", "tarik"]), "0 berkas diperbarui, 3 sama.\n", "the store and the tree agree");
    assert_eq!(site.ok(&["konten", "benih", "--timpa"]), "0 berkas dibenihkan, 3 sama, 0 dilewati, 0 ditimpa.\n");
}

#[tokio::test]
async fn benih_names_a_store_text_no_editor_saved_and_without_content_fails() {
    let site = Site::new();
    let run = site.run(&["konten", "benih"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content tidak ada; periksa --root"), "{}", run.stderr);
    // Seeded from an older repository; the repository's text changed since.
    site.store().seed_content("_index.md", "Beranda lama", ts("2026-12-01T01:00:00Z")).await.unwrap();
    site.write("_index.md", "Beranda baru");
    let out = site.ok(&["konten", "benih"]);
    assert!(
        out.starts_with(
            "dilewati: _index.md: isi di penyimpanan (direkam 1 Desember 2026, 08.00 WIB) berbeda dari repositori;"
        ),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deploys_round_trip_on_dynamodb() {
    let moto = Moto::start();
    let store = moto.store().await;
    let mut site = Site::new();
    site.store_spec = format!("dynamodb:{}", store.table());
    site.env = moto.env();
    site.write("_index.md", "Beranda");
    site.write("data/hari-libur.toml", "[2026]\n");
    assert_eq!(
        site.ok(&["konten", "benih"]),
        "dibenihkan: _index.md\ndibenihkan: data/hari-libur.toml\n2 berkas dibenihkan, 0 sama, 0 dilewati.\n"
    );
    // Edited and published in the console on AWS, then brought back into the working tree.
    console_save(&store, "_index.md", "Beranda – diubah editor", 1, None).await;
    store.publish_content("kepala", ts("2026-12-01T04:00:00Z")).await.unwrap();
    let skipped = site.ok(&["konten", "benih"]);
    assert!(
        skipped.contains("dilewati: _index.md: diubah lewat konsol pada 1 Desember 2026, 09.00 WIB oleh editor1"),
        "{skipped}"
    );
    assert_eq!(site.ok(&["konten", "tarik"]), "ditulis: _index.md\n1 berkas diperbarui, 1 sama.\n");
    assert_eq!(site.read("_index.md"), "Beranda – diubah editor");
}
