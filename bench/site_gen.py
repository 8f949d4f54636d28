"""Benchmark of `site-gen build` on generated sites of 1,000 and 10,000 Markdown pages.

Each page: TOML front matter with a title, a few paragraphs, a numbered list, a table and a
link to another page. The sites use this repository's templates, static files and config.
For each size it prints wall time, pages per second and peak memory (max RSS) of:
  - a clean build into an empty folder,
  - a repeat build with nothing changed,
  - a build after one page changed.
Runs each 3 times and reports the median (peak memory: the maximum).

Usage: python3 bench/site_gen.py [--bin target/release/site-gen] [--sizes 1000,10000] [--runs 3]
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


def generate(dest: Path, pages: int) -> None:
    for name in ("templates", "static", "config.toml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    content = dest / "content"
    content.mkdir()
    (content / "_index.md").write_text('+++\ntitle = "Beranda"\ntemplate = "index.html"\n+++\nSitus uji.\n')
    for n in range(pages - 1):
        section, index = divmod(n, 100)
        target = (n * 7919 + 13) % (pages - 1)
        ls, ln = divmod(target, 100)
        folder = content / f"bagian-{section}"
        folder.mkdir(exist_ok=True)
        (folder / f"halaman-{index}.md").write_text(PAGE.format(n=n, ls=ls, ln=ln))


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
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    binary = Path(args.bin)
    if not binary.exists():
        sys.exit(f"{binary} not found: cargo build --release -p site-gen")
    print(f"binary: {binary}  cores: {os.cpu_count()}")
    print(f"{'pages':>6}  {'case':<22} {'wall s':>7} {'pages/s':>9} {'peak MiB':>9}  summary")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"site-bench-{size}-") as tmp:
            root = Path(tmp) / "site"
            root.mkdir()
            generate(root, size)
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
                print(f"{size:>6}  {case:<22} {wall:>7.3f} {size / wall:>9.0f} {peak:>9.1f}  {results[-1][2]}")


if __name__ == "__main__":
    main()
