"""Compressed request bodies (Content-Encoding) and responses (Accept-Encoding).

DynamoDB inflates gzip and deflate request bodies, answers an undecodable one
with a 500 InternalServerError, and compresses answers of 4 KB and more when
the client accepts gzip or deflate; x-amz-crc32 then covers the compressed
bytes. Unlike DynamoDB, Stator caps the inflated body at the 16 MiB request
limit (DynamoDB accepts even 1 GB inflated bodies).
"""

import binascii
import gzip
import json
import zlib

import pytest

INTERNAL = "com.amazonaws.dynamodb.v20120810#InternalServerError"


def _deflate(data):
    return zlib.compress(data)  # the zlib format, which HTTP calls "deflate"


def _peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.fixture(scope="module")
def table(make_table, request):
    return make_table("compression_" + request.module.__name__.replace(".", "_")[-20:])


def _put(raw, table, key, encoding, compress, extra=None):
    item = {"pk": {"S": key}, "v": {"S": "value-" + key}}
    item.update(extra or {})
    body = compress(json.dumps({"TableName": table, "Item": item}).encode())
    return raw("PutItem", body, headers={"Content-Encoding": encoding})


def _get(raw, table, key, encoding=None, compress=lambda b: b):
    body = compress(json.dumps({"TableName": table, "Key": {"pk": {"S": key}},
                                "ConsistentRead": True}).encode())
    headers = {"Content-Encoding": encoding} if encoding else {}
    return raw("GetItem", body, headers=headers)


@pytest.mark.parametrize("encoding,compress", [
    ("gzip", gzip.compress), ("deflate", _deflate), ("GZIP", gzip.compress),
    ("gzip, deflate", lambda b: _deflate(gzip.compress(b))),
])
def test_compressed_put_and_get_round_trip(raw, table, encoding, compress):
    key = "rt-" + encoding.replace(" ", "").replace(",", "-")
    status, _, body = _put(raw, table, key, encoding, compress)
    assert (status, body) == (200, {})
    status, _, body = _get(raw, table, key, encoding, compress)
    assert status == 200, body
    assert body["Item"]["v"] == {"S": "value-" + key}


def test_concatenated_gzip_members_are_one_body(raw, table):
    text = json.dumps({"TableName": table, "Item": {"pk": {"S": "two-members"}}}).encode()
    status, _, body = raw("PutItem", gzip.compress(text[:10]) + gzip.compress(text[10:]),
                          headers={"Content-Encoding": "gzip"})
    assert (status, body) == (200, {})


@pytest.mark.parametrize("encoding,payload", [
    ("gzip", None),                 # an uncompressed body labelled gzip
    ("gzip", "truncated"),
    ("deflate", None),
    ("garbage", "gzip"),            # an unknown coding
    ("gzip", "empty"),
])
def test_undecodable_body_is_internal_server_error(raw, table, encoding, payload):
    text = json.dumps({"TableName": table, "Item": {"pk": {"S": "never"}}}).encode()
    body = {None: text, "truncated": gzip.compress(text)[:-1], "gzip": gzip.compress(text),
            "empty": b""}[payload]
    status, headers, answer = raw("PutItem", body, headers={"Content-Encoding": encoding})
    assert status == 500
    assert answer["__type"] == INTERNAL
    assert headers["x-amz-crc32"]
    status, _, answer = _get(raw, table, "never")
    assert (status, answer) == (200, {})


def test_zip_bomb_is_too_large_without_growing_memory(server, raw):
    small = gzip.compress(b"{" + b" " * (20 * 1024 * 1024) + b"}")
    assert len(small) < 100_000
    status, _, body = raw("ListTables", small, headers={"Content-Encoding": "gzip"}, parse=False)
    assert (status, body) == (413, b"")

    # 512 MiB of zeros in about 500 KB: inflating it all would raise the peak RSS.
    packer = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    bomb = b"".join(packer.compress(zeros) for _ in range(512)) + packer.flush()
    before = _peak_rss_kib(server.proc.pid)
    for _ in range(3):
        status, _, _ = raw("ListTables", bomb, headers={"Content-Encoding": "gzip"}, parse=False)
        assert status == 413
    assert _peak_rss_kib(server.proc.pid) - before < 128 * 1024
    status, _, body = raw("ListTables", {})
    assert status == 200, body


@pytest.mark.parametrize("accept,coding", [("gzip", "gzip"), ("deflate", "deflate"),
                                           ("br, deflate, gzip", "deflate"), ("*", "gzip")])
def test_large_scan_is_compressed_when_accepted(raw, make_table, accept, coding):
    name = make_table("compression_scan_" + coding + str(len(accept)))
    for i in range(10):
        status, _, _ = _put(raw, name, f"k{i}", "identity", lambda b: b,
                            extra={"pad": {"S": "x" * 1000}})
        assert status == 200
    scan = json.dumps({"TableName": name}).encode()
    status, headers, plain = raw("Scan", scan, parse=False)
    assert status == 200 and "content-encoding" not in headers
    status, headers, packed = raw("Scan", scan, headers={"Accept-Encoding": accept}, parse=False)
    assert status == 200
    assert headers["content-encoding"] == coding
    assert int(headers["content-length"]) == len(packed) < len(plain)
    # DynamoDB's x-amz-crc32 covers the bytes sent: the compressed body.
    assert int(headers["x-amz-crc32"]) == binascii.crc32(packed)
    inflated = gzip.decompress(packed) if coding == "gzip" else zlib.decompress(packed)
    assert json.loads(inflated)["Count"] == 10
    assert json.loads(inflated) == json.loads(plain)


def test_small_answers_and_errors_stay_uncompressed(raw, table):
    # One table name at most: small whatever else the session server holds.
    status, headers, body = raw("ListTables", {"Limit": 1}, headers={"Accept-Encoding": "gzip"},
                                parse=False)
    assert status == 200 and "content-encoding" not in headers
    assert int(headers["x-amz-crc32"]) == binascii.crc32(body)
    status, headers, body = raw("GetItem", {"TableName": "no_such_table_for_gzip",
                                            "Key": {"pk": {"S": "x"}}},
                                headers={"Accept-Encoding": "gzip"})
    assert status == 400 and "content-encoding" not in headers


def test_boto3_still_works(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "boto"}, "big": {"S": "y" * 8000}})
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "boto"}}, ConsistentRead=True)["Item"]
    assert item["big"]["S"] == "y" * 8000

