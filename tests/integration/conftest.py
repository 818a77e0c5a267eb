"""Fixtures for Stator's black-box integration tests.

The tests run the real `stator` binary (env STATOR_BIN, default build/stator
relative to the repository root) and talk to it over HTTP, either through
boto3 / the AWS CLI or with hand-built requests. They assert Amazon
DynamoDB's documented behaviour, so they should also pass against DynamoDB.
"""

import base64
import decimal
import http.client
import json
import math
import os
import re
import signal
import ssl
import subprocess
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 15.0  # seconds for the server to log its port and answer GET /
STOP_TIMEOUT = 15.0
TABLE_TIMEOUT = 15.0  # seconds for a table to become ACTIVE or disappear

JSON_10 = "application/x-amz-json-1.0"
AUTH_HEADER = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, "
               "SignedHeaders=host;x-amz-date, Signature=abc")


def stator_binary():
    binary = Path(os.environ.get("STATOR_BIN", "build/stator"))
    if not binary.is_absolute():
        binary = REPO_ROOT / binary
    if not binary.exists():
        pytest.exit(f"stator binary not found at {binary}; set STATOR_BIN", returncode=2)
    return binary


class Server:
    """One running stator process. Its log goes to `log_path`. With `ca_file` (a PEM CA
    certificate) it is an HTTPS server whose certificate that CA signed."""

    def __init__(self, args, log_path, ca_file=None):
        self.ca_file = ca_file
        self.log_path = Path(log_path)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([str(stator_binary()), *args],
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        self.port = self._wait_for_port(deadline)
        self._wait_for_health(deadline)

    @property
    def endpoint(self):
        return f"{'https' if self.ca_file else 'http'}://127.0.0.1:{self.port}"

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    def _wait_for_port(self, deadline):
        while time.monotonic() < deadline:
            match = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.log_text())
            if match:
                return int(match.group(1))
            if self.proc.poll() is not None:
                raise RuntimeError(f"stator exited with {self.proc.returncode} before listening:\n"
                                   f"{self.log_text()}")
            time.sleep(0.01)
        self.proc.kill()
        raise RuntimeError(f"stator did not log its port in {START_TIMEOUT}s:\n{self.log_text()}")

    def _wait_for_health(self, deadline):
        while True:
            try:
                status, _, _ = raw_request(self.port, method="GET", target=None, body=b"",
                                           ca_file=self.ca_file)
                if status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.proc.kill()
                raise RuntimeError(f"stator did not answer GET / in {START_TIMEOUT}s")
            time.sleep(0.01)

    def stop(self, sig=signal.SIGTERM):
        """Sends `sig` and returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=STOP_TIMEOUT)

    def client(self, region="us-east-1"):
        return make_client(self.endpoint, region, verify=self.ca_file)


def make_client(endpoint, region="us-east-1", verify=None):
    """`verify`: a CA bundle to check an https endpoint's certificate against."""
    return boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name=region, verify=verify,
        aws_access_key_id="AKID", aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def raw_request(port, target="ListTables", body=b"{}", headers=None, method="POST", path="/",
                conn=None, parse=True, ca_file=None):
    """Sends one request and returns (status, headers with lower-case names, body).

    `target` without a dot gets the DynamoDB_20120810. prefix; None sends no
    X-Amz-Target. `body` may be bytes, str, or a dict/list (sent as JSON).
    In `headers`, a None value removes one of the default headers. The body
    comes back parsed as JSON when it is JSON (and `parse`), else as bytes.
    `conn` reuses an open http.client.HTTPConnection. With `ca_file` (a PEM CA
    certificate) the request goes over HTTPS, checking the server against that CA.
    """
    all_headers = {"Content-Type": JSON_10, "Authorization": AUTH_HEADER,
                   "X-Amz-Date": "20260101T000000Z"}
    if target is not None:
        all_headers["X-Amz-Target"] = target if "." in target else f"DynamoDB_20120810.{target}"
    for name, value in (headers or {}).items():
        if value is None:
            all_headers.pop(name, None)
        else:
            all_headers[name] = value
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    own_conn = conn is None
    if own_conn:
        if ca_file:
            conn = http.client.HTTPSConnection(
                "127.0.0.1", port, timeout=30, context=ssl.create_default_context(cafile=ca_file))
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        response_headers = {name.lower(): value for name, value in response.getheaders()}
    finally:
        if own_conn:
            conn.close()
    if not parse:
        return response.status, response_headers, data
    try:
        parsed = json.loads(data)
    except ValueError:
        parsed = data
    return response.status, response_headers, parsed


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = Server(["--in-memory", "--port", "0"], tmp_path_factory.mktemp("stator") / "stator.log")
    yield srv
    assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]


@pytest.fixture(scope="session")
def ddb(server):
    """A boto3 DynamoDB client for the session server (us-east-1, dummy keys)."""
    return server.client()


@pytest.fixture(scope="session")
def raw(server):
    """raw(target, body, headers=None, method="POST", path="/", conn=None, parse=True)
    -> (status, headers, body); see raw_request."""
    def send(target="ListTables", body=b"{}", headers=None, method="POST", path="/", conn=None,
             parse=True):
        return raw_request(server.port, target, body, headers, method, path, conn, parse)
    return send


@pytest.fixture(scope="session")
def call(raw):
    """call(operation, request_dict) -> (status, parsed body): the usual JSON request."""
    def send(operation, request):
        status, _, body = raw(operation, request)
        return status, body
    return send


@pytest.fixture
def start_server(tmp_path):
    """start_server(data_dir=None, *extra_args, ca_file=None) starts another stator.

    With a data_dir it is persistent, otherwise in memory; with ca_file it is reached over
    HTTPS (pass its --tls-cert/--tls-key in extra_args). Whatever is still
    running at the end of the test is killed.
    """
    started = []

    def start(data_dir=None, *extra_args, ca_file=None):
        storage = ["--data-dir", str(data_dir)] if data_dir else ["--in-memory"]
        log = tmp_path / f"stator-{len(started)}.log"
        srv = Server([*storage, "--port", "0", *extra_args], log, ca_file=ca_file)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()


def _unique_name(request):
    base = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)[:60]
    return f"it_{base}_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def table_name(request):
    """A table name no other test uses."""
    return _unique_name(request)


@pytest.fixture
def unique_name(request):
    """unique_name() -> a fresh table name on every call."""
    return lambda: _unique_name(request)


def wait_for_table(client, name, status="ACTIVE"):
    """Polls DescribeTable until the table (and its GSIs) reach `status`."""
    deadline = time.monotonic() + TABLE_TIMEOUT
    while True:
        table = client.describe_table(TableName=name)["Table"]
        gsis = table.get("GlobalSecondaryIndexes", [])
        if table["TableStatus"] == status and all(g["IndexStatus"] == status for g in gsis):
            return table
        assert time.monotonic() < deadline, f"{name} still {table['TableStatus']}"
        time.sleep(0.02)


def wait_for_table_gone(client, name):
    deadline = time.monotonic() + TABLE_TIMEOUT
    while True:
        try:
            client.describe_table(TableName=name)
        except client.exceptions.ResourceNotFoundException:
            return
        assert time.monotonic() < deadline, f"{name} was not deleted"
        time.sleep(0.02)


@pytest.fixture(scope="session")
def wait_active():
    return wait_for_table


@pytest.fixture(scope="session")
def wait_gone():
    return wait_for_table_gone


def table_request(name, hash_key=("pk", "S"), range_key=None, **extra):
    """A CreateTable request (PAY_PER_REQUEST unless `extra` says otherwise)."""
    keys = [(hash_key, "HASH")] + ([(range_key, "RANGE")] if range_key else [])
    request = {
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for (n, t), _ in keys],
        "KeySchema": [{"AttributeName": n, "KeyType": kt} for (n, _), kt in keys],
        "BillingMode": "PAY_PER_REQUEST",
    }
    request.update(extra)
    return request


@pytest.fixture(scope="session")
def make_table(call, ddb):
    """make_table(name, hash_key=("pk","S"), range_key=None, **extra): creates it, waits ACTIVE."""
    def create(name, hash_key=("pk", "S"), range_key=None, **extra):
        status, body = call("CreateTable", table_request(name, hash_key, range_key, **extra))
        assert status == 200, body
        wait_for_table(ddb, name)
        return name
    return create


def select_error_cases(attribute, index):
    """The Select combinations DynamoDB refuses, shared by Query and Scan: (extra request
    members, message). `attribute` is any attribute name, `index` a local or global index
    of the table."""
    cases = [({"Select": "SPECIFIC_ATTRIBUTES"},
              "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
              "SPECIFIC_ATTRIBUTES"),
             ({"Select": "ALL_PROJECTED_ATTRIBUTES"},
              "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")]
    for select, what in (("ALL_ATTRIBUTES", "ALL_ATTRIBUTES"),
                         ("ALL_PROJECTED_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"),
                         ("COUNT", "only the Count")):
        for member, value in (("ProjectionExpression", attribute), ("AttributesToGet", [attribute])):
            extra = {"Select": select, member: value}
            if select == "ALL_PROJECTED_ATTRIBUTES":
                extra["IndexName"] = index
            cases.append((extra, "Cannot specify the %s when choosing to get %s" % (member, what)))
    return cases


class KeepAliveClient:
    """Requests over one keep-alive connection to a server: client(operation, request) ->
    (status, body)."""

    def __init__(self, server):
        self.port = server.port
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    def __call__(self, operation, request):
        status, _, body = raw_request(self.port, operation, request, conn=self.conn)
        return status, body

    def ok(self, operation, request):
        """The body of a request that must succeed."""
        status, body = self(operation, request)
        assert status == 200, (operation, request, body)
        return body

    def pages(self, operation, request, limit=None):
        """Follows LastEvaluatedKey to the end (with Limit=`limit`); returns the page bodies."""
        request = dict(request)
        if limit:
            request["Limit"] = limit
        pages = []
        while True:
            body = self.ok(operation, request)
            pages.append(body)
            assert len(pages) < 5000
            if "LastEvaluatedKey" not in body:
                return pages
            request["ExclusiveStartKey"] = body["LastEvaluatedKey"]

    def items(self, operation, request, limit=None):
        return [i for p in self.pages(operation, request, limit) for i in p["Items"]]

    def describe(self, table):
        return self.ok("DescribeTable", {"TableName": table})["Table"]

    def close(self):
        self.conn.close()


# --- Item size as DynamoDB counts it ----------------------------------------------------

def number_size(text):
    """Bytes a number counts for: 1 + the base-100 digit pairs its digits touch, + 1 if
    negative; zero is 1."""
    value = decimal.Context(prec=100).normalize(decimal.Decimal(text))
    if value == 0:
        return 1
    sign, digits, exponent = value.as_tuple()
    n = len(digits)
    e = exponent + n - 1  # decimal exponent of the first significant digit
    return 1 + math.ceil(n / 2) + (1 if n % 2 == 0 and e % 2 == 0 else 0) + sign


def value_size(value):
    (kind, x), = value.items()
    if kind == "S":
        return len(x.encode())
    if kind == "N":
        return number_size(x)
    if kind == "B":
        return len(base64.b64decode(x))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in x)
    if kind == "NS":
        return sum(number_size(s) for s in x)
    if kind == "BS":
        return sum(len(base64.b64decode(s)) for s in x)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in x)
    assert kind == "M"
    return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in x.items())


def item_size(item):
    """DynamoDB's item size: attribute names plus values."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


# --- The AWS CLI --------------------------------------------------------------------------

AWS_CLI = os.environ.get("AWS_CLI", "/usr/bin/aws")


@pytest.fixture(scope="session")
def aws(server, tmp_path_factory):
    """aws(*args) runs `aws dynamodb ARGS` against the server and returns (exit code, parsed
    stdout, stderr), with a private, empty AWS configuration."""
    if not os.path.exists(AWS_CLI):
        pytest.skip("AWS CLI not installed")
    home = tmp_path_factory.mktemp("aws-home")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "AWS_ACCESS_KEY_ID": "AKID",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_PAGER": "",
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }

    def run(*args):
        done = subprocess.run([AWS_CLI, "dynamodb", *args, "--endpoint-url", server.endpoint,
                               "--output", "json"],
                              env=env, capture_output=True, text=True, timeout=60)
        output = json.loads(done.stdout) if done.stdout.strip() else {}
        return done.returncode, output, done.stderr

    return run
