"""Load check of the complaint intake: 500 submissions at concurrency 20 against
`site-gen serve` on SQLite. Prints requests per second and p50/p99 latency, and checks that
every submission got a distinct number with no gap.

Usage: python3 bench/load.py [--bin target/release/site-gen] [--requests 500] [--concurrency 20]
Build first: cargo build --release -p site-gen
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release/site-gen"))
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--concurrency", type=int, default=20)
    args = ap.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        env = dict(os.environ, PENGADUAN_RATE_LIMIT_PER_HOUR="0", RUST_LOG="warn")
        server = subprocess.Popen(
            [args.bin, "serve", "--root", str(ROOT), "--port", str(port), "--store", f"sqlite:{tmp}/pengaduan.db"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        sys.exit("site-gen serve did not start")
                    time.sleep(0.1)
            latencies: list[float] = []
            numbers: list[str] = []
            failures: list[str] = []
            lock = threading.Lock()
            counter = iter(range(args.requests))

            def worker() -> None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                while True:
                    with lock:
                        i = next(counter, None)
                    if i is None:
                        break
                    body = json.dumps({
                        "jenis": "pengaduan", "nama": f"Pengadu {i}", "email": f"pengadu{i}@contoh.co.id",
                        "judul": f"Laporan uji beban {i}", "isi": "Isi laporan uji beban yang cukup panjang untuk lolos.",
                        "pernyataan_kebenaran": True, "persetujuan_data": True,
                    })
                    start = time.perf_counter()
                    conn.request("POST", "/api/pengaduan", body, {"Content-Type": "application/json"})
                    resp = conn.getresponse()
                    data = resp.read()
                    elapsed = time.perf_counter() - start
                    with lock:
                        latencies.append(elapsed)
                        if resp.status == 201:
                            numbers.append(json.loads(data)["nomor"])
                        else:
                            failures.append(f"{resp.status}: {data[:200]!r}")
                conn.close()

            started = time.perf_counter()
            threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    gapless = seqs == list(range(1, len(seqs) + 1))
    print(f"requests: {len(latencies)} at concurrency {args.concurrency}, failures: {len(failures)}")
    print(f"wall: {wall:.2f} s   throughput: {len(latencies) / wall:.0f} req/s")
    print(f"latency ms: p50 {p(0.50):.1f}   p90 {p(0.90):.1f}   p99 {p(0.99):.1f}   max {latencies[-1] * 1000:.1f}"
          f"   mean {statistics.mean(latencies) * 1000:.1f}")
    print(f"numbers: {len(set(numbers))} distinct, gapless 1..{len(seqs)}: {gapless}")
    for f in failures[:5]:
        print("failure:", f)
    sys.exit(0 if not failures and gapless else 1)


if __name__ == "__main__":
    main()
