"""A small SMTP server for the mail tests: every message it accepts is written to a folder,
one `.eml` file each (written to a temporary name, then renamed, so a reader never sees half a
message).

Usage: python smtp_server.py --out DIR [--port PORT] [--hold-after N]

The server listens on PORT, by default on one the system picks, and prints `ready PORT` on
standard output once it listens, so that no other process can take the port in between.

`--hold-after N` accepts N messages, then holds each later one before answering it until a
file named `release` appears in DIR (it writes `.holding` there meanwhile), so a test can stop
a delivery half-way at a known point. Recipients whose address starts with `tolak` are refused
with a permanent error (550), as a server refuses an unknown mailbox.
"""

import argparse
import asyncio
import os
import signal
import uuid

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, out: str, hold_after: int | None) -> None:
        self.out = out
        self.hold_after = hold_after
        self.seen = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("tolak"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.hold_after is not None and self.seen > self.hold_after:
            open(os.path.join(self.out, ".holding"), "w").close()
            while not os.path.exists(os.path.join(self.out, "release")):
                await asyncio.sleep(0.05)
        name = uuid.uuid4().hex
        temp = os.path.join(self.out, f".{name}.tmp")
        with open(temp, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(temp, os.path.join(self.out, f"{name}.eml"))
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out", required=True)
    parser.add_argument("--hold-after", type=int, default=None)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    handler = Handler(args.out, args.hold_after)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(handler), host=args.host, port=args.port))
    port = server.sockets[0].getsockname()[1]
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    print(f"ready {port}", flush=True)
    loop.run_forever()
    # Not waiting for open connections (a client's pool may keep one): the process ends here.
    server.close()


if __name__ == "__main__":
    main()
