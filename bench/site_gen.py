"""Benchmark of `site-gen build` on generated sites of 1,000 and 10,000 Markdown pages.

Each page: TOML front matter with a title, a few paragraphs, a numbered list, a table and a
link to another page. The site's search page is copied in, so each build also indexes every page
with Pagefind and writes the search page's list of all pages. The sites use this repository's templates, static files and config.
For each size it prints wall time, pages per second and peak memory (max RSS) of:
  - a clean build into an empty folder,
  - a repeat build with nothing changed,
  - a build after one page changed.
Runs each 3 times and reports the median (peak memory: the maximum).

With two languages (`--languages 1,2`, the default) the site is built once with Indonesian only
(config.toml without its `[languages.en…]` tables) and once with every page also translated
(`halaman-N.en.md` beside `halaman-N.md`), so a size of 10,000 builds 20,000 pages; pages/s
counts every page built.

Usage: python3 bench/site_gen.py [--bin target/release/site-gen] [--sizes 1000,10000] [--languages 1,2] [--runs 3]
Build the binary first: cargo build --release -p site-gen
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PAGE = """+++
title = "Informasi Perizinan {n}"
+++

Halaman ini menjelaskan ketentuan perizinan nomor {n} bagi pelaku usaha di daerah. Pemohon
dapat mengajukan permohonan secara langsung di loket Front Office atau melalui kanal daring
yang tersedia, dengan melengkapi seluruh persyaratan yang ditetapkan dalam Standar Pelayanan.

Berkas yang belum lengkap dikembalikan kepada pemohon untuk dilengkapi. Setelah lengkap, berkas
diverifikasi oleh petugas dan diproses sesuai jangka waktu yang berlaku, yaitu paling lama
sepuluh hari kerja setelah berkas persyaratan dinyatakan lengkap.

## Langkah pengajuan

1. Siapkan dokumen identitas dan dokumen usaha.
2. Isi formulir permohonan dengan lengkap dan benar.
3. Serahkan berkas kepada petugas Front Office.
4. Simpan nomor register untuk melacak permohonan.

| Komponen | Keterangan |
| --- | --- |
| Biaya | Tidak dipungut biaya |
| Jangka waktu | 2 s/d 10 hari kerja |
| Produk | Surat keputusan nomor {n} |

Lihat juga [halaman terkait](/bagian-{ls}/halaman-{ln}/) dan informasi umum lainnya yang
diterbitkan oleh dinas untuk masyarakat dan pelaku usaha.
"""


PAGE_EN = """+++
title = "Licensing Information {n}"
+++

This page explains licensing provision number {n} for businesses in the region. Applicants may
apply in person at the Front Office counter or through the online channels, with every
requirement of the Service Standard (Standar Pelayanan) complete.

Incomplete files are returned to the applicant. Once complete, the files are verified by staff
and processed within the time limit, at most ten working days (hari kerja) after the required
documents are declared complete.

## How to apply

1. Prepare your identity and business documents.
2. Fill in the application form completely and correctly.
3. Hand the files to the Front Office.
4. Keep the register number to track the application.

| Item | Details |
| --- | --- |
| Fee | Free of charge |
| Time limit | 2 to 10 working days |
| Product | Decree number {n} |

See also [a related page](/en/bagian-{ls}/halaman-{ln}/) and other general information the
office publishes for the public and businesses.
"""


def one_language(config: str) -> str:
    """config.toml without the `[languages.en…]` tables: the site in Indonesian only."""
    kept, skipping = [], False
    for line in config.splitlines(keepends=True):
        header = line.strip()
        if header.startswith("["):
            skipping = header.lstrip("[").startswith("languages.en")
        if not skipping:
            kept.append(line)
    return "".join(kept)


def generate(dest: Path, pages: int, languages: int) -> int:
    """Writes a site of `pages` pages per language; gives the number of pages built."""
    for name in ("templates", "static"):
        shutil.copytree(ROOT / name, dest / name)
    config = (ROOT / "config.toml").read_text()
    (dest / "config.toml").write_text(config if languages == 2 else one_language(config))
    content = dest / "content"
    content.mkdir()
    (content / "_index.md").write_text('+++\ntitle = "Beranda"\ntemplate = "index.html"\n+++\nSitus uji.\n')
    # The search page, so every build also writes the Pagefind index and the list of all pages.
    shutil.copy(ROOT / "content" / "cari.md", content / "cari.md")
    if languages == 2:
        (content / "_index.en.md").write_text('+++\ntitle = "Home"\ntemplate = "index.html"\n+++\nTest site.\n')
        shutil.copy(ROOT / "content" / "cari.en.md", content / "cari.en.md")
    for n in range(pages - 1):
        section, index = divmod(n, 100)
        target = (n * 7919 + 13) % (pages - 1)
        ls, ln = divmod(target, 100)
        folder = content / f"bagian-{section}"
        folder.mkdir(exist_ok=True)
        (folder / f"halaman-{index}.md").write_text(PAGE.format(n=n, ls=ls, ln=ln))
        if languages == 2:
            (folder / f"halaman-{index}.en.md").write_text(PAGE_EN.format(n=n, ls=ls, ln=ln))
    return pages * languages


def measure(binary: Path, root: Path, out: Path, prepare) -> tuple[float, float, str]:
    """Runs one build in a child Python so its peak memory is its own."""
    code = (
        "import sys, resource, subprocess, time;"
        "s=time.perf_counter();"
        "p=subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "w=time.perf_counter()-s;"
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024, p.returncode);"
        "print(p.stderr.strip().splitlines()[-1] if p.stderr.strip() else '')"
    )
    prepare()
    res = subprocess.run([sys.executable, "-c", code, str(binary), "build", "--root", str(root), "--out", str(out)],
                         capture_output=True, text=True, check=True)
    first, summary = (res.stdout.splitlines() + [""])[:2]
    wall, peak, rc = first.split()
    if rc != "0":
        sys.exit(f"site-gen build failed: {summary}")
    return float(wall), float(peak), summary


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release/site-gen"))
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--languages", default="1,2", help="1, 2 or 1,2")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    binary = Path(args.bin)
    if not binary.exists():
        sys.exit(f"{binary} not found: cargo build --release -p site-gen")
    print(f"binary: {binary}  cores: {os.cpu_count()}")
    print(f"{'pages':>6} {'langs':>5} {'built':>6}  {'case':<22} {'wall s':>7} {'pages/s':>9} {'peak MiB':>9}  summary")
    runs = [(int(s), int(l)) for s in args.sizes.split(",") for l in args.languages.split(",")]
    for size, languages in runs:
        with tempfile.TemporaryDirectory(prefix=f"site-bench-{size}-{languages}-") as tmp:
            root = Path(tmp) / "site"
            root.mkdir()
            built = generate(root, size, languages)
            out = Path(tmp) / "public"
            one = root / "content" / "bagian-0" / "halaman-1.md"
            edits = iter(range(10**6))
            cases = {
                "clean (empty folder)": lambda: shutil.rmtree(out, ignore_errors=True),
                "repeat, nothing changed": lambda: None,
                "one page changed": lambda: one.write_text(one.read_text() + f"\nPerubahan {next(edits)}.\n"),
            }
            for case, prepare in cases.items():
                results = [measure(binary, root, out, prepare) for _ in range(args.runs)]
                wall = statistics.median(r[0] for r in results)
                peak = max(r[1] for r in results)
                print(f"{size:>6} {languages:>5} {built:>6}  {case:<22} {wall:>7.3f} {built / wall:>9.0f} {peak:>9.1f}  {results[-1][2]}")


if __name__ == "__main__":
    main()
