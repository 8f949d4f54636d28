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
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT, burst, complaint, free_port, gapless, percentile, wait_for


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
        local = threading.local()

        def send(i: int) -> tuple[int, bytes, float]:
            if not hasattr(local, "conn"):
                local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            start = time.perf_counter()
            local.conn.request("POST", "/api/pengaduan", complaint(i), {"Content-Type": "application/json"})
            resp = local.conn.getresponse()
            data = resp.read()
            return resp.status, data, time.perf_counter() - start

        try:
            wait_for(port, server, "site-gen serve", timeout=30)
            answers, wall = burst(args.requests, args.concurrency, send)
        finally:
            server.terminate()
            server.wait()
    latencies = sorted(a[2] for a in answers)
    numbers = [json.loads(data)["nomor"] for status, data, _ in answers if status == 201]
    failures = [f"{status}: {data[:200]!r}" for status, data, _ in answers if status != 201]
    ok = gapless(numbers)
    print(f"requests: {len(latencies)} at concurrency {args.concurrency}, failures: {len(failures)}")
    print(f"wall: {wall:.2f} s   throughput: {len(latencies) / wall:.0f} req/s")
    print(f"latency ms: p50 {percentile(latencies, 0.50):.1f}   p90 {percentile(latencies, 0.90):.1f}"
          f"   p99 {percentile(latencies, 0.99):.1f}   max {latencies[-1] * 1000:.1f}"
          f"   mean {statistics.mean(latencies) * 1000:.1f}")
    print(f"numbers: {len(set(numbers))} distinct, gapless 1..{len(numbers)}: {ok}")
    for f in failures[:5]:
        print("failure:", f)
    sys.exit(0 if not failures and ok else 1)


if __name__ == "__main__":
    main()
