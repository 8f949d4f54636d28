"""moto's server, answering one request at a time.

moto's own `moto_server` is threaded, and its DynamoDB TransactWriteItems is not isolated
between threads: a cancelled transaction restores a snapshot of the whole table taken when it
began, erasing items that other transactions committed meanwhile. Real DynamoDB serialises
conflicting transactions. Serving one request at a time gives the tests the isolation the real
service guarantees, while the clients still race each other for numbers.

Usage: python moto_serial.py [-H HOST] [-p PORT]
"""

import argparse
import os
import signal
import sys

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, app, threaded=False, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
