"""Encryption at rest (--encryption-key-file): no plaintext anywhere under --data-dir, the
data comes back with the right key, and a wrong or missing key fails clearly without
touching the directory (docs/security.md)."""

import os
import secrets
import signal
import subprocess

import boto3
import pytest

from conftest import stator_binary, wait_for_table

TABLE = "okapi_ledger_table"
# Distinctive strings the requests carry: attribute names and values, keys, a backup name.
SECRETS = [TABLE, "ocelot-partition-key", "zanzibar_attribute_name", "quixotic-marmoset-payload",
           "updated-narwhal-value", "gsi_pangolin_key", "axolotl-index-value",
           "backup-name-xylophone"]
RUN_TIMEOUT = 30  # seconds for a start that is expected to fail


def _write_key(path, key=None):
    path.write_text((key or secrets.token_hex(32)) + "\n")
    os.chmod(path, 0o600)
    return path


def _populate(client):
    """A table with a GSI, a stream and point-in-time recovery; items written, updated and
    deleted (so the change log holds old and new images); an on-demand backup."""
    client.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "gsi_pangolin_key", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[{
            "IndexName": "by_pangolin", "Projection": {"ProjectionType": "ALL"},
            "KeySchema": [{"AttributeName": "gsi_pangolin_key", "KeyType": "HASH"}]}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    wait_for_table(client, TABLE)
    client.update_continuous_backups(
        TableName=TABLE,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    for i in range(20):
        client.put_item(TableName=TABLE, Item={
            "pk": {"S": f"ocelot-partition-key-{i}"},
            "zanzibar_attribute_name": {"S": f"quixotic-marmoset-payload-{i}"},
            "gsi_pangolin_key": {"S": f"axolotl-index-value-{i % 3}"}})
    client.update_item(TableName=TABLE, Key={"pk": {"S": "ocelot-partition-key-0"}},
                       UpdateExpression="SET zanzibar_attribute_name = :v",
                       ExpressionAttributeValues={":v": {"S": "updated-narwhal-value"}})
    client.delete_item(TableName=TABLE, Key={"pk": {"S": "ocelot-partition-key-19"}})
    client.create_backup(TableName=TABLE, BackupName="backup-name-xylophone")


def _check_data(srv):
    client = srv.client()
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "ocelot-partition-key-0"}},
                           ConsistentRead=True)["Item"]
    assert item["zanzibar_attribute_name"] == {"S": "updated-narwhal-value"}
    assert client.get_item(TableName=TABLE, Key={"pk": {"S": "ocelot-partition-key-7"}})[
        "Item"]["zanzibar_attribute_name"] == {"S": "quixotic-marmoset-payload-7"}
    assert "Item" not in client.get_item(TableName=TABLE,
                                         Key={"pk": {"S": "ocelot-partition-key-19"}})
    assert client.scan(TableName=TABLE, Select="COUNT")["Count"] == 19
    by_index = client.query(TableName=TABLE, IndexName="by_pangolin",
                            KeyConditionExpression="gsi_pangolin_key = :g",
                            ExpressionAttributeValues={":g": {"S": "axolotl-index-value-1"}})
    assert by_index["Count"] == 6  # 1, 4, ..., 16 (19 was deleted)
    backups = client.list_backups(TableName=TABLE)["BackupSummaries"]
    assert [b["BackupName"] for b in backups] == ["backup-name-xylophone"]
    pitr = client.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"]
    assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    # The change log: every write is still in the stream, with its images.
    records = _stream_records(srv, client.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"])
    assert [r["eventName"] for r in records] == ["INSERT"] * 20 + ["MODIFY", "REMOVE"]
    assert records[20]["dynamodb"]["OldImage"]["zanzibar_attribute_name"] == {
        "S": "quixotic-marmoset-payload-0"}


def _stream_records(srv, arn):
    streams = boto3.client(
        "dynamodbstreams", endpoint_url=srv.endpoint, region_name="us-east-1",
        aws_access_key_id="AKID", aws_secret_access_key="secret")
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            records += page["Records"]
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records


def _files(directory):
    return sorted(p for p in directory.rglob("*") if p.is_file())


def _found(directory):
    """{secret: [files holding it]} over every byte of every file under `directory`."""
    contents = {p: p.read_bytes() for p in _files(directory)}
    found = {}
    for secret in SECRETS:
        holders = [str(p.relative_to(directory)) for p, data in contents.items()
                   if secret.encode() in data]
        if holders:
            found[secret] = holders
    return found


def _state(directory):
    return {str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in _files(directory)}


def _run_expecting_failure(data, *args):
    """Starts stator on `data` and expects it to exit non-zero before serving."""
    proc = subprocess.run([str(stator_binary()), "--data-dir", str(data), "--port", "0", *args],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=RUN_TIMEOUT)
    assert proc.returncode != 0, proc.stdout.decode(errors="replace")
    return proc.stdout.decode(errors="replace")


def test_nothing_readable_on_disk_and_data_back_with_the_key(start_server, tmp_path):
    data = tmp_path / "data"
    key = _write_key(tmp_path / "key")
    srv = start_server(data, "--encryption-key-file", str(key))
    _populate(srv.client())
    _check_data(srv)
    assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]
    assert (data / "STATOR-ENCRYPTION").exists()
    assert _found(data) == {}

    # Restarting recovers the log into table files: those are encrypted too.
    srv = start_server(data, "--encryption-key-file", str(key))
    _check_data(srv)
    assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]
    assert any(p.suffix == ".sst" for p in _files(data))
    assert _found(data) == {}


def test_without_a_key_the_same_strings_are_found(start_server, tmp_path):
    """The control: the scan above finds every string when nothing is encrypted."""
    data = tmp_path / "plain"
    srv = start_server(data)
    _populate(srv.client())
    assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]
    assert sorted(_found(data)) == sorted(SECRETS)
    assert not (data / "STATOR-ENCRYPTION").exists()

    # An unencrypted directory cannot be opened with a key, and stays as it was.
    before = _state(data)
    output = _run_expecting_failure(data, "--encryption-key-file",
                                    str(_write_key(tmp_path / "key")))
    assert "holds unencrypted data" in output
    assert _state(data) == before


def test_wrong_or_missing_key_fails_clearly_and_changes_nothing(start_server, tmp_path):
    data = tmp_path / "data"
    key = _write_key(tmp_path / "key")
    srv = start_server(data, "--encryption-key-file", str(key))
    _populate(srv.client())
    assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]
    before = _state(data)

    output = _run_expecting_failure(data, "--encryption-key-file",
                                    str(_write_key(tmp_path / "wrong")))
    assert "encryption key does not match" in output
    assert _state(data) == before

    output = _run_expecting_failure(data)
    assert "is encrypted" in output
    assert _state(data) == before

    srv = start_server(data, "--encryption-key-file", str(key))
    _check_data(srv)
    assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]


@pytest.mark.parametrize("contents, message", [
    (b"0123456789abcdef" * 3, "holds 48 bytes"),
    (b"z" * 64, "not all hex digits"),
    (b"0123456789abcdef" * 2, "128 bits"),
])
def test_bad_key_files_are_refused(tmp_path, contents, message):
    key = tmp_path / "key"
    key.write_bytes(contents)
    os.chmod(key, 0o600)
    output = _run_expecting_failure(tmp_path / "data", "--encryption-key-file", str(key))
    assert message in output
    assert contents.decode() not in output  # the key file's contents are never printed


def test_a_key_file_readable_by_others_is_used_with_a_warning(start_server, tmp_path):
    key = _write_key(tmp_path / "key")
    os.chmod(key, 0o644)
    srv = start_server(tmp_path / "data", "--encryption-key-file", str(key))
    assert "readable by other users" in srv.log_text()
    assert srv.stop(signal.SIGTERM) == 0
