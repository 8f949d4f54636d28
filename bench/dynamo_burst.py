"""Burst of complaint submissions on the DynamoDB path: `site-gen serve --store dynamodb:TABLE`
against moto's server answering one request at a time (as the store's tests run it, see
tests/support/moto_serial.py), with the server counting the DynamoDB operations it answers.

Prints how many submissions got 201 and 503, the median, p99 and maximum latency, whether the
numbers are unique and gapless, and the round trips to DynamoDB by operation: per stored
submission over the burst (with the server's outbox delivering the receipts meanwhile, as
`serve` on a local table does: its Query, GetItem and UpdateItem calls are counted too), and
for one submission sent alone once all is quiet (its own calls only; a poll that fell in
between is left out).

Usage (moto's Python, which has moto and werkzeug):
  $MOTO_PYTHON bench/dynamo_burst.py [--bin PATH] [--requests 50] [--concurrency 20]
Build first: cargo build -p site-gen --features aws (or --release). One server: several
instances on one table are the store's contract test `dynamodb_two_instances_number_gapless`
(two `serve`s on one site root do not run side by side).
"""

import argparse
import collections
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

COUNTS_PATH = "/_bench/counts"


def serve_moto(port: int) -> None:
    """moto's server, one request at a time, counting operations by their X-Amz-Target."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    os.environ.setdefault("MOTO_PORT", str(port))
    moto = DomainDispatcherApplication(create_backend_app)
    counts: collections.Counter = collections.Counter()

    def app(environ, start_response):
        if environ.get("PATH_INFO") == COUNTS_PATH:
            body = json.dumps(counts).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target:
            counts[target.rsplit(".", 1)[-1]] += 1
        return moto(environ, start_response)

    run_simple("127.0.0.1", port, app, threaded=False, request_handler=MotoRequestHandler)


def counts(moto_port: int) -> collections.Counter:
    conn = http.client.HTTPConnection("127.0.0.1", moto_port, timeout=10)
    conn.request("GET", COUNTS_PATH)
    return collections.Counter(json.loads(conn.getresponse().read()))


def settled(moto_port: int) -> collections.Counter:
    """The counts once the servers' background work (table creation, the outbox delivering the
    receipts by mail) has stopped for three seconds, but for the outbox's poll (a Query every two
    seconds), which never stops."""
    last = counts(moto_port)
    while True:
        time.sleep(3)
        now = counts(moto_port)
        if +(now - last) <= collections.Counter({"Query": 2}):
            return now
        last = now


def submit(conn: http.client.HTTPConnection, i: int) -> tuple[int, bytes, float]:
    start = time.perf_counter()
    conn.request("POST", "/api/pengaduan", complaint(i), {"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    if resp.status == 503 and resp.getheader("Retry-After") is None:
        print("503 without Retry-After", file=sys.stderr)
    return resp.status, data, time.perf_counter() - start


def per_op(delta: collections.Counter, n: int) -> str:
    total = sum(delta.values())
    parts = ", ".join(f"{op} {v / n:.2f}" for op, v in sorted(delta.items()))
    return f"{total / n:.2f} ({parts})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug/site-gen"))
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--moto", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.moto:
        serve_moto(args.moto)
        return

    moto_port = free_port()
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="burst-") as tmp:
        try:
            moto = subprocess.Popen([sys.executable, __file__, "--moto", str(moto_port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(moto)
            wait_for(moto_port, moto, "moto")
            endpoint = f"http://127.0.0.1:{moto_port}"
            env = dict(os.environ, PENGADUAN_RATE_LIMIT_PER_HOUR="0", RUST_LOG="warn",
                       AWS_ENDPOINT_URL_DYNAMODB=endpoint, AWS_ENDPOINT_URL_S3=endpoint, AWS_REGION="ap-southeast-3",
                       AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_EC2_METADATA_DISABLED="true")
            table = f"burst-{os.getpid()}"
            port = free_port()
            server = subprocess.Popen(
                [args.bin, "serve", "--root", str(ROOT), "--port", str(port), "--store", f"dynamodb:{table}"],
                env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(server)
            wait_for(port, server, "site-gen serve")

            local = threading.local()

            def send(i: int) -> tuple[int, bytes, float]:
                if not hasattr(local, "conn"):
                    local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                return submit(local.conn, i)

            before = settled(moto_port)
            answers, wall = burst(args.requests, args.concurrency, send)
            after_burst = counts(moto_port)
            quiet = settled(moto_port)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, data, alone = submit(conn, args.requests)
            answers.append((status, data, alone))
            after_one = counts(moto_port)
        finally:
            for p in reversed(procs):
                p.terminate()
                p.wait()

    burst_answers = answers[:-1]
    latencies = sorted(a[2] for a in burst_answers)
    statuses = collections.Counter(a[0] for a in burst_answers)
    numbers = [json.loads(data)["nomor"] for status, data, _ in answers if status == 201]
    failures = [f"{status}: {data[:160]!r}" for status, data, _ in burst_answers if status != 201]
    ok = gapless(numbers)
    stored = max(statuses[201], 1)
    print(f"burst: {args.requests} submissions at concurrency {args.concurrency},"
          f" {wall:.2f} s; load average {os.getloadavg()[0]:.2f}")
    print(f"status: 201 x {statuses[201]}, 503 x {statuses[503]}"
          + "".join(f", {s} x {c}" for s, c in sorted(statuses.items()) if s not in (201, 503)))
    print(f"latency ms: median {statistics.median(latencies) * 1000:.0f}   p99 {percentile(latencies, 0.99):.0f}"
          f"   max {latencies[-1] * 1000:.0f}")
    print(f"numbers: {len(set(numbers))} distinct, gapless 1..{len(numbers)}: {ok}")
    print(f"round trips per stored submission in the burst: {per_op(after_burst - before, stored)}")
    own = after_one - quiet - collections.Counter({"Query": 1})
    print(f"round trips of one submission alone ({status}, {alone * 1000:.0f} ms): {per_op(own, 1)}")
    for f in failures[:3]:
        print("failure:", f)
    sys.exit(0 if not failures and ok else 1)


if __name__ == "__main__":
    main()
