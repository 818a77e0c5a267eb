"""--auth: SigV4 signatures verified against known credentials.

With --auth, DynamoDB's checks apply: an unknown access key gets
UnrecognizedClientException, a wrong signature InvalidSignatureException with
the canonical request and string to sign the server expected, a request
signed more than 15 minutes from the server's clock "Signature expired" or
"Signature not yet current", and a session token that is not the key's own
UnrecognizedClientException. Without --auth any well-formed signature is
accepted, as before.
"""

import datetime
import gzip
import json
import os
import re
import subprocess
import uuid

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import AWS_CLI, JSON_10, Server, raw_request, table_request, wait_for_table

KEY, SECRET = "AKIDAUTHTEST", "authsecret/1+x"
TEMP_KEY, TEMP_SECRET, TEMP_TOKEN = "ASIATEMPTEST", "tempsecret", "FwoGZXIvYXdzEtesttoken=="
MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.")
CORAL = "com.amazon.coral.service#"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("auth")
    credentials = directory / "credentials"
    credentials.write_text(f"# test keys\n{KEY}:{SECRET}\n\n{TEMP_KEY}:{TEMP_SECRET}:{TEMP_TOKEN}\n")
    srv = Server(["--in-memory", "--port", "0", "--auth", "--credentials-file", str(credentials)],
                 directory / "stator.log")
    yield srv
    assert srv.stop() == 0, srv.log_text()[-4000:]


def client(server, key=KEY, secret=SECRET, token=None, service="dynamodb"):
    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        aws_session_token=token,
                        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def error_of(call):
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def sign(port, target, body, key=KEY, secret=SECRET, token=None, when=None, signed_body=None):
    """botocore's SigV4 headers for a request at `when` (UTC, default now) over `signed_body`
    (default `body`); returns (headers, canonical request, string to sign)."""
    request = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/",
                         data=body if signed_body is None else signed_body)
    request.headers["Content-Type"] = JSON_10
    request.headers["X-Amz-Target"] = "DynamoDB_20120810." + target
    signer = SigV4Auth(Credentials(key, secret, token), "dynamodb", "us-east-1")
    when = when or datetime.datetime.now(datetime.timezone.utc)
    request.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    signer._inject_signature_to_request(request, signer.signature(string_to_sign, request))
    return dict(request.headers.items()), canonical, string_to_sign


def send(server, headers, body):
    return raw_request(server.port, target=None, body=body, headers=headers)


def test_right_keys_work_including_session_tokens(auth_server):
    ddb = client(auth_server)
    name = "auth_" + uuid.uuid4().hex[:8]
    ddb.create_table(**table_request(name))
    wait_for_table(ddb, name)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"S": "x  y"}})
    temp = client(auth_server, TEMP_KEY, TEMP_SECRET, TEMP_TOKEN)
    assert temp.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"]["v"] == {"S": "x  y"}
    # DynamoDB Streams requests are signed for service "dynamodb" too.
    streams = client(auth_server, service="dynamodbstreams")
    assert streams.list_streams()["Streams"] == []


def test_unknown_key(auth_server):
    assert error_of(client(auth_server, key="AKIDUNKNOWN").list_tables) == (
        "UnrecognizedClientException", "The security token included in the request is invalid.")


def test_wrong_secret_shows_the_expected_canonical_strings(auth_server):
    body = json.dumps({"Limit": 3}).encode()
    headers, canonical, string_to_sign = sign(auth_server.port, "ListTables", body,
                                              secret="not-the-secret")
    status, _, answer = send(auth_server, headers, body)
    assert status == 400
    assert answer["__type"] == CORAL + "InvalidSignatureException"
    # The server's canonical request is byte for byte botocore's.
    assert answer["message"] == (
        f"{MISMATCH}\n\nThe Canonical String for this request should have been\n'{canonical}'"
        f"\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n")
    code, message = error_of(client(auth_server, secret="wrong").list_tables)
    assert code == "InvalidSignatureException" and message.startswith(MISMATCH)


def test_session_token_must_be_the_keys_own(auth_server):
    expected = ("UnrecognizedClientException",
                "The security token included in the request is invalid")
    assert error_of(client(auth_server, TEMP_KEY, TEMP_SECRET, "other-token").list_tables) == \
        expected
    assert error_of(client(auth_server, TEMP_KEY, TEMP_SECRET).list_tables) == expected
    assert error_of(client(auth_server, KEY, SECRET, TEMP_TOKEN).list_tables) == expected


def test_tampered_body_is_refused(auth_server):
    body = json.dumps({"Limit": 3}).encode()
    headers, _, _ = sign(auth_server.port, "ListTables", body)
    assert send(auth_server, headers, body)[0] == 200
    status, _, answer = send(auth_server, headers, json.dumps({"Limit": 4}).encode())
    assert status == 400
    assert answer["__type"] == CORAL + "InvalidSignatureException"
    assert answer["message"].startswith(MISMATCH)


def test_clock_skew(auth_server):
    body = b"{}"
    past = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    status, _, answer = send(auth_server, sign(auth_server.port, "ListTables", body, when=past)[0],
                             body)
    assert status == 400
    assert answer["__type"] == CORAL + "InvalidSignatureException"
    assert re.fullmatch(r"Signature expired: 20200101T000000Z is now earlier than (\d{8}T\d{6}Z) "
                        r"\(\d{8}T\d{6}Z - 15 min\.\)", answer["message"]), answer
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    answer = send(auth_server, sign(auth_server.port, "ListTables", body, when=future)[0], body)[2]
    assert re.fullmatch(r"Signature not yet current: \d{8}T\d{6}Z is still later than "
                        r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)", answer["message"]), answer
    # Ten minutes off is still accepted.
    near = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
    assert send(auth_server, sign(auth_server.port, "ListTables", body, when=near)[0], body)[0] == 200


def test_malformed_authorization_header(auth_server):
    status, _, answer = raw_request(
        auth_server.port, "ListTables", b"{}",
        headers={"Authorization": f"AWS4-HMAC-SHA256 Credential={KEY}/20260101/us-east-1/"
                                  "dynamodb/aws4_request, SignedHeaders=host;x-amz-date"})
    assert status == 400
    assert answer == {"__type": CORAL + "IncompleteSignatureException",
                      "message": "Authorization header requires 'Signature' parameter. "
                                 f"Authorization=AWS4-HMAC-SHA256 Credential={KEY}/20260101/"
                                 "us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date"}
    status, _, answer = raw_request(auth_server.port, "ListTables", b"{}",
                                    headers={"Authorization": None})
    assert answer["__type"] == CORAL + "MissingAuthenticationTokenException"


def test_gzip_body_is_signed_as_sent(auth_server):
    plain = json.dumps({"Limit": 2}).encode()
    compressed = gzip.compress(plain)
    headers, _, _ = sign(auth_server.port, "ListTables", compressed)
    headers["Content-Encoding"] = "gzip"
    status, _, answer = send(auth_server, headers, compressed)
    assert status == 200, answer
    assert "TableNames" in answer
    # A signature over the inflated JSON does not cover the compressed bytes.
    headers, _, _ = sign(auth_server.port, "ListTables", compressed, signed_body=plain)
    headers["Content-Encoding"] = "gzip"
    status, _, answer = send(auth_server, headers, compressed)
    assert (status, answer["__type"]) == (400, CORAL + "InvalidSignatureException")


def run_cli(server, tmp_path, key, secret, *args):
    if not os.path.exists(AWS_CLI):
        pytest.skip("AWS CLI not installed")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret,
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
           "AWS_CONFIG_FILE": str(tmp_path / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1"}
    return subprocess.run([AWS_CLI, "dynamodb", *args, "--endpoint-url", server.endpoint,
                           "--output", "json"], env=env, capture_output=True, text=True,
                          timeout=60)


def test_aws_cli(auth_server, tmp_path):
    done = run_cli(auth_server, tmp_path, KEY, SECRET, "list-tables")
    assert done.returncode == 0, done.stderr
    assert "TableNames" in json.loads(done.stdout)
    done = run_cli(auth_server, tmp_path, KEY, "wrong", "list-tables")
    assert done.returncode != 0
    assert "InvalidSignatureException" in done.stderr


def test_log_names_the_key_count_never_secrets(auth_server):
    log = auth_server.log_text()
    assert "--auth: 2 access keys from " in log
    assert SECRET not in log and TEMP_SECRET not in log and TEMP_TOKEN not in log


def test_without_auth_any_well_formed_signature_is_accepted(server):
    assert client(server, key="ANYKEY", secret="anything").list_tables()["TableNames"] is not None
    status, _, _ = raw_request(server.port, "ListTables", b"{}")  # Signature=abc
    assert status == 200


def test_credentials_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "envtoken")
    srv = Server(["--in-memory", "--port", "0", "--auth"], tmp_path / "stator.log")
    try:
        assert client(srv, "AKIDFROMENV", "envsecret", "envtoken").list_tables()["TableNames"] == []
        assert error_of(client(srv, "AKIDFROMENV", "envsecret").list_tables)[0] == \
            "UnrecognizedClientException"
        assert error_of(client(srv).list_tables)[0] == "UnrecognizedClientException"
        assert "--auth: 1 access key from the environment" in srv.log_text()
        assert "envsecret" not in srv.log_text()
    finally:
        assert srv.stop() == 0


@pytest.mark.parametrize("args,file_text,message", [
    (["--auth"], None,
     "--auth needs credentials: --credentials-file FILE, or AWS_ACCESS_KEY_ID and "
     "AWS_SECRET_ACCESS_KEY in the environment"),
    (["--auth", "--credentials-file", "{file}"], "AKID:s\nbroken line\n",
     "credentials file {file} line 2: expected ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]"),
])
def test_startup_fails_without_usable_credentials(tmp_path, monkeypatch, args, file_text,
                                                  message):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    file = tmp_path / "credentials"
    if file_text is not None:
        file.write_text(file_text)
    args = [a.replace("{file}", str(file)) for a in args]
    with pytest.raises(RuntimeError, match="stator exited with 1 before listening") as info:
        Server(["--in-memory", "--port", "0", *args], tmp_path / "stator.log")
    assert message.replace("{file}", str(file)) in str(info.value)
