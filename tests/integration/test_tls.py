"""HTTPS: the real binary started with --tls-cert/--tls-key, its certificate made by
scripts/make-test-cert.sh, driven by boto3, the AWS CLI, curl and Python's ssl module."""

import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time

import botocore.exceptions
import pytest

from conftest import (AWS_CLI, REPO_ROOT, STOP_TIMEOUT, Server, make_client, raw_request,
                      stator_binary, wait_for_table)

MAKE_CERT = REPO_ROOT / "scripts" / "make-test-cert.sh"


def make_cert(directory):
    """Runs make-test-cert.sh into `directory`; returns {"ca", "cert", "key"} paths."""
    if not shutil.which("openssl"):
        pytest.skip("the openssl command is not installed")
    done = subprocess.run([str(MAKE_CERT), str(directory)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    paths = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    for path in paths.values():
        assert os.path.isfile(path), done.stdout
    return paths


def tls_args(cert):
    return ["--tls-cert", cert["cert"], "--tls-key", cert["key"]]


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return make_cert(tmp_path_factory.mktemp("cert"))


@pytest.fixture(scope="module")
def https(cert, tmp_path_factory):
    """A stator serving HTTPS with `cert`; its endpoint is https://127.0.0.1:PORT."""
    log = tmp_path_factory.mktemp("stator-tls") / "stator.log"
    srv = Server(["--in-memory", "--port", "0", *tls_args(cert)], log, ca_file=cert["ca"])
    yield srv
    assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]


def curl(*args):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    return subprocess.run(["curl", "--silent", "--show-error", "--max-time", "20", *args],
                          capture_output=True, text=True, timeout=60)


# --- Clients that trust the CA ------------------------------------------------------------

def test_log_names_https(https):
    assert f"listening on 127.0.0.1:{https.port} (https)" in https.log_text()


def test_boto3_with_ca_bundle_creates_writes_and_reads(https, table_name):
    client = https.client()  # verify=<the CA>
    assert client.meta.endpoint_url.startswith("https://")
    client.create_table(TableName=table_name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    wait_for_table(client, table_name)
    client.put_item(TableName=table_name, Item={"pk": {"S": "k"}, "v": {"N": "42"}})
    got = client.get_item(TableName=table_name, Key={"pk": {"S": "k"}}, ConsistentRead=True)
    assert got["Item"] == {"pk": {"S": "k"}, "v": {"N": "42"}}


def aws_env(tmp_path, **extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "AKID",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_PAGER": "",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    env.update(extra)
    return env


def run_aws(env, *args):
    if not os.path.exists(AWS_CLI):
        pytest.skip("AWS CLI not installed")
    return subprocess.run([AWS_CLI, "dynamodb", *args, "--output", "json"], env=env,
                          capture_output=True, text=True, timeout=60)


def test_aws_cli_with_ca_bundle(https, cert, tmp_path, table_name):
    https.client().create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    done = run_aws(aws_env(tmp_path), "list-tables", "--endpoint-url", https.endpoint,
                   "--ca-bundle", cert["ca"])
    assert done.returncode == 0, done.stderr
    assert table_name in json.loads(done.stdout)["TableNames"]
    # The same through the environment, as a user would set it once.
    done = run_aws(aws_env(tmp_path, AWS_CA_BUNDLE=cert["ca"]), "describe-table",
                   "--table-name", table_name, "--endpoint-url", https.endpoint)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Table"]["TableName"] == table_name


def test_curl_with_cacert_gets_200(https, cert):
    done = curl("--cacert", cert["ca"], "--output", "/dev/null", "--write-out", "%{http_code}",
                f"{https.endpoint}/")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "200"


def test_keep_alive_serves_requests_on_one_tls_connection(https, cert):
    context = ssl.create_default_context(cafile=cert["ca"])
    conn = http.client.HTTPSConnection("127.0.0.1", https.port, timeout=30, context=context)
    try:
        status, _, _ = raw_request(https.port, conn=conn)
        assert status == 200
        first_socket = conn.sock
        assert first_socket.version() in ("TLSv1.2", "TLSv1.3")
        status, _, body = raw_request(https.port, conn=conn)
        assert status == 200, body
        assert conn.sock is first_socket  # not reconnected
    finally:
        conn.close()


# --- Clients that do not get in -----------------------------------------------------------

def test_plain_http_to_the_tls_port_fails_and_server_keeps_serving(https, cert):
    done = curl("--output", "/dev/null", f"http://127.0.0.1:{https.port}/")
    assert done.returncode != 0, done.stdout
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        raw_request(https.port, method="GET", target=None, body=b"")
    assert raw_request(https.port, method="GET", target=None, body=b"",
                       ca_file=cert["ca"])[0] == 200


def test_clients_not_trusting_the_ca_fail_verification(https):
    done = curl("--output", "/dev/null", f"{https.endpoint}/")
    assert done.returncode == 60, (done.returncode, done.stderr)  # peer certificate not trusted
    with pytest.raises(ssl.SSLCertVerificationError):
        with socket.create_connection(("127.0.0.1", https.port), timeout=30) as sock:
            ssl.create_default_context().wrap_socket(sock, server_hostname="127.0.0.1")
    with pytest.raises(botocore.exceptions.SSLError):
        make_client(https.endpoint).list_tables()


def tls_handshake(port, ca_file, version):
    """The version a client limited to `version` (an ssl.TLSVersion) negotiates, or the
    SSLError it gets."""
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = context.maximum_version = version
    if version < ssl.TLSVersion.TLSv1_2:
        context.set_ciphers("ALL:@SECLEVEL=0")  # else the client itself refuses to try
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            with context.wrap_socket(sock, server_hostname="127.0.0.1") as tls:
                return tls.version()
        except ssl.SSLError as error:
            return error


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
def test_only_tls_12_and_newer_are_accepted(https, cert):
    assert tls_handshake(https.port, cert["ca"], ssl.TLSVersion.TLSv1_3) == "TLSv1.3"
    assert tls_handshake(https.port, cert["ca"], ssl.TLSVersion.TLSv1_2) == "TLSv1.2"
    for old in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        assert isinstance(tls_handshake(https.port, cert["ca"], old), ssl.SSLError), old


# --- Start-up and shutdown ----------------------------------------------------------------

def run_binary(*args):
    return subprocess.run([str(stator_binary()), "--in-memory", "--port", "0", *args],
                          capture_output=True, text=True, timeout=30)


def test_missing_certificate_fails_startup_naming_the_file(cert, tmp_path):
    missing = str(tmp_path / "missing.pem")
    done = run_binary("--tls-cert", missing, "--tls-key", cert["key"])
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert f"cannot load TLS certificate from {missing}: No such file or directory" in output
    assert "listening on" not in output


def test_key_of_another_certificate_fails_startup(cert, tmp_path):
    other = make_cert(tmp_path / "other")
    done = run_binary("--tls-cert", cert["cert"], "--tls-key", other["key"])
    assert done.returncode != 0
    assert (f"cannot load TLS private key from {other['key']}: it does not match the "
            f"certificate in {cert['cert']}") in done.stdout + done.stderr


def test_sigterm_with_idle_tls_connection_stops_promptly(start_server, cert):
    srv = start_server(None, *tls_args(cert), ca_file=cert["ca"])
    context = ssl.create_default_context(cafile=cert["ca"])
    conn = http.client.HTTPSConnection("127.0.0.1", srv.port, timeout=30, context=context)
    try:
        assert raw_request(srv.port, conn=conn)[0] == 200
        begin = time.monotonic()
        assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]
        assert time.monotonic() - begin < STOP_TIMEOUT
        assert conn.sock.recv(1) == b""  # the server closed the idle connection
    finally:
        conn.close()


def test_plain_http_unchanged_without_the_flags(start_server, cert):
    srv = start_server()
    assert srv.endpoint.startswith("http://")
    assert "(https)" not in srv.log_text()
    assert raw_request(srv.port, method="GET", target=None, body=b"")[0] == 200
    assert srv.client().list_tables()["TableNames"] == []
    with pytest.raises(ssl.SSLError):
        raw_request(srv.port, method="GET", target=None, body=b"", ca_file=cert["ca"])
