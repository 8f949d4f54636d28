"""What the intake benchmarks share: starting a server and waiting for it, the complaint they
submit, the burst of workers, and the figures (percentiles, gapless numbers)."""

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    # Benchmarks start servers that take a port number on their command line; a port taken in
    # between makes the server fail to start, which wait_for reports.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, what: str, timeout: float = 120) -> None:
    """Waits until `port` accepts connections; exits if `proc` died or `timeout` passed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                sys.exit(f"{what} did not start")
            time.sleep(0.1)


def complaint(i: int) -> str:
    """Submission `i` as JSON: a valid complaint with its own name, address and title."""
    return json.dumps({
        "jenis": "pengaduan", "nama": f"Pengadu {i}", "email": f"pengadu{i}@contoh.co.id",
        "judul": f"Laporan uji beban {i}", "isi": "Isi laporan uji beban yang cukup panjang untuk lolos.",
        "pernyataan_kebenaran": True, "persetujuan_data": True,
    })


def burst(n: int, concurrency: int, send: Callable[[int], tuple[int, bytes, float]]) -> tuple[list, float]:
    """Sends submissions 0..n with `concurrency` threads, each `send(i)` answering (status, body,
    seconds). Returns the answers in completion order and the wall time."""
    answers: list[tuple[int, bytes, float]] = []
    lock = threading.Lock()
    work = iter(range(n))

    def worker() -> None:
        while True:
            with lock:
                i = next(work, None)
            if i is None:
                return
            answer = send(i)
            with lock:
                answers.append(answer)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers, time.perf_counter() - started


def percentile(sorted_seconds: list[float], q: float) -> float:
    """The `q` quantile (nearest rank) of sorted latencies, in milliseconds."""
    return sorted_seconds[min(len(sorted_seconds) - 1, int(q * len(sorted_seconds)))] * 1000


def gapless(numbers: list[str]) -> bool:
    """Whether register numbers `PGD-YYYY-NNNNN` run 1..n without a gap or a repeat."""
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    return seqs == list(range(1, len(seqs) + 1))
