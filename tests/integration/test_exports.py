"""Export to S3: ExportTableToPointInTime, DescribeExport and ListExports, with DynamoDB's
answers and errors (see docs/design/exports.md and the research note on backups, sections
8-9), and the files an export writes.

A local directory stands for S3 (`--export-dir DIR`): bucket B is the folder DIR/B, which must
exist. These tests run their own server with an export directory of their own, and check the
whole layout under DIR/B/[prefix/]AWSDynamoDB/<ExportId>/: _started, the manifests with their
.md5 files, and the gzip data files, whose items must be exactly the table's state at
ExportTime. They also check ClientToken idempotency, ListExports' order and paging, errors,
export records surviving a restart, and one AWS CLI round trip.

This boto3 sends request timestamps as whole seconds (checked by `boto3_sends_milliseconds`),
so exports at a chosen moment go raw, with the moment's fraction of a second.
"""

import base64
import datetime
import gzip
import hashlib
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import AWS_CLI, Server, item_size, raw_request, wait_for_table_gone
from test_backups import create_keyed_table, put_all, table_arn, varied_items
from test_pitr import (boto3_sends_milliseconds, disable_pitr, enable_pitr, expect_error,
                       restore_point, settle)

VALIDATION = "com.amazon.coral.validate#ValidationException"
EXPORT_ARN = re.compile(r"^arn:aws:dynamodb:us-east-1:000000000000:table/(?P<table>[^/]+)"
                        r"/export/(?P<id>(?P<millis>\d{14})-[0-9a-f]{8})$")
DATA_FILE = re.compile(r"^[a-z2-7]{26}\.json\.gz$")
ISO_MILLIS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EXPORT_FILES = {"_started", "manifest-summary.json", "manifest-summary.md5",
                "manifest-files.json", "manifest-files.md5", "data"}
SUMMARY_KEYS = ["version", "exportArn", "startTime", "endTime", "tableArn", "tableId",
                "exportTime", "s3Bucket", "s3Prefix", "s3SseAlgorithm", "s3SseKmsKeyId",
                "manifestFilesS3Key", "billedSizeBytes", "itemCount", "outputFormat",
                "exportType"]
MANIFEST_FILES_KEYS = ["itemCount", "md5Checksum", "etag", "dataFileS3Key"]
ALL_TYPES = {"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"}


# --- The server, its export directory, its buckets --------------------------------------------

@pytest.fixture(scope="module")
def xserver(tmp_path_factory):
    """A server of this module's own, with --export-dir; `export_dir` is that directory."""
    root = tmp_path_factory.mktemp("exports")
    export_dir = root / "s3"
    export_dir.mkdir()
    srv = Server(["--in-memory", "--port", "0", "--export-dir", str(export_dir)],
                 root / "stator.log")
    srv.export_dir = export_dir
    yield srv
    assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]


@pytest.fixture(scope="module")
def xddb(xserver):
    return xserver.client()


@pytest.fixture(scope="module")
def xcall(xserver):
    """xcall(operation, request) -> (status, parsed body), against this module's server."""
    def send(operation, request):
        status, _, body = raw_request(xserver.port, operation, request)
        return status, body
    return send


def new_bucket(export_dir):
    name = f"bucket-{uuid.uuid4().hex[:12]}"
    (export_dir / name).mkdir()
    return name


@pytest.fixture
def bucket(xserver):
    """A fresh, empty, existing bucket."""
    return new_bucket(xserver.export_dir)


# --- Helpers ----------------------------------------------------------------------------------

def ms(value):
    """A timestamp (a boto3 datetime or wire epoch seconds) as whole milliseconds."""
    if isinstance(value, datetime.datetime):
        value = value.timestamp()
    return round(value * 1000)


def iso_ms(text):
    """An ISO-8601 'YYYY-MM-DDTHH:MM:SS.mmmZ' as epoch milliseconds."""
    assert ISO_MILLIS.match(text), text
    when = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)
    return round(when.timestamp() * 1000)


def pitr_table(ddb, call, name, items=()):
    """A keyed table with PITR enabled and `items` written; returns its TableId."""
    table = create_keyed_table(ddb, name)
    enable_pitr(call, name)
    put_all(ddb, name, items)
    return table["TableId"]


def export(ddb, table, bucket, **extra):
    """ExportTableToPointInTime through boto3; the answer's ExportDescription."""
    return ddb.export_table_to_point_in_time(TableArn=table_arn(table), S3Bucket=bucket,
                                             **extra)["ExportDescription"]


def describe(ddb, arn):
    return ddb.describe_export(ExportArn=arn)["ExportDescription"]


def export_at(ddb, call, table, bucket, when, **extra):
    """An export of `table` at `when` (epoch seconds with a fraction): through boto3 when it
    keeps milliseconds, else raw. Returns the ExportDescription with wire timestamps."""
    request = {"TableArn": table_arn(table), "S3Bucket": bucket, "ExportTime": when, **extra}
    if boto3_sends_milliseconds(ddb):
        request["ExportTime"] = datetime.datetime.fromtimestamp(when, datetime.timezone.utc)
        answer = ddb.export_table_to_point_in_time(**request)["ExportDescription"]
        return json.loads(json.dumps(answer, default=lambda d: d.timestamp()))
    status, body = call("ExportTableToPointInTime", request)
    assert status == 200, (request, body)
    return body["ExportDescription"]


def raw_scan(call, table):
    """Every item of `table` (wire JSON), following every Scan page."""
    items = []
    request = {"TableName": table, "ConsistentRead": True, "Limit": 5}
    while True:
        status, body = call("Scan", request)
        assert status == 200, body
        items.extend(body["Items"])
        if "LastEvaluatedKey" not in body:
            return items
        request["ExclusiveStartKey"] = body["LastEvaluatedKey"]


def py_value(value):
    """A DynamoDB JSON value (wire: base64 strings; or boto3: bytes) as a Python value; sets
    become frozensets, so that their order does not matter."""
    (kind, x), = value.items()
    if kind == "S":
        return x
    if kind == "N":
        return Decimal(x)
    if kind == "B":
        return bytes(x) if isinstance(x, (bytes, bytearray)) else base64.b64decode(x)
    if kind == "SS":
        return frozenset(x)
    if kind == "NS":
        return frozenset(Decimal(n) for n in x)
    if kind == "BS":
        return frozenset(bytes(b) if isinstance(b, (bytes, bytearray)) else base64.b64decode(b)
                         for b in x)
    if kind == "M":
        return {k: py_value(v) for k, v in x.items()}
    if kind == "L":
        return [py_value(v) for v in x]
    if kind == "NULL":
        assert x is True, value
        return None
    assert kind == "BOOL" and isinstance(x, bool), value
    return x


def _freeze(v):
    """A hashable form of a Python value that keeps its type (True is not 1)."""
    if isinstance(v, dict):
        return ("M", frozenset((k, _freeze(x)) for k, x in v.items()))
    if isinstance(v, list):
        return ("L", tuple(_freeze(x) for x in v))
    if isinstance(v, frozenset):
        return ("set", frozenset(_freeze(x) for x in v))
    return (type(v).__name__, v)


def contents(items):
    """A multiset of items (DynamoDB JSON, wire or boto3) decoded to Python values."""
    return Counter(_freeze({name: py_value(v) for name, v in item.items()}) for item in items)


def kinds(value, out):
    (kind, x), = value.items()
    out.add(kind)
    if kind == "M":
        for v in x.values():
            kinds(v, out)
    elif kind == "L":
        for v in x:
            kinds(v, out)
    return out


def all_kinds(items):
    out = set()
    for item in items:
        for v in item.values():
            kinds(v, out)
    return out


def b64md5(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def json_lines(text):
    """The lines of a JSON Lines text (split at '\\n' only: JSON strings may hold U+2028)."""
    assert text == "" or text.endswith("\n"), text[-200:]
    return text.split("\n")[:-1]


def key_prefix(prefix, export_id):
    """The object key prefix of an export's files."""
    if prefix is None:
        return f"AWSDynamoDB/{export_id}/"
    return (prefix if prefix.endswith("/") else prefix + "/") + f"AWSDynamoDB/{export_id}/"


def read_export(export_dir, desc):
    """Checks the layout of a COMPLETED export's files (`desc`: DescribeExport's answer through
    boto3) and returns (manifest-summary.json parsed, the data files' items as wire JSON)."""
    export_id = EXPORT_ARN.match(desc["ExportArn"])["id"]
    keys = key_prefix(desc.get("S3Prefix"), export_id)
    bucket_dir = export_dir / desc["S3Bucket"]
    directory = bucket_dir / keys
    assert directory.is_dir(), sorted(str(p) for p in bucket_dir.rglob("*"))
    assert set(os.listdir(directory)) == EXPORT_FILES
    assert (directory / "_started").read_bytes() == b""

    # The two manifests, each with the base64 MD5 of its bytes in its .md5.
    summary_bytes = (directory / "manifest-summary.json").read_bytes()
    files_bytes = (directory / "manifest-files.json").read_bytes()
    assert (directory / "manifest-summary.md5").read_text().strip() == b64md5(summary_bytes)
    assert (directory / "manifest-files.md5").read_text().strip() == b64md5(files_bytes)
    summary_text = summary_bytes.decode()
    assert "\n" not in summary_text.rstrip("\n"), summary_text  # one line
    summary = json.loads(summary_text)
    assert list(summary) == SUMMARY_KEYS, summary_text
    assert desc["ExportManifest"] == keys + "manifest-summary.json"
    assert summary["manifestFilesS3Key"] == keys + "manifest-files.json"

    # manifest-files.json: one line per data file, naming every data file there is.
    files_text = files_bytes.decode()
    assert files_text.endswith("\n"), files_text
    lines = [json.loads(line) for line in json_lines(files_text)]
    data_names = sorted(os.listdir(directory / "data"))
    assert data_names and all(DATA_FILE.match(n) for n in data_names), data_names
    assert sorted(line["dataFileS3Key"] for line in lines) == [
        keys + "data/" + n for n in data_names]
    items = []
    for line in lines:
        assert list(line) == MANIFEST_FILES_KEYS, line
        gz = (bucket_dir / line["dataFileS3Key"]).read_bytes()
        assert line["md5Checksum"] == b64md5(gz), line
        # S3's ETag of a one-part multipart upload: hex MD5 of the part's MD5, then "-1".
        assert line["etag"] == hashlib.md5(hashlib.md5(gz).digest()).hexdigest() + "-1", line
        text = gzip.decompress(gz).decode()
        assert text == "" or text.endswith("\n"), text[-200:]
        file_items = []
        for data_line in json_lines(text):
            parsed = json.loads(data_line)
            assert list(parsed) == ["Item"], data_line
            file_items.append(parsed["Item"])
        assert line["itemCount"] == len(file_items), line
        items.extend(file_items)
    assert summary["itemCount"] == len(items) == desc["ItemCount"]
    assert summary["billedSizeBytes"] == desc["BilledSizeBytes"]
    return summary, items


# --- ExportTableToPointInTime / DescribeExport: answers, files, contents ----------------------

def _edge_items():
    return [
        {"pk": {"S": "edge"}, "sk": {"N": "0"}, "empty": {"S": ""}, "eb": {"B": b""},
         "big": {"N": "9.9999999999999999999999999999999999999E+125"},
         "tiny": {"N": "-1E-130"},
         "uni ключ \u2603": {"S": "quote \" backslash \\ slash / \u2028"},
         "el": {"L": []}, "em": {"M": {}},
         "deep": {"M": {"a": {"L": [{"M": {"b": {"SS": ["z", "y"]}}}, {"NS": ["3", "-2.5"]},
                                    {"BS": [b"\x00", b"\xff\xfe"]}, {"NULL": True},
                                    {"BOOL": True}, {"B": b"\x80"}]}}}},
        {"pk": {"S": "only-keys"}, "sk": {"N": "-7"}},
    ]


@pytest.mark.parametrize("prefix", [None, "dira/dirb/dirc", "trailing/"])
def test_export_answer_files_and_contents(xserver, xddb, xcall, table_name, bucket, prefix):
    items = varied_items(n=6) + _edge_items()
    assert all_kinds(items) >= ALL_TYPES
    table_id = pitr_table(xddb, xcall, table_name, items)
    # Updates and deletes too: the export holds the table's current state.
    xddb.update_item(TableName=table_name, Key={"pk": {"S": "p1"}, "sk": {"N": "1"}},
                     UpdateExpression="SET s = :s REMOVE ss", ExpressionAttributeValues={
                         ":s": {"S": "updated"}})
    xddb.delete_item(TableName=table_name, Key={"pk": {"S": "p2"}, "sk": {"N": "2"}})
    at_export = raw_scan(xcall, table_name)
    assert len(at_export) == len(items) - 1
    settle()

    extra = {"S3Prefix": prefix} if prefix else {}
    before = time.time()
    answer = export(xddb, table_name, bucket, **extra)
    after = time.time()
    match = EXPORT_ARN.match(answer["ExportArn"])
    assert match, answer
    assert match["table"] == table_name
    assert answer["ExportStatus"] == "IN_PROGRESS"
    assert answer["ExportFormat"] == "DYNAMODB_JSON"
    assert answer["S3Bucket"] == bucket
    assert answer.get("S3Prefix") == prefix
    assert answer["S3SseAlgorithm"] == "AES256"
    assert isinstance(answer["ClientToken"], str) and answer["ClientToken"]
    assert answer["TableArn"] == table_arn(table_name)
    assert answer["TableId"] == table_id
    start = ms(answer["StartTime"])
    assert ms(before) - 1 <= start <= ms(after) + 1, (before, answer["StartTime"], after)
    assert int(match["millis"]) == start
    assert ms(answer["ExportTime"]) == start  # no ExportTime asked: now, the start
    # Not requested, not known yet, or not failed.
    for absent in ("ExportType", "EndTime", "ExportManifest", "ItemCount", "BilledSizeBytes",
                   "FailureCode", "FailureMessage", "S3BucketOwner", "S3SseKmsKeyId"):
        assert absent not in answer, (absent, answer)

    desc = describe(xddb, answer["ExportArn"])
    assert desc["ExportStatus"] == "COMPLETED", desc
    for same in ("ExportArn", "StartTime", "ExportTime", "TableArn", "TableId", "ClientToken",
                 "S3Bucket", "S3SseAlgorithm", "ExportFormat"):
        assert desc[same] == answer[same], same
    assert desc.get("S3Prefix") == prefix
    assert desc["ItemCount"] == len(at_export)
    assert desc["BilledSizeBytes"] == sum(item_size(i) for i in at_export)
    assert start <= ms(desc["EndTime"]) <= ms(time.time()) + 1
    for absent in ("ExportType", "FailureCode", "FailureMessage"):
        assert absent not in desc, (absent, desc)

    # The files.
    export_id = match["id"]
    keys = key_prefix(prefix, export_id)
    top = prefix.split("/")[0] if prefix else "AWSDynamoDB"
    assert os.listdir(xserver.export_dir / bucket) == [top]
    assert desc["ExportManifest"] == keys + "manifest-summary.json"
    summary, exported = read_export(xserver.export_dir, desc)
    assert summary["version"] == "2020-06-30"
    assert summary["exportArn"] == answer["ExportArn"]
    assert iso_ms(summary["startTime"]) == start
    assert iso_ms(summary["endTime"]) == ms(desc["EndTime"])
    assert iso_ms(summary["exportTime"]) == ms(desc["ExportTime"])
    assert summary["tableArn"] == table_arn(table_name)
    assert summary["tableId"] == table_id
    assert summary["s3Bucket"] == bucket
    assert summary["s3Prefix"] == prefix  # JSON null without a prefix
    assert summary["s3SseAlgorithm"] == "AES256"
    assert summary["s3SseKmsKeyId"] is None
    assert summary["manifestFilesS3Key"] == keys + "manifest-files.json"
    assert summary["billedSizeBytes"] == desc["BilledSizeBytes"]
    assert summary["itemCount"] == len(at_export)
    assert summary["outputFormat"] == "DYNAMODB_JSON"
    assert summary["exportType"] == "FULL_EXPORT"
    assert contents(exported) == contents(at_export)
    # And the same against boto3's own decoding of a Scan.
    scanned = [i for page in xddb.get_paginator("scan").paginate(TableName=table_name)
               for i in page["Items"]]
    assert contents(exported) == contents(scanned)
    assert all_kinds(exported) >= ALL_TYPES


def test_wire_answers(xserver, xcall, xddb, table_name, bucket):
    pitr_table(xddb, xcall, table_name, varied_items(n=2))
    settle()
    # No ClientToken: the server makes one up, as DynamoDB does.
    request = {"TableArn": table_arn(table_name), "S3Bucket": bucket, "S3Prefix": "w"}
    status, body = xcall("ExportTableToPointInTime", request)
    assert status == 200, body
    answer = body["ExportDescription"]
    assert set(answer) == {"ExportArn", "ExportStatus", "StartTime", "TableArn", "TableId",
                           "ExportTime", "ClientToken", "S3Bucket", "S3Prefix",
                           "S3SseAlgorithm", "ExportFormat"}, answer
    assert UUID.match(answer["ClientToken"]), answer
    for t in ("StartTime", "ExportTime"):
        assert isinstance(answer[t], (int, float)), answer
    assert int(EXPORT_ARN.match(answer["ExportArn"])["millis"]) == ms(answer["StartTime"])
    status, body = xcall("DescribeExport", {"ExportArn": answer["ExportArn"]})
    assert status == 200, body
    desc = body["ExportDescription"]
    assert set(desc) == set(answer) | {"EndTime", "ExportManifest", "ItemCount",
                                       "BilledSizeBytes"}, desc
    assert desc["ExportStatus"] == "COMPLETED"
    assert desc["ItemCount"] == 2
    assert isinstance(desc["EndTime"], (int, float))

    # An ExportType given is echoed, here and in DescribeExport (this boto3 does not know it).
    status, body = xcall("ExportTableToPointInTime", dict(
        request, S3Prefix="typed", ExportType="FULL_EXPORT", ExportFormat="DYNAMODB_JSON"))
    assert status == 200, body
    assert body["ExportDescription"]["ExportType"] == "FULL_EXPORT"
    assert body["ExportDescription"]["ExportFormat"] == "DYNAMODB_JSON"
    status, body = xcall("DescribeExport", {"ExportArn": body["ExportDescription"]["ExportArn"]})
    assert status == 200, body
    assert body["ExportDescription"]["ExportType"] == "FULL_EXPORT"
    assert body["ExportDescription"]["ExportStatus"] == "COMPLETED"


def test_bucket_owner_and_encryption_are_echoed(xserver, xddb, xcall, table_name, bucket):
    pitr_table(xddb, xcall, table_name, varied_items(n=1))
    answer = export(xddb, table_name, bucket, S3BucketOwner="111122223333",
                    S3SseAlgorithm="KMS", S3SseKmsKeyId="alias/export-key")
    desc = describe(xddb, answer["ExportArn"])
    for d in (answer, desc):
        assert d["S3BucketOwner"] == "111122223333"
        assert d["S3SseAlgorithm"] == "KMS"
        assert d["S3SseKmsKeyId"] == "alias/export-key"
    summary, exported = read_export(xserver.export_dir, desc)
    assert summary["s3SseAlgorithm"] == "KMS"
    assert summary["s3SseKmsKeyId"] == "alias/export-key"
    assert summary["s3Prefix"] is None
    assert len(exported) == 1


def test_export_of_an_empty_table(xserver, xddb, xcall, table_name, bucket):
    pitr_table(xddb, xcall, table_name)
    desc = describe(xddb, export(xddb, table_name, bucket)["ExportArn"])
    assert desc["ExportStatus"] == "COMPLETED"
    assert desc["ItemCount"] == 0
    assert desc["BilledSizeBytes"] == 0
    summary, exported = read_export(xserver.export_dir, desc)
    assert exported == []
    assert summary["itemCount"] == 0


# --- ExportTime: the table as it was ----------------------------------------------------------

def test_export_at_a_past_time_is_the_state_then(xserver, xddb, xcall, table_name, bucket):
    pitr_table(xddb, xcall, table_name)
    empty_time = restore_point()
    first = varied_items("a", n=5)
    put_all(xddb, table_name, first)
    xddb.update_item(TableName=table_name, Key={"pk": {"S": "a0"}, "sk": {"N": "0"}},
                     UpdateExpression="SET phase = :p", ExpressionAttributeValues={
                         ":p": {"N": "1"}})
    at_first = raw_scan(xcall, table_name)
    first_time = restore_point()
    # Phase two: new items, an overwrite, an update, a delete.
    put_all(xddb, table_name, varied_items("b", n=3))
    xddb.put_item(TableName=table_name, Item={"pk": {"S": "a1"}, "sk": {"N": "1"},
                                              "replaced": {"BOOL": True}})
    xddb.update_item(TableName=table_name, Key={"pk": {"S": "a0"}, "sk": {"N": "0"}},
                     UpdateExpression="SET phase = :p REMOVE m", ExpressionAttributeValues={
                         ":p": {"N": "2"}})
    xddb.delete_item(TableName=table_name, Key={"pk": {"S": "a2"}, "sk": {"N": "2"}})
    at_second = raw_scan(xcall, table_name)
    assert contents(at_second) != contents(at_first)
    settle()

    answer = export_at(xddb, xcall, table_name, bucket, first_time, S3Prefix="first")
    assert answer["ExportStatus"] == "IN_PROGRESS"
    assert abs(answer["ExportTime"] * 1000 - first_time * 1000) < 1.5, (answer, first_time)
    assert answer["ExportTime"] < answer["StartTime"]
    desc = describe(xddb, answer["ExportArn"])
    assert desc["ExportStatus"] == "COMPLETED", desc
    assert ms(desc["ExportTime"]) == ms(answer["ExportTime"])
    assert desc["ItemCount"] == len(at_first)
    summary, exported = read_export(xserver.export_dir, desc)
    assert iso_ms(summary["exportTime"]) == ms(answer["ExportTime"])
    assert iso_ms(summary["startTime"]) == ms(answer["StartTime"])
    assert contents(exported) == contents(at_first)

    # Before any write: nothing.
    desc = describe(xddb, export_at(xddb, xcall, table_name, bucket, empty_time,
                                    S3Prefix="empty")["ExportArn"])
    assert desc["ItemCount"] == 0
    assert read_export(xserver.export_dir, desc)[1] == []

    # Now: the current contents.
    desc = describe(xddb, export(xddb, table_name, bucket, S3Prefix="now")["ExportArn"])
    assert desc["ItemCount"] == len(at_second)
    assert contents(read_export(xserver.export_dir, desc)[1]) == contents(at_second)


# --- Errors -----------------------------------------------------------------------------------

def list_raw(call, **request):
    """ListExports' whole answer, raw."""
    status, body = call("ListExports", request)
    assert status == 200, (request, body)
    return body


def _client_error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_export_errors(xserver, xddb, xcall, unique_name, bucket):
    plain, source = unique_name(), unique_name()
    create_keyed_table(xddb, plain)
    pitr_table(xddb, xcall, source)
    earliest = xddb.describe_continuous_backups(TableName=source)[
        "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"][
        "EarliestRestorableDateTime"].timestamp()
    ok = {"TableArn": table_arn(source), "S3Bucket": bucket}

    # No PITR.
    with pytest.raises(ClientError) as excinfo:
        export(xddb, plain, bucket)
    assert _client_error(excinfo)[0] == "PointInTimeRecoveryUnavailableException"
    expect_error(xcall, "ExportTableToPointInTime", dict(ok, TableArn=table_arn(plain)),
                 "PointInTimeRecoveryUnavailableException")
    # No such table.
    missing = table_arn(source + "_missing")
    with pytest.raises(ClientError) as excinfo:
        xddb.export_table_to_point_in_time(TableArn=missing, S3Bucket=bucket)
    code, message = _client_error(excinfo)
    assert code == "TableNotFoundException"
    assert "not found" in message.lower(), message
    expect_error(xcall, "ExportTableToPointInTime", dict(ok, TableArn=missing),
                 "TableNotFoundException")
    # ExportTime outside the PITR window: in the future, before it started, or -1.
    for when in (time.time() + 3600, time.time() + 60, earliest - 10, earliest - 0.002, -1):
        body = expect_error(xcall, "ExportTableToPointInTime", dict(ok, ExportTime=when),
                            "InvalidExportTimeException")
        assert re.search(r"Export ?Time", body["message"]), body
    with pytest.raises(ClientError) as excinfo:
        export(xddb, source, bucket, ExportTime=datetime.datetime.now(datetime.timezone.utc)
               + datetime.timedelta(hours=1))
    assert _client_error(excinfo)[0] == "InvalidExportTimeException"

    # Parameters DynamoDB refuses.
    body = expect_error(xcall, "ExportTableToPointInTime", dict(ok, ExportFormat="QWERTY"),
                        VALIDATION)
    assert body["message"] == (
        "1 validation error detected: Value 'QWERTY' at 'exportFormat' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ION, DYNAMODB_JSON]"), body
    body = expect_error(xcall, "ExportTableToPointInTime", dict(ok, ExportFormat=""),
                        VALIDATION)
    assert "exportFormat" in body["message"], body
    for bad_bucket in ("", "a", "-bucket", "bucket-", "has space", "sl/ash", "b" * 256):
        body = expect_error(xcall, "ExportTableToPointInTime", dict(ok, S3Bucket=bad_bucket),
                            VALIDATION)
        assert re.search("s3Bucket.*failed", body["message"]), (bad_bucket, body)
    for bad_arn in ("QWERTY", "\t", "", table_arn("")):
        expect_error(xcall, "ExportTableToPointInTime", dict(ok, TableArn=bad_arn), VALIDATION)
    with pytest.raises(ClientError) as excinfo:
        xddb.export_table_to_point_in_time(TableArn="QWERTY", S3Bucket=bucket)
    assert _client_error(excinfo)[0] == "ValidationException"
    for extra in ({"S3Prefix": ""}, {"S3SseAlgorithm": "BAD"}, {"S3BucketOwner": "12345"},
                  {"ExportType": "BAD"}, {"ClientToken": "has$dollar"}, {"S3Bucket": None},
                  {"TableArn": None}):
        request = {k: v for k, v in dict(ok, **extra).items() if v is not None}
        expect_error(xcall, "ExportTableToPointInTime", request, VALIDATION)
    # Stator writes DYNAMODB_JSON full exports only.
    for extra in ({"ExportFormat": "ION"}, {"ExportType": "INCREMENTAL_EXPORT"}):
        expect_error(xcall, "ExportTableToPointInTime", dict(ok, **extra), VALIDATION)
    # A prefix cannot climb out of the bucket's folder.
    for bad_prefix in ("..", "a/../b", "../escape", "./x", "a/.", "x/../../.."):
        body = expect_error(xcall, "ExportTableToPointInTime", dict(ok, S3Prefix=bad_prefix),
                            VALIDATION)
        assert "S3Prefix" in body["message"], body
    assert not (xserver.export_dir / "escape").exists()

    # None of them started an export, or wrote anything.
    assert xddb.list_exports(TableArn=table_arn(source))["ExportSummaries"] == []
    assert xddb.list_exports(TableArn=table_arn(plain))["ExportSummaries"] == []
    assert os.listdir(xserver.export_dir / bucket) == []
    # And ordinary ones still work, at the window's very start too.
    assert describe(xddb, export(xddb, source, bucket)["ExportArn"])["ExportStatus"] == \
        "COMPLETED"
    desc = describe(xddb, export_at(xddb, xcall, source, bucket, earliest,
                                    S3Prefix="earliest")["ExportArn"])
    assert desc["ExportStatus"] == "COMPLETED", desc
    assert desc["ItemCount"] == 0


def test_pitr_disabled_after_enabling(xddb, xcall, table_name, bucket):
    pitr_table(xddb, xcall, table_name, varied_items(n=1))
    disable_pitr(xcall, table_name)
    with pytest.raises(ClientError) as excinfo:
        export(xddb, table_name, bucket)
    assert _client_error(excinfo)[0] == "PointInTimeRecoveryUnavailableException"


def test_export_to_a_missing_bucket_fails(xserver, xddb, xcall, table_name):
    pitr_table(xddb, xcall, table_name, varied_items(n=2))
    missing = f"no-such-bucket-{uuid.uuid4().hex[:8]}"
    answer = export(xddb, table_name, missing, S3Prefix="p")
    assert answer["ExportStatus"] == "IN_PROGRESS"
    assert answer["S3Bucket"] == missing
    desc = describe(xddb, answer["ExportArn"])
    assert desc["ExportStatus"] == "FAILED", desc
    assert desc["FailureCode"] == "S3NoSuchBucket"
    assert "bucket does not exist" in desc["FailureMessage"], desc
    assert ms(desc["EndTime"]) >= ms(desc["StartTime"])
    for absent in ("ExportManifest", "ItemCount", "BilledSizeBytes"):
        assert absent not in desc, (absent, desc)
    assert not (xserver.export_dir / missing).exists()
    assert list_raw(xcall, TableArn=table_arn(table_name)) == {"ExportSummaries": [
        {"ExportArn": answer["ExportArn"], "ExportStatus": "FAILED",
         "ExportType": "FULL_EXPORT"}]}


def test_describe_export_errors(xddb, xcall, table_name, bucket):
    pitr_table(xddb, xcall, table_name)
    arn = export(xddb, table_name, bucket)["ExportArn"]
    not_exports = [table_arn("nonexistent_table_xyz"), table_arn(table_name),
                   "qwerty:aws:dynamodb:us-east-1:000000000000:table/x/export/01700000000000-"
                   "0123abcd", arn.replace("/export/", "/backup/"),
                   "arn:aws:dynamodb:us-east-1:000000000000:export/01700000000000-0123abcd"]
    for bad in not_exports:
        body = expect_error(xcall, "DescribeExport", {"ExportArn": bad}, VALIDATION)
        assert "Invalid Export ARN" in body["message"], (bad, body)
    with pytest.raises(ClientError) as excinfo:
        describe(xddb, table_arn("nonexistent_table_xyz"))
    code, message = _client_error(excinfo)
    assert code == "ValidationException" and "Invalid Export ARN" in message, message
    # Well formed, but unknown: another id, or this id under another table.
    match = EXPORT_ARN.match(arn)
    unknown = [arn[:-8] + ("0" * 8 if match["id"][-8:] != "0" * 8 else "1" * 8),
               table_arn(table_name + "_other") + "/export/" + match["id"],
               table_arn(table_name) + "/export/01000000000000-deadbeef"]
    for arn_unknown in unknown:
        expect_error(xcall, "DescribeExport", {"ExportArn": arn_unknown},
                     "ExportNotFoundException")
    with pytest.raises(ClientError) as excinfo:
        describe(xddb, unknown[0])
    assert _client_error(excinfo)[0] == "ExportNotFoundException"
    # Shape and length constraints.
    expect_error(xcall, "DescribeExport", {}, VALIDATION)
    expect_error(xcall, "DescribeExport", {"ExportArn": "arn:aws:dynamodb:x"}, VALIDATION)


def _gist(body):
    """An answer in short: its error, or the export it names."""
    return body.get("__type") or body.get("ExportDescription", {}).get("ExportArn")


def test_arns_of_another_account_region_or_partition(xddb, xcall, table_name, bucket):
    """An ARN names one account's table in one region: DynamoDB refuses an export ARN whose
    partition, service, region or account is not the caller's with AccessDeniedException
    (research note section 8, DescribeExport, observed against AWS), and does not export this
    account's table for a TableArn of another account, region or service."""
    pitr_table(xddb, xcall, table_name, varied_items(n=1))
    arn = export(xddb, table_name, bucket)["ExportArn"]
    assert arn.startswith("arn:aws:dynamodb:us-east-1:000000000000:table/")
    foreign = [arn.replace(":000000000000:", ":111111111111:"),
               arn.replace(":us-east-1:", ":eu-west-1:"),
               arn.replace("arn:aws:", "arn:aws-cn:"),
               arn.replace(":dynamodb:", ":sqs:")]
    wrong = []  # every request answered otherwise, to report them all at once
    for other in foreign:
        status, body = xcall("DescribeExport", {"ExportArn": other})
        if status != 400 or not body.get("__type", "").endswith("#AccessDeniedException"):
            wrong.append(("DescribeExport", other, status, _gist(body)))
    for other in (table_arn(table_name).replace(":000000000000:", ":111111111111:"),
                  table_arn(table_name).replace(":us-east-1:", ":eu-west-1:"),
                  table_arn(table_name).replace(":dynamodb:", ":sqs:")):
        status, body = xcall("ExportTableToPointInTime", {"TableArn": other, "S3Bucket": bucket})
        if status != 400:
            wrong.append(("ExportTableToPointInTime", other, status, _gist(body)))
    assert not wrong, "answered without refusing:\n" + "\n".join(map(repr, wrong))
    assert [s["ExportArn"] for s in xddb.list_exports(TableArn=table_arn(table_name))[
        "ExportSummaries"]] == [arn]


def _at_once(port, requests):
    """Sends the requests together, each on its own open connection, from threads released
    at once; returns their (status, headers, body) in order."""
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in requests]
    for conn in conns:
        conn.connect()
    barrier = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def run(i):
        barrier.wait()
        answers[i] = raw_request(port, "ExportTableToPointInTime", requests[i], conn=conns[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for conn in conns:
        conn.close()
    return answers


def test_concurrent_exports(xserver, xddb, xcall, table_name, bucket):
    pitr_table(xddb, xcall, table_name, varied_items(n=20))
    settle()
    answers = _at_once(xserver.port, [
        {"TableArn": table_arn(table_name), "S3Bucket": bucket, "S3Prefix": f"c{i % 3}"}
        for i in range(8)])
    assert all(a[0] == 200 for a in answers), answers
    arns = {a[2]["ExportDescription"]["ExportArn"] for a in answers}
    assert len(arns) == 8, arns
    listed = [s["ExportArn"] for s in xddb.list_exports(TableArn=table_arn(table_name))[
        "ExportSummaries"]]
    assert sorted(listed) == sorted(arns)
    for arn in arns:
        desc = describe(xddb, arn)
        assert desc["ExportStatus"] == "COMPLETED", desc
        assert len(read_export(xserver.export_dir, desc)[1]) == 20


def test_client_token_of_concurrent_requests(xserver, xddb, xcall, table_name, bucket):
    """Requests sent together with one ClientToken are one export: every answer names it.
    (Many rounds, as a race shows only in some of them.)"""
    pitr_table(xddb, xcall, table_name, varied_items(n=2))
    rounds = []
    for _ in range(50):
        request = {"TableArn": table_arn(table_name), "S3Bucket": bucket,
                   "ClientToken": f"token-{uuid.uuid4()}"}
        answers = _at_once(xserver.port, [request] * 4)
        assert all(a[0] == 200 for a in answers), answers
        rounds.append({a[2]["ExportDescription"]["ExportArn"] for a in answers})
    duplicated = [arns for arns in rounds if len(arns) != 1]
    assert duplicated == [], f"{len(duplicated)} of {len(rounds)} rounds made several exports"
    listed, request = [], {"TableArn": table_arn(table_name)}
    while True:  # pages of 25 by default
        page = xddb.list_exports(**request)
        listed += page["ExportSummaries"]
        if "NextToken" not in page:
            break
        request["NextToken"] = page["NextToken"]
    assert len(listed) == len(rounds)


# --- ClientToken ------------------------------------------------------------------------------

def test_client_token(xserver, xddb, xcall, unique_name, bucket):
    table, other = unique_name(), unique_name()
    pitr_table(xddb, xcall, table, varied_items(n=2))
    pitr_table(xddb, xcall, other)
    token = f"token-{uuid.uuid4()}"
    first = export(xddb, table, bucket, S3Prefix="p1", ClientToken=token)
    assert first["ClientToken"] == token
    time.sleep(0.003)
    again = export(xddb, table, bucket, S3Prefix="p1", ClientToken=token)
    assert again["ExportArn"] == first["ExportArn"]
    assert again["ClientToken"] == token
    # One export only, one set of files.
    assert [s["ExportArn"] for s in xddb.list_exports(TableArn=table_arn(table))[
        "ExportSummaries"]] == [first["ExportArn"]]
    assert os.listdir(xserver.export_dir / bucket / "p1" / "AWSDynamoDB") == [
        EXPORT_ARN.match(first["ExportArn"])["id"]]

    # The same token with anything else different is a conflict.
    conflicts = [dict(TableArn=table_arn(table), S3Bucket=bucket, S3Prefix="p2"),
                 dict(TableArn=table_arn(table), S3Bucket=bucket),
                 dict(TableArn=table_arn(other), S3Bucket=bucket, S3Prefix="p1"),
                 dict(TableArn=table_arn(table), S3Bucket=bucket, S3Prefix="p1",
                      S3SseAlgorithm="KMS")]
    for request in conflicts:
        with pytest.raises(ClientError) as excinfo:
            xddb.export_table_to_point_in_time(ClientToken=token, **request)
        code, message = _client_error(excinfo)
        assert code == "ExportConflictException", (request, message)
        assert "Duplicate request detected" in message, message
        body = expect_error(xcall, "ExportTableToPointInTime", dict(request, ClientToken=token),
                            "ExportConflictException")
        assert "Duplicate request detected" in body["message"], body
    assert len(xddb.list_exports(TableArn=table_arn(table))["ExportSummaries"]) == 1
    assert xddb.list_exports(TableArn=table_arn(other))["ExportSummaries"] == []

    # A request refused by validation does not take its token.
    token2 = f"token-{uuid.uuid4()}"
    expect_error(xcall, "ExportTableToPointInTime",
                 {"TableArn": table_arn(table), "S3Bucket": bucket, "ExportFormat": "QWERTY",
                  "ClientToken": token2}, VALIDATION)
    second = export(xddb, table, bucket, S3Prefix="p3", ClientToken=token2)
    assert second["ExportArn"] != first["ExportArn"]
    assert describe(xddb, second["ExportArn"])["ClientToken"] == token2
    # Different tokens, same parameters: two exports.
    third = export(xddb, table, bucket, S3Prefix="p3")
    assert third["ExportArn"] not in (first["ExportArn"], second["ExportArn"])


# --- ListExports ------------------------------------------------------------------------------

def _exports_in_order(ddb, table, bucket, n):
    arns = []
    for i in range(n):
        arns.append(export(ddb, table, bucket, S3Prefix=f"e{i}")["ExportArn"])
        time.sleep(0.003)  # a later millisecond: a later ARN
    return arns


def _all_pages(ddb, max_results, **request):
    pages = []
    while True:
        page = ddb.list_exports(MaxResults=max_results, **request)
        pages.append(page["ExportSummaries"])
        assert len(page["ExportSummaries"]) <= max_results
        assert len(pages) < 1000
        if "NextToken" not in page:
            return pages
        request["NextToken"] = page["NextToken"]


def test_list_exports(xserver, xddb, xcall, unique_name, bucket):
    table, quiet, other = unique_name(), unique_name(), unique_name()
    pitr_table(xddb, xcall, table, varied_items(n=1))
    pitr_table(xddb, xcall, quiet)
    pitr_table(xddb, xcall, other)
    # A table without exports lists nothing, as does one that does not exist.
    for arn in (table_arn(quiet), table_arn(quiet + "_missing")):
        status, body = xcall("ListExports", {"TableArn": arn})
        assert (status, body) == (200, {"ExportSummaries": []})

    arns = _exports_in_order(xddb, table, bucket, 5)
    other_arn = export(xddb, other, bucket)["ExportArn"]
    failed = export(xddb, table, "missing-" + bucket)["ExportArn"]
    arns.append(failed)
    newest_first = sorted(arns, reverse=True)
    assert newest_first == arns[::-1]  # reverse ARN order is newest first

    # Raw: this boto3 does not know ExportSummary's ExportType (and drops it).
    assert list_raw(xcall, TableArn=table_arn(table)) == {"ExportSummaries": [
        {"ExportArn": arn, "ExportStatus": "FAILED" if arn == failed else "COMPLETED",
         "ExportType": "FULL_EXPORT"} for arn in newest_first]}
    assert list_raw(xcall, TableArn=table_arn(other)) == {"ExportSummaries": [
        {"ExportArn": other_arn, "ExportStatus": "COMPLETED", "ExportType": "FULL_EXPORT"}]}
    assert [s["ExportArn"] for s in xddb.list_exports(TableArn=table_arn(table))[
        "ExportSummaries"]] == newest_first

    # Pages of MaxResults cover every export exactly once, in the same order.
    for max_results in (1, 2, 4, 6, 25):
        pages = _all_pages(xddb, max_results, TableArn=table_arn(table))
        assert [s["ExportArn"] for p in pages for s in p] == newest_first, max_results
        assert all(len(p) == max_results for p in pages[:-1]), [len(p) for p in pages]

    # Without TableArn: every table's exports, in reverse ARN order.
    everything = [s["ExportArn"] for s in xddb.list_exports(MaxResults=25)["ExportSummaries"]]
    paged = [s["ExportArn"] for p in _all_pages(xddb, 3) for s in p]
    assert len(paged) == len(set(paged))
    assert paged == sorted(paged, reverse=True)
    assert set(arns) | {other_arn} <= set(paged)
    assert everything == paged[:25]
    # Ours are together, newest first.
    at = paged.index(newest_first[0])
    assert paged[at:at + len(arns)] == newest_first

    # Errors.
    for bad in ({"NextToken": "garbage"}, {"NextToken": table_arn(table) + "/export/x"},
                {"MaxResults": 0}, {"MaxResults": 26}, {"TableArn": ""},
                {"MaxResults": "many"}):
        status, body = xcall("ListExports", bad)
        assert status == 400, (bad, body)
        if bad.get("MaxResults") != "many":
            assert body["__type"] == VALIDATION, (bad, body)
    with pytest.raises(ClientError) as excinfo:
        xddb.list_exports(NextToken="garbage")
    assert _client_error(excinfo)[0] == "ValidationException"


def test_exports_outlive_their_table(xddb, xcall, table_name, bucket):
    pitr_table(xddb, xcall, table_name, varied_items(n=3))
    arn = export(xddb, table_name, bucket)["ExportArn"]
    before = describe(xddb, arn)
    xddb.delete_table(TableName=table_name)
    wait_for_table_gone(xddb, table_name)
    assert describe(xddb, arn) == before
    assert xddb.list_exports(TableArn=table_arn(table_name))["ExportSummaries"] == []


# --- Restart ----------------------------------------------------------------------------------

def test_exports_survive_a_restart(start_server, tmp_path):
    data, export_dir = tmp_path / "data", tmp_path / "s3"
    export_dir.mkdir()
    bucket = new_bucket(export_dir)
    first = start_server(data, "--export-dir", str(export_dir))
    status, _, body = raw_request(first.port, "ListExports", {})
    assert (status, body) == (200, {"ExportSummaries": []})
    client = first.client()

    def call(operation, request):
        s, _, b = raw_request(first.port, operation, request)
        return s, b

    pitr_table(client, call, "kept", varied_items(n=4))
    token = f"token-{uuid.uuid4()}"
    done = export(client, "kept", bucket, S3Prefix="before", ClientToken=token)["ExportArn"]
    time.sleep(0.003)
    failed = export(client, "kept", "missing-bucket")["ExportArn"]
    described = {arn: describe(client, arn) for arn in (done, failed)}
    assert described[done]["ExportStatus"] == "COMPLETED"
    assert described[failed]["ExportStatus"] == "FAILED"
    listed = client.list_exports()["ExportSummaries"]
    assert [s["ExportArn"] for s in listed] == [failed, done]
    assert first.stop(signal.SIGTERM) == 0

    second = start_server(data, "--export-dir", str(export_dir))
    client = second.client()
    for arn, before in described.items():
        assert describe(client, arn) == before
    assert client.list_exports()["ExportSummaries"] == listed
    assert client.list_exports(TableArn=table_arn("kept"))["ExportSummaries"] == listed
    summary, items = read_export(export_dir, described[done])
    assert len(items) == 4
    # The token is still remembered; a new export lists first.
    again = export(client, "kept", bucket, S3Prefix="before", ClientToken=token)
    assert again["ExportArn"] == done
    with pytest.raises(ClientError) as excinfo:
        export(client, "kept", bucket, S3Prefix="other", ClientToken=token)
    assert _client_error(excinfo)[0] == "ExportConflictException"
    newer = export(client, "kept", bucket, S3Prefix="after")["ExportArn"]
    assert [s["ExportArn"] for s in client.list_exports()["ExportSummaries"]] == [
        newer, failed, done]
    assert len(read_export(export_dir, describe(client, newer))[1]) == 4
    assert second.stop(signal.SIGTERM) == 0


# --- The AWS CLI ------------------------------------------------------------------------------

def test_cli_round_trip(xserver, xddb, xcall, table_name, bucket, tmp_path):
    if not os.path.exists(AWS_CLI):
        pytest.skip("AWS CLI not installed")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
           "AWS_CONFIG_FILE": str(tmp_path / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
           "AWS_EC2_METADATA_DISABLED": "true"}

    def aws(*args):
        done = subprocess.run([AWS_CLI, "dynamodb", *args, "--endpoint-url", xserver.endpoint,
                               "--output", "json"], env=env, capture_output=True, text=True,
                              timeout=60)
        return done.returncode, (json.loads(done.stdout) if done.stdout.strip() else {}), \
            done.stderr

    items = varied_items(n=3)
    pitr_table(xddb, xcall, table_name, items)
    code, out, err = aws("export-table-to-point-in-time", "--table-arn", table_arn(table_name),
                         "--s3-bucket", bucket, "--s3-prefix", "cli/out")
    assert code == 0, err
    arn = out["ExportDescription"]["ExportArn"]
    assert EXPORT_ARN.match(arn)
    assert out["ExportDescription"]["ExportStatus"] == "IN_PROGRESS"
    assert out["ExportDescription"]["S3Prefix"] == "cli/out"
    code, out, err = aws("describe-export", "--export-arn", arn)
    assert code == 0, err
    assert out["ExportDescription"]["ExportStatus"] == "COMPLETED"
    assert out["ExportDescription"]["ItemCount"] == len(items)
    assert out["ExportDescription"]["ExportManifest"] == key_prefix(
        "cli/out", EXPORT_ARN.match(arn)["id"]) + "manifest-summary.json"
    code, out, err = aws("list-exports", "--table-arn", table_arn(table_name))
    assert code == 0, err
    assert [s["ExportArn"] for s in out["ExportSummaries"]] == [arn]
    assert contents(read_export(xserver.export_dir, describe(xddb, arn))[1]) == contents(items)
    code, out, err = aws("describe-export", "--export-arn",
                         table_arn(table_name) + "/export/01000000000000-deadbeef")
    assert code != 0
    assert "ExportNotFoundException" in err
