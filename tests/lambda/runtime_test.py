"""Runs the release `form-fn` binary as AWS Lambda runs it, and checks what it answers and stores.

A small implementation of the Lambda Runtime API (`/2018-06-01/runtime/invocation/next`,
`.../{id}/response`, `.../{id}/error`, `/runtime/init/error`) hands the binary real HTTP API v2
and Function URL events (the fixtures of form-fn's tests); moto's server holds the table and
the site's bucket with the published rules (`aturan-layanan.json`), which the function reads at
cold start. Asserts the HTTP responses and the stored items, and prints the cold start (process
start to first answered invocation) and the binary's size.

Usage: python runtime_test.py BINARY RULES_JSON   (with moto and boto3 importable; see tests/lambda/run.sh)
"""

import base64
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from queue import Queue, Empty

import boto3
from table import create_table

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "form-fn" / "tests" / "fixtures"
TABLE = "pengaduan-lambda-test"
SITE_BUCKET = "pengaduan-situs-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wib_year() -> int:
    """The year in Western Indonesia Time (UTC+7, no daylight saving), as register numbers count."""
    return (datetime.now(timezone.utc) + timedelta(hours=7)).year


def answers_as_moto(port: int) -> bool:
    """Whether moto's server answers on `port` (its own API), not just anything that listens."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=2) as r:
            return r.status == 200 and isinstance(json.load(r), dict)
    except (OSError, ValueError):
        return False


def start_moto() -> tuple[subprocess.Popen, int]:
    """moto's server on a free port. The port is free when picked but may be taken before moto
    binds it: a server that exits without answering is started again on another port."""
    for _ in range(5):
        port = free_port()
        moto = subprocess.Popen([sys.executable, str(ROOT / "tests/support/moto_serial.py"), "-p", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while moto.poll() is None:
            if answers_as_moto(port):
                return moto, port
            if time.monotonic() > deadline:
                moto.kill()
                moto.wait()
                raise AssertionError("moto's server did not start")
            time.sleep(0.1)
    raise AssertionError("moto's server exited five times before answering (port taken?)")


class RuntimeApi:
    """The Runtime API side of Lambda: a queue of events in, responses out."""

    def __init__(self) -> None:
        self.events: Queue = Queue()
        self.results: dict[str, Queue] = {}
        self.first_next_at: float | None = None
        self.init_error: str | None = None
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output readable
                pass

            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    self.send_error(404)
                    return
                if api.first_next_at is None:
                    api.first_next_at = time.monotonic()
                request_id, payload = api.events.get()
                body = payload.encode()
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 10_000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn",
                                 "arn:aws:lambda:ap-southeast-3:123456789012:function:form-fn")
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-5f84c7a9-0e5b1e3f7c1c4b1a7b0e6f3d")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                parts = self.path.strip("/").split("/")
                if parts[-2:] == ["init", "error"]:
                    api.init_error = body
                elif len(parts) == 5 and parts[3] in api.results:
                    api.results[parts[3]].put((parts[4], body, time.monotonic()))
                else:
                    self.send_error(404)
                    return
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        # Port 0: the system picks a free one for the socket bound here, so nothing can take it.
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def invoke(self, payload: str, timeout: float = 20.0):
        request_id = str(uuid.uuid4())
        self.results[request_id] = Queue()
        self.events.put((request_id, payload))
        try:
            kind, body, at = self.results[request_id].get(timeout=timeout)
        except Empty:
            raise AssertionError(f"no answer within {timeout}s (init error: {self.init_error})")
        if kind != "response":
            raise AssertionError(f"invocation failed: {kind}: {body}")
        return json.loads(body), at


def main() -> int:
    binary = Path(sys.argv[1]).resolve()
    rules = Path(sys.argv[2]).read_bytes()
    moto, moto_port = start_moto()
    proc = None
    passed = failed = 0
    try:
        endpoint = f"http://127.0.0.1:{moto_port}"
        ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="ap-southeast-3",
                           aws_access_key_id="test", aws_secret_access_key="test")
        # The infrastructure template creates the table in production; here the test does.
        create_table(ddb, TABLE)

        # The template creates this secret; the function reads it at cold start.
        secrets = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="ap-southeast-3",
                               aws_access_key_id="test", aws_secret_access_key="test")
        code_key_arn = secrets.create_secret(Name="pengaduan/code-key", SecretString="k" * 64)["ARN"]

        # The site's build puts its rules beside index.html; the function reads them from there.
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="ap-southeast-3",
                          aws_access_key_id="test", aws_secret_access_key="test")
        s3.create_bucket(Bucket=SITE_BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
        s3.put_object(Bucket=SITE_BUCKET, Key="aturan-layanan.json", Body=rules, ContentType="application/json")

        runtime = RuntimeApi()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{runtime.port}",
            "AWS_LAMBDA_FUNCTION_NAME": "form-fn",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/form-fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/29/[$LATEST]test",
            "AWS_REGION": "ap-southeast-3",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            "AWS_ENDPOINT_URL_SECRETSMANAGER": endpoint,
            "AWS_ENDPOINT_URL_S3": endpoint,
            "SITE_BUCKET": SITE_BUCKET,
            "PENGADUAN_CODE_KEY_SECRET_ARN": code_key_arn,
            "COMPLAINTS_TABLE": TABLE,
            "PENGADUAN_RATE_LIMIT_PER_HOUR": "10",
            "SITE_ORIGIN": "https://dpmptsp.example",
        }
        logs = open(ROOT / "tests/lambda/out.log", "w") if (ROOT / "tests/lambda").is_dir() else subprocess.DEVNULL
        started = time.monotonic()
        proc = subprocess.Popen([str(binary)], env=env, stdout=logs, stderr=subprocess.STDOUT)

        def check(name, fn):
            nonlocal passed, failed
            try:
                fn()
                passed += 1
                print(f"ok   {name}")
            except AssertionError as e:
                failed += 1
                print(f"FAIL {name}: {e}")

        state = {}

        def form_post():
            year_before = wib_year()
            resp, answered = runtime.invoke((FIXTURES / "http-api-v2-post-form.json").read_text())
            years = {year_before, wib_year()}  # two only when the call spans midnight on 31 December
            state["cold_start_ms"] = (answered - started) * 1000
            assert resp["statusCode"] == 303, resp
            location = resp["headers"]["location"]
            # The confirmation's sealed note (where the receipt went) rides along, never the address.
            number = re.fullmatch(r"/api/lacak\?nomor=PGD-(\d{4})-00001&kode=[0-9A-Z-]+&konfirmasi=seal1:[A-Za-z0-9_-]+&lang=id",
                                  location)
            assert number and int(number.group(1)) in years, f"{location}: the first number of {years}"
            assert resp["headers"]["cache-control"] == "no-store", resp["headers"]
            assert resp["headers"]["access-control-allow-origin"] == "https://dpmptsp.example", resp["headers"]
            state["nomor"] = location.split("nomor=")[1].split("&")[0]
            state["kode"] = location.split("kode=")[1].split("&")[0]

        def stored_items():
            nomor = state["nomor"]
            register = ddb.get_item(TableName=TABLE, Key={"pk": {"S": f"COMPLAINT#{nomor}"}, "sk": {"S": "REGISTER"}})["Item"]
            # Under a partition key of its own, so that IAM can deny form-fn every read of it.
            personal = ddb.get_item(TableName=TABLE, Key={"pk": {"S": f"PRIBADI#{nomor}"}, "sk": {"S": "PRIBADI"}})["Item"]
            assert "Item" not in ddb.get_item(TableName=TABLE, Key={"pk": {"S": f"COMPLAINT#{nomor}"}, "sk": {"S": "PERSONAL"}})
            assert register["judul"]["S"] == "Izin usaha belum terbit", register
            assert register["status"]["S"] == "diterima"
            assert register["channel"]["S"] == "web"
            assert register["kode_hash"]["S"].startswith("h2:"), "the code is stored keyed with the secret"
            assert "nama" not in register and "email" not in register, "personal data kept apart"
            assert personal["nama"]["S"] == "Siti Rahayu" and personal["telepon"]["S"] == "+6281234567890", personal
            counter = ddb.get_item(TableName=TABLE, Key={"pk": {"S": "COUNTER"}, "sk": {"S": "PGD#" + nomor.split("-")[1]}})["Item"]
            assert counter["value"]["N"] == "1", counter

        def replay():
            resp, _ = runtime.invoke((FIXTURES / "http-api-v2-post-form.json").read_text())
            assert resp["statusCode"] == 303 and state["nomor"] in resp["headers"]["location"], resp

        def invalid():
            resp, _ = runtime.invoke((FIXTURES / "http-api-v2-post-invalid-json.json").read_text())
            assert resp["statusCode"] == 422, resp
            body = resp["body"] if not resp.get("isBase64Encoded") else base64.b64decode(resp["body"]).decode()
            fields = [e["field"] for e in json.loads(body)["errors"]]
            assert fields == ["nama", "email", "judul", "isi", "pernyataan_kebenaran"], fields
            count = ddb.scan(TableName=TABLE, Select="COUNT",
                             FilterExpression="sk = :r", ExpressionAttributeValues={":r": {"S": "REGISTER"}})["Count"]
            assert count == 1, f"an invalid submission stored something ({count} register items)"

        def function_url():
            resp, _ = runtime.invoke((FIXTURES / "function-url-post-json.json").read_text())
            assert resp["statusCode"] == 201, resp
            body = json.loads(resp["body"])
            assert body["status"] == "diterima" and body["nomor"].endswith("-00002"), body
            assert body["diterima_pada"][-6:] == "+07:00", body

        def lookup():
            event = (FIXTURES / "http-api-v2-get-lacak.json").read_text()
            event = event.replace("PGD-2026-00001", state["nomor"]).replace("REPLACE_KODE", state["kode"])
            resp, _ = runtime.invoke(event)
            assert resp["statusCode"] == 200, resp
            body = json.loads(resp["body"])
            assert body["nomor"] == state["nomor"] and body["status"] == "diterima", body
            wrong, _ = runtime.invoke(event.replace(state["kode"], "2222-2222-2222"))
            assert wrong["statusCode"] == 404, wrong

        def sweep():
            # The template's schedule: not an HTTP event, answered by the sweep of unfinished
            # attachment commits (none here), not by an error.
            resp, _ = runtime.invoke(json.dumps({"pengaduan": "sweep"}))
            assert resp == {"finished": 0}, resp

        for name, fn in [("HTTP API v2 form post → 303", form_post), ("stored items in DynamoDB", stored_items),
                         ("scheduled sweep event → answered", sweep),
                         ("replay of the same event", replay), ("invalid JSON → 422, nothing stored", invalid),
                         ("Function URL base64 JSON → 201", function_url), ("lookup → 200, wrong code → 404", lookup)]:
            if name != "HTTP API v2 form post → 303" and "nomor" not in state:
                failed += 1
                print(f"FAIL {name}: no submission to work with")
                continue
            check(name, fn)

        if runtime.first_next_at is not None:
            init_ms = (runtime.first_next_at - started) * 1000
            print(f"cold start, init (process start to first poll for an event, SDK configured, rules read from S3): {init_ms:.1f} ms")
        if "cold_start_ms" in state:
            print(f"cold start, first request (process start to first answer, incl. 4 DynamoDB calls to moto): "
                  f"{state['cold_start_ms']:.1f} ms")
        print(f"binary size: {binary.stat().st_size / 1024 / 1024:.2f} MiB ({binary.stat().st_size} bytes)")
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        moto.terminate()
        moto.wait()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
