"""A small SMTP server for the mail tests: every message it accepts is written to a folder,
one `.eml` file each (written to a temporary name, then renamed, so a reader never sees half a
message).

Usage: python smtp_server.py --port PORT --out DIR [--delay SECONDS]

`--delay` makes the server slow (it waits before accepting each message), so a test can stop a
delivery half-way. Recipients whose address starts with `tolak` are refused with a permanent
error (550), as a server refuses an unknown mailbox.
"""

import argparse
import asyncio
import os
import signal
import threading
import uuid

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, out: str, delay: float) -> None:
        self.out = out
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("tolak"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        name = uuid.uuid4().hex
        temp = os.path.join(self.out, f".{name}.tmp")
        with open(temp, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(temp, os.path.join(self.out, f"{name}.eml"))
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    controller = Controller(Handler(args.out, args.delay), hostname=args.host, port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
