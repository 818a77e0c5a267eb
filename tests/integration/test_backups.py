"""On-demand backups: CreateBackup, DescribeBackup, ListBackups, DeleteBackup and
RestoreTableFromBackup, with DynamoDB's answers and errors (see docs and the research note on
backups), the restored contents and indexes, overrides, what a restore does not bring back,
backups outliving their table and a restart, consistency under concurrent writes, and the
AWS CLI.

Timestamps that need milliseconds (TimeRangeLowerBound/UpperBound) go through raw requests:
this boto3 sends request timestamps as whole seconds.
"""

import base64
import json
import re
import signal
import threading
import time
from collections import Counter

import pytest
from botocore.exceptions import ClientError

from conftest import KeepAliveClient, item_size, wait_for_table, wait_for_table_gone

ACCOUNT = "000000000000"
REGION = "us-east-1"
PREFIX = "com.amazonaws.dynamodb.v20120810#"
VALIDATION = "com.amazon.coral.validate#ValidationException"
SERIALIZATION = "com.amazon.coral.service#SerializationException"
BACKUP_ARN = re.compile(r"^arn:aws:dynamodb:us-east-1:000000000000:table/(?P<table>[^/]+)"
                        r"/backup/(?P<millis>\d{14})-(?P<suffix>[0-9a-f]{8})$")


def table_arn(name):
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


def _error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def expect_error(call, operation, request, error, message=None):
    """The raw request fails with HTTP 400 and `error` (a short name, or a full __type)."""
    status, body = call(operation, request)
    assert status == 400, body
    assert body["__type"] == (error if "#" in error else PREFIX + error), body
    if message is not None:
        assert body["message"] == message, body
    return body


# --- Items ------------------------------------------------------------------------------------

def _canonical(value):
    (kind, x), = value.items()
    if kind in ("SS", "NS", "BS"):
        return {kind: sorted(x)}
    if kind == "L":
        return {kind: [_canonical(v) for v in x]}
    if kind == "M":
        return {kind: {k: _canonical(v) for k, v in x.items()}}
    return {kind: x}


def canonical(item):
    """An item with its sets sorted, to compare contents."""
    return {name: _canonical(value) for name, value in item.items()}


def wire(item):
    """A boto3 item (bytes for binaries) as it travels on the wire (base64 strings)."""
    def value(v):
        (kind, x), = v.items()
        if kind == "B":
            return {kind: base64.b64encode(x).decode()}
        if kind == "BS":
            return {kind: [base64.b64encode(b).decode() for b in x]}
        if kind == "L":
            return {kind: [value(e) for e in x]}
        if kind == "M":
            return {kind: {k: value(e) for k, e in x.items()}}
        return {kind: x}
    return {name: value(v) for name, v in item.items()}


def key_of(item, key_names=("pk", "sk")):
    return json.dumps([item[k] for k in key_names if k in item], sort_keys=True, default=str)


def scan_all(client, table, limit=7):
    """The table's full contents, every Scan page followed: {key: canonical item}."""
    items = {}
    request = {"TableName": table, "Limit": limit, "ConsistentRead": True}
    pages = 0
    while True:
        page = client.scan(**request)
        for item in page["Items"]:
            key = key_of(item)
            assert key not in items, f"{key} returned twice"
            items[key] = canonical(item)
        pages += 1
        assert pages < 1000
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def as_contents(items):
    return {key_of(i): canonical(i) for i in items}


def varied_items(prefix="p", n=6):
    """Items of every attribute type, over a hash and range key (pk S, sk N)."""
    items = []
    for i in range(n):
        items.append({
            "pk": {"S": f"{prefix}{i % 3}"}, "sk": {"N": str(i)},
            "s": {"S": "ü" * (i + 1)}, "n": {"N": f"-{i}.25"}, "b": {"B": bytes([i, 0, 255])},
            "ss": {"SS": ["x", f"y{i}"]}, "ns": {"NS": ["1", f"{i + 2}"]},
            "bs": {"BS": [b"\x01", bytes([i + 2])]}, "t": {"BOOL": i % 2 == 0},
            "nul": {"NULL": True},
            "l": {"L": [{"S": "a"}, {"N": str(i)}, {"M": {"deep": {"BOOL": False}}}]},
            "m": {"M": {"k": {"S": f"v{i}"}, "inner": {"L": []}}},
        })
    return items


def create_keyed_table(client, name, **extra):
    """A table with pk (S) and sk (N) keys, on demand unless `extra` says otherwise."""
    definitions = extra.pop("AttributeDefinitions", [])
    request = dict(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"}] + definitions,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}])
    if "ProvisionedThroughput" not in extra:
        request["BillingMode"] = "PAY_PER_REQUEST"
    request.update(extra)
    client.create_table(**request)
    return wait_for_table(client, name)


def put_all(client, table, items):
    for item in items:
        client.put_item(TableName=table, Item=item)


def create_backup(client, table, name="backup"):
    return client.create_backup(TableName=table, BackupName=name)["BackupDetails"]


def restore(client, backup_arn, target, **overrides):
    """Restores and waits until the target is ACTIVE; returns (the restore's answer, the
    DescribeTable afterwards)."""
    answer = client.restore_table_from_backup(TargetTableName=target, BackupArn=backup_arn,
                                              **overrides)["TableDescription"]
    return answer, wait_for_table(client, target)


def millis(ts):
    """A boto3 timestamp (datetime) as whole epoch milliseconds."""
    return round(ts.timestamp() * 1000)


# --- CreateBackup -----------------------------------------------------------------------------

def test_create_backup_answer(ddb, table_name):
    create_keyed_table(ddb, table_name)
    put_all(ddb, table_name, varied_items())
    before = time.time()
    details = create_backup(ddb, table_name, "first-backup_1.0")
    after = time.time()
    assert set(details) == {"BackupArn", "BackupName", "BackupSizeBytes", "BackupStatus",
                            "BackupType", "BackupCreationDateTime"}
    assert details["BackupName"] == "first-backup_1.0"
    assert details["BackupSizeBytes"] == 0
    assert details["BackupStatus"] == "CREATING"
    assert details["BackupType"] == "USER"
    created = details["BackupCreationDateTime"].timestamp()
    assert before - 0.5 <= created <= after + 0.5
    match = BACKUP_ARN.match(details["BackupArn"])
    assert match, details["BackupArn"]
    assert match["table"] == table_name
    # The ARN's 14 digits are the creation time in milliseconds.
    assert int(match["millis"]) == millis(details["BackupCreationDateTime"])


def test_create_backup_by_table_arn(ddb, table_name):
    create_keyed_table(ddb, table_name)
    ddb.put_item(TableName=table_name, Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
    details = create_backup(ddb, table_arn(table_name), "by-arn")
    assert BACKUP_ARN.match(details["BackupArn"])["table"] == table_name
    described = ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]
    assert described["SourceTableDetails"]["TableName"] == table_name
    assert described["SourceTableDetails"]["ItemCount"] == 1


def test_two_backups_of_a_table_have_distinct_arns(ddb, table_name):
    create_keyed_table(ddb, table_name)
    arns = {create_backup(ddb, table_name, "same-name")["BackupArn"] for _ in range(5)}
    assert len(arns) == 5


def test_create_backup_errors(call, ddb, table_name):
    missing = table_name + "_missing"
    expect_error(call, "CreateBackup", {"TableName": missing, "BackupName": "bk1"},
                 "TableNotFoundException", f"Table not found: {missing}")
    expect_error(call, "CreateBackup", {"TableName": table_arn(missing), "BackupName": "bk1"},
                 "TableNotFoundException", f"Table not found: {table_arn(missing)}")
    create_keyed_table(ddb, table_name)
    for bad in ("a", "ab", "bad name!", "x" * 256, "dollar$sign"):
        body = expect_error(call, "CreateBackup", {"TableName": table_name, "BackupName": bad},
                            VALIDATION)
        assert "backupName" in body["message"], body
    expect_error(call, "CreateBackup", {"TableName": table_name}, VALIDATION)
    expect_error(call, "CreateBackup", {"BackupName": "bk1"}, VALIDATION)
    # None of the refused requests made a backup.
    assert ddb.list_backups(TableName=table_name)["BackupSummaries"] == []


# --- DescribeBackup ---------------------------------------------------------------------------

def test_describe_backup(ddb, table_name):
    table = create_keyed_table(ddb, table_name)
    items = varied_items()
    put_all(ddb, table_name, items)
    details = create_backup(ddb, table_name, "described")
    # Later writes change neither the backup nor what it says about its source.
    ddb.put_item(TableName=table_name, Item={"pk": {"S": "later"}, "sk": {"N": "1"},
                                             "big": {"S": "z" * 1000}})
    got = ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]
    assert set(got) == {"BackupDetails", "SourceTableDetails", "SourceTableFeatureDetails"}
    size = sum(item_size(wire(i)) for i in items)
    assert got["BackupDetails"] == dict(details, BackupStatus="AVAILABLE", BackupSizeBytes=size)
    source = got["SourceTableDetails"]
    assert source == {
        "TableName": table_name,
        "TableId": table["TableId"],
        "TableArn": table_arn(table_name),
        "TableSizeBytes": size,
        "KeySchema": table["KeySchema"],
        "TableCreationDateTime": table["CreationDateTime"],
        "ProvisionedThroughput": {
            "ReadCapacityUnits": table["ProvisionedThroughput"]["ReadCapacityUnits"],
            "WriteCapacityUnits": table["ProvisionedThroughput"]["WriteCapacityUnits"]},
        "ItemCount": len(items),
        "BillingMode": "PAY_PER_REQUEST",
    }
    assert got["SourceTableFeatureDetails"] == {}


def test_describe_and_restore_a_provisioned_table(ddb, unique_name):
    source, target = unique_name(), unique_name()
    create_keyed_table(
        ddb, source, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
            "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3}}])
    arn = create_backup(ddb, source)["BackupArn"]
    # Later changes to the table's capacity are not the backup's.
    ddb.update_table(TableName=source,
                     ProvisionedThroughput={"ReadCapacityUnits": 9, "WriteCapacityUnits": 9})
    wait_for_table(ddb, source)
    described = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
    source_details = described["SourceTableDetails"]
    assert source_details["BillingMode"] == "PROVISIONED"
    assert source_details["ProvisionedThroughput"] == {"ReadCapacityUnits": 5,
                                                       "WriteCapacityUnits": 7}
    assert source_details["ItemCount"] == 0
    assert source_details["TableSizeBytes"] == 0
    gsi, = described["SourceTableFeatureDetails"]["GlobalSecondaryIndexes"]
    assert gsi["ProvisionedThroughput"] == {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3}
    _, table = restore(ddb, arn, target)
    assert (table["ProvisionedThroughput"]["ReadCapacityUnits"],
            table["ProvisionedThroughput"]["WriteCapacityUnits"]) == (5, 7)
    gsi, = table["GlobalSecondaryIndexes"]
    assert (gsi["ProvisionedThroughput"]["ReadCapacityUnits"],
            gsi["ProvisionedThroughput"]["WriteCapacityUnits"]) == (2, 3)


def _featured_table(ddb, name):
    """A table with an LSI, two GSIs, a stream, TTL and KMS encryption."""
    create_keyed_table(
        ddb, name,
        AttributeDefinitions=[{"AttributeName": "lsk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"},
                              {"AttributeName": "gs", "AttributeType": "N"}],
        LocalSecondaryIndexes=[{
            "IndexName": "by_lsk",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "lsk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}}],
        GlobalSecondaryIndexes=[
            {"IndexName": "by_g_keys",
             "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                           {"AttributeName": "gs", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}},
            {"IndexName": "by_gs_include",
             "KeySchema": [{"AttributeName": "gs", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x", "y"]}}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True, "SSEType": "KMS"})
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "exp"})
    return ddb.describe_table(TableName=name)["Table"]


def test_describe_backup_feature_details(ddb, table_name):
    table = _featured_table(ddb, table_name)
    arn = create_backup(ddb, table_name)["BackupArn"]
    features = ddb.describe_backup(BackupArn=arn)["BackupDescription"][
        "SourceTableFeatureDetails"]
    assert set(features) == {"LocalSecondaryIndexes", "GlobalSecondaryIndexes",
                             "StreamDescription", "TimeToLiveDescription", "SSEDescription"}
    assert features["LocalSecondaryIndexes"] == [
        {"IndexName": i["IndexName"], "KeySchema": i["KeySchema"], "Projection": i["Projection"]}
        for i in table["LocalSecondaryIndexes"]]
    gsis = {g["IndexName"]: g for g in features["GlobalSecondaryIndexes"]}
    assert set(gsis) == {"by_g_keys", "by_gs_include"}
    for index in table["GlobalSecondaryIndexes"]:
        got = gsis[index["IndexName"]]
        assert got["KeySchema"] == index["KeySchema"]
        assert got["Projection"] == index["Projection"]
    assert features["StreamDescription"] == {"StreamEnabled": True,
                                             "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert features["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED",
                                                 "AttributeName": "exp"}
    assert features["SSEDescription"]["Status"] == "ENABLED"
    assert features["SSEDescription"]["SSEType"] == "KMS"


def test_describe_unknown_backup(call, ddb, table_name):
    create_keyed_table(ddb, table_name)
    real = create_backup(ddb, table_name)["BackupArn"]
    match = BACKUP_ARN.match(real)
    for arn in (f"{table_arn(table_name)}/backup/01234567890123-0123abcd",
                f"{table_arn(table_name)}/backup/{match['millis']}-"
                f"{'0' if match['suffix'][0] != '0' else '1'}{match['suffix'][1:]}",
                f"{table_arn(table_name + 'x')}/backup/{match['millis']}-{match['suffix']}"):
        expect_error(call, "DescribeBackup", {"BackupArn": arn}, "BackupNotFoundException",
                     f"Backup not found: {arn}")
    expect_error(call, "DescribeBackup", {}, VALIDATION)


# --- DeleteBackup -----------------------------------------------------------------------------

def test_delete_backup(call, ddb, table_name):
    create_keyed_table(ddb, table_name)
    put_all(ddb, table_name, varied_items(n=2))
    kept = create_backup(ddb, table_name, "kept")["BackupArn"]
    doomed = create_backup(ddb, table_name, "doomed")["BackupArn"]
    described = ddb.describe_backup(BackupArn=doomed)["BackupDescription"]
    deleted = ddb.delete_backup(BackupArn=doomed)["BackupDescription"]
    expected = json.loads(json.dumps(described, default=str))
    expected["BackupDetails"]["BackupStatus"] = "DELETED"
    assert json.loads(json.dumps(deleted, default=str)) == expected
    for operation, request in [("DescribeBackup", {"BackupArn": doomed}),
                               ("DeleteBackup", {"BackupArn": doomed}),
                               ("RestoreTableFromBackup", {"BackupArn": doomed,
                                                           "TargetTableName": table_name + "_r"})]:
        expect_error(call, operation, request, "BackupNotFoundException",
                     f"Backup not found: {doomed}")
    listed = ddb.list_backups(TableName=table_name)["BackupSummaries"]
    assert [b["BackupArn"] for b in listed] == [kept]
    assert ddb.describe_backup(BackupArn=kept)["BackupDescription"]["BackupDetails"][
        "BackupStatus"] == "AVAILABLE"


# --- ListBackups ------------------------------------------------------------------------------

def test_list_backups_summaries(ddb, unique_name):
    first, second = unique_name(), unique_name()
    tables = {first: create_keyed_table(ddb, first), second: create_keyed_table(ddb, second)}
    items = varied_items(n=3)
    put_all(ddb, first, items)
    made = []
    for table, name in [(first, "bk-a1"), (second, "bk-b1"), (first, "bk-a2"), (second, "bk-b2"),
                        (first, "bk-a3")]:
        made.append((table, create_backup(ddb, table, name)))
        time.sleep(0.002)
    for table in (first, second):
        mine = [d for t, d in made if t == table]
        for given in (table, table_arn(table)):
            for extra in ({}, {"BackupType": "USER"}, {"BackupType": "ALL"}):
                got = ddb.list_backups(TableName=given, **extra)
                assert "LastEvaluatedBackupArn" not in got
                summaries = got["BackupSummaries"]
                assert [s["BackupArn"] for s in summaries] == [d["BackupArn"] for d in mine]
                for summary, details in zip(summaries, mine):
                    assert summary == {
                        "TableName": table, "TableId": tables[table]["TableId"],
                        "TableArn": table_arn(table), "BackupArn": details["BackupArn"],
                        "BackupName": details["BackupName"],
                        "BackupCreationDateTime": details["BackupCreationDateTime"],
                        "BackupStatus": "AVAILABLE", "BackupType": "USER",
                        "BackupSizeBytes": (sum(item_size(wire(i)) for i in items)
                                            if table == first else 0)}
        assert ddb.list_backups(TableName=table, BackupType="SYSTEM")["BackupSummaries"] == []
        assert ddb.list_backups(TableName=table,
                                BackupType="AWS_BACKUP")["BackupSummaries"] == []
    # Without a table name every table's backups are listed, oldest first.
    everything = [s["BackupArn"] for s in ddb.list_backups()["BackupSummaries"]]
    positions = [everything.index(d["BackupArn"]) for _, d in made]
    assert positions == sorted(positions)
    assert ddb.list_backups(TableName=first + "_none")["BackupSummaries"] == []


def test_list_backups_time_range(call, ddb, table_name):
    create_keyed_table(ddb, table_name)
    made = []
    for i in range(4):
        made.append(create_backup(ddb, table_name, f"range{i}"))
        time.sleep(0.003)
    arns = [d["BackupArn"] for d in made]
    times = [millis(d["BackupCreationDateTime"]) / 1000 for d in made]
    assert times == sorted(times) and len(set(times)) == 4

    def listed(**bounds):
        status, body = call("ListBackups", dict(TableName=table_name, **bounds))
        assert status == 200, body
        return [s["BackupArn"] for s in body["BackupSummaries"]]

    # The lower bound is inclusive, the upper bound exclusive.
    assert listed(TimeRangeLowerBound=times[1]) == arns[1:]
    assert listed(TimeRangeUpperBound=times[2]) == arns[:2]
    assert listed(TimeRangeLowerBound=times[1], TimeRangeUpperBound=times[3]) == arns[1:3]
    assert listed(TimeRangeLowerBound=times[2], TimeRangeUpperBound=times[2]) == []
    assert listed(TimeRangeLowerBound=times[3] + 0.001) == []
    assert listed(TimeRangeUpperBound=times[0]) == []
    assert listed(TimeRangeLowerBound=times[0] - 3600,
                  TimeRangeUpperBound=times[3] + 3600) == arns
    # boto3 takes datetimes (and sends whole seconds here).
    got = ddb.list_backups(TableName=table_name, TimeRangeLowerBound=int(times[0]) - 1,
                           TimeRangeUpperBound=int(times[3]) + 2)["BackupSummaries"]
    assert [s["BackupArn"] for s in got] == arns


def _all_pages(ddb, limit, **request):
    pages = []
    while True:
        page = ddb.list_backups(Limit=limit, **request)
        pages.append(page)
        assert len(pages) < 200
        if "LastEvaluatedBackupArn" not in page:
            return pages
        request["ExclusiveStartBackupArn"] = page["LastEvaluatedBackupArn"]


def test_list_backups_pagination(ddb, server, table_name):
    create_keyed_table(ddb, table_name)
    # Backups made back to back over one connection, until several milliseconds each hold
    # more than one (the ARN's time part then ties, and only its suffix tells them apart).
    client = KeepAliveClient(server)
    made = []
    while len(made) < 400:
        made.append(client.ok("CreateBackup", {"TableName": table_name,
                                               "BackupName": f"page{len(made)}"})[
            "BackupDetails"]["BackupArn"])
        shared = Counter(a.rsplit("/", 1)[1][:14] for a in made)
        if len(made) >= 30 and sum(1 for n in shared.values() if n > 1) >= 5:
            break
    client.close()
    everything = [s["BackupArn"] for s in
                  ddb.list_backups(TableName=table_name)["BackupSummaries"]]
    if len(made) > 100:
        everything += [s["BackupArn"] for p in _all_pages(ddb, 100, TableName=table_name)[1:]
                       for s in p["BackupSummaries"]]
    assert sorted(everything) == sorted(made)
    # Oldest first: the ARNs' millisecond parts never decrease.
    assert [a.rsplit("/", 1)[1][:14] for a in everything] == sorted(
        a.rsplit("/", 1)[1][:14] for a in everything)
    for limit in (1, 2, 5, 29, 30, 100):
        pages = _all_pages(ddb, limit, TableName=table_name)
        got = [s["BackupArn"] for p in pages for s in p["BackupSummaries"]]
        missing = len(set(made) - set(got))
        assert got == everything, f"Limit {limit}: {missing} of {len(made)} backups never listed"
        for page in pages[:-1]:
            assert len(page["BackupSummaries"]) == limit
            assert page["LastEvaluatedBackupArn"] == page["BackupSummaries"][-1]["BackupArn"]
        assert len(pages) == -(-len(made) // limit)
    # botocore's paginator follows the same tokens.
    paginator = ddb.get_paginator("list_backups")
    got = [s["BackupArn"] for p in paginator.paginate(TableName=table_name,
                                                      PaginationConfig={"PageSize": 4})
           for s in p["BackupSummaries"]]
    assert got == everything


def test_list_backups_pagination_survives_deleting_the_last_seen(ddb, table_name):
    create_keyed_table(ddb, table_name)
    made = []
    for i in range(6):
        made.append(create_backup(ddb, table_name, f"del{i}")["BackupArn"])
        time.sleep(0.002)
    page = ddb.list_backups(TableName=table_name, Limit=3)
    assert [s["BackupArn"] for s in page["BackupSummaries"]] == made[:3]
    ddb.delete_backup(BackupArn=page["LastEvaluatedBackupArn"])
    rest = ddb.list_backups(TableName=table_name,
                            ExclusiveStartBackupArn=page["LastEvaluatedBackupArn"])
    assert [s["BackupArn"] for s in rest["BackupSummaries"]] == made[3:]


def test_list_backups_limit_bounds(call, ddb, table_name):
    create_keyed_table(ddb, table_name)
    for limit in (0, 101):
        body = expect_error(call, "ListBackups", {"TableName": table_name, "Limit": limit},
                            VALIDATION)
        assert "limit" in body["message"], body
    expect_error(call, "ListBackups", {"BackupType": "WEEKLY"}, VALIDATION)


# --- RestoreTableFromBackup -------------------------------------------------------------------

def test_restore_from_backup(ddb, unique_name):
    source, target = unique_name(), unique_name()
    table = create_keyed_table(ddb, source)
    items = varied_items(n=20)
    put_all(ddb, source, items)
    details = create_backup(ddb, source)
    expected = as_contents(items)
    # Writes after the backup: an update, a delete, a new item, an overwrite.
    ddb.update_item(TableName=source, Key={"pk": items[0]["pk"], "sk": items[0]["sk"]},
                    UpdateExpression="SET s = :v REMOVE m",
                    ExpressionAttributeValues={":v": {"S": "changed"}})
    ddb.delete_item(TableName=source, Key={"pk": items[1]["pk"], "sk": items[1]["sk"]})
    ddb.put_item(TableName=source, Item={"pk": {"S": "new"}, "sk": {"N": "0"}})
    ddb.put_item(TableName=source, Item={"pk": items[2]["pk"], "sk": items[2]["sk"]})

    answer, described = restore(ddb, details["BackupArn"], target)
    assert answer["TableName"] == target
    assert answer["TableStatus"] == "CREATING"
    assert answer["ItemCount"] == 0
    assert answer["TableSizeBytes"] == 0
    assert answer["TableArn"] == table_arn(target)
    assert answer["TableId"] != table["TableId"]
    assert answer["KeySchema"] == table["KeySchema"]
    assert answer["AttributeDefinitions"] == table["AttributeDefinitions"]
    assert answer["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert answer["RestoreSummary"] == {
        "SourceBackupArn": details["BackupArn"], "SourceTableArn": table_arn(source),
        "RestoreDateTime": details["BackupCreationDateTime"], "RestoreInProgress": True}

    assert described["TableStatus"] == "ACTIVE"
    assert described["RestoreSummary"] == dict(answer["RestoreSummary"],
                                               RestoreInProgress=False)
    assert described["TableId"] == answer["TableId"]
    assert described["ItemCount"] == len(items)
    assert described["TableSizeBytes"] == sum(item_size(wire(i)) for i in items)
    assert scan_all(ddb, target) == expected
    # The restored table is an ordinary table: readable and writable.
    got = ddb.get_item(TableName=target, Key={"pk": items[1]["pk"], "sk": items[1]["sk"]},
                       ConsistentRead=True)
    assert canonical(got["Item"]) == canonical(items[1])
    ddb.put_item(TableName=target, Item={"pk": {"S": "after"}, "sk": {"N": "1"}})
    assert len(scan_all(ddb, target)) == len(items) + 1
    # Restoring the same backup again gives the same contents.
    _, _ = restore(ddb, details["BackupArn"], target + "_again")
    assert scan_all(ddb, target + "_again") == expected


def test_restore_of_an_empty_table(ddb, unique_name):
    source, target = unique_name(), unique_name()
    create_keyed_table(ddb, source)
    arn = create_backup(ddb, source)["BackupArn"]
    ddb.put_item(TableName=source, Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
    _, described = restore(ddb, arn, target)
    assert described["ItemCount"] == 0
    assert scan_all(ddb, target) == {}


def test_restore_errors(call, ddb, unique_name):
    source, other = unique_name(), unique_name()
    create_keyed_table(ddb, source)
    create_keyed_table(ddb, other)
    arn = create_backup(ddb, source)["BackupArn"]
    for target in (source, other):
        body = expect_error(call, "RestoreTableFromBackup",
                            {"TargetTableName": target, "BackupArn": arn},
                            "TableAlreadyExistsException")
        assert target in body["message"], body
    unknown = f"{table_arn(source)}/backup/01234567890123-0123abcd"
    expect_error(call, "RestoreTableFromBackup",
                 {"TargetTableName": source + "_r", "BackupArn": unknown},
                 "BackupNotFoundException", f"Backup not found: {unknown}")
    for bad_target in ("ab", "bad name!", table_arn(source + "_r")):
        expect_error(call, "RestoreTableFromBackup",
                     {"TargetTableName": bad_target, "BackupArn": arn}, VALIDATION)
    expect_error(call, "RestoreTableFromBackup", {"TargetTableName": source + "_r"}, VALIDATION)
    # Nothing was made by the refused requests.
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_table(TableName=source + "_r")
    assert _error(excinfo)[0] == "ResourceNotFoundException"


def _index_query(client, table, index, key_name, value, value_kind="S"):
    """Every item a Query on `index` for key_name = value returns, in order, all pages."""
    request = {"TableName": table, "IndexName": index,
               "KeyConditionExpression": "#k = :v",
               "ExpressionAttributeNames": {"#k": key_name},
               "ExpressionAttributeValues": {":v": {value_kind: value}}, "Limit": 2}
    out = []
    while True:
        page = client.query(**request)
        out.extend(canonical(i) for i in page["Items"])
        if "LastEvaluatedKey" not in page:
            return out
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _indexed_items():
    items = []
    for i in range(12):
        item = {"pk": {"S": f"p{i % 2}"}, "sk": {"N": str(i)}, "lsk": {"S": f"l{(7 * i) % 12:02}"},
                "g": {"S": f"g{i % 3}"}, "gs": {"N": str(i % 4)},
                "x": {"S": f"x{i}"}, "y": {"N": str(i * 10)}, "z": {"S": "not projected"}}
        if i % 5 == 4:
            del item["g"]  # sparse in the GSI keyed on g
        items.append(item)
    return items


def _all_index_queries(client, table):
    answers = {}
    for pk in ("p0", "p1"):
        answers["lsi", pk] = _index_query(client, table, "by_lsk", "pk", pk)
    for g in ("g0", "g1", "g2"):
        answers["keys", g] = _index_query(client, table, "by_g_keys", "g", g)
    for gs in range(4):
        answers["include", gs] = _index_query(client, table, "by_gs_include", "gs", str(gs), "N")
    return answers


def test_restore_brings_back_local_and_global_indexes(ddb, unique_name):
    source, target = unique_name(), unique_name()
    table = _featured_table(ddb, source)
    put_all(ddb, source, _indexed_items())
    at_backup = _all_index_queries(ddb, source)
    arn = create_backup(ddb, source)["BackupArn"]
    # Index keys changed after the backup.
    ddb.update_item(TableName=source, Key={"pk": {"S": "p0"}, "sk": {"N": "0"}},
                    UpdateExpression="SET g = :g, lsk = :l, gs = :s",
                    ExpressionAttributeValues={":g": {"S": "g1"}, ":l": {"S": "l99"},
                                               ":s": {"N": "3"}})
    ddb.delete_item(TableName=source, Key={"pk": {"S": "p1"}, "sk": {"N": "1"}})
    assert _all_index_queries(ddb, source) != at_backup

    _, described = restore(ddb, arn, target)
    assert {i["IndexName"]: (i["KeySchema"], i["Projection"])
            for i in described["LocalSecondaryIndexes"]} == {
        i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in table["LocalSecondaryIndexes"]}
    assert {i["IndexName"]: (i["KeySchema"], i["Projection"], i["IndexStatus"])
            for i in described["GlobalSecondaryIndexes"]} == {
        i["IndexName"]: (i["KeySchema"], i["Projection"], "ACTIVE")
        for i in table["GlobalSecondaryIndexes"]}
    assert sorted(described["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
        table["AttributeDefinitions"], key=lambda a: a["AttributeName"])
    restored = _all_index_queries(ddb, target)
    assert restored == at_backup
    # The projections hold: KEYS_ONLY has only keys, INCLUDE only keys and x, y.
    assert all(set(i) == {"pk", "sk", "g", "gs"} for g in ("g0", "g1", "g2")
               for i in restored["keys", g])
    assert all(set(i) <= {"pk", "sk", "gs", "x", "y"} and "x" in i
               for gs in range(4) for i in restored["include", gs])
    assert all(set(i) == {"pk", "sk", "lsk", "x"} for pk in ("p0", "p1")
               for i in restored["lsi", pk])
    gsi_counts = {i["IndexName"]: i["ItemCount"] for i in described["GlobalSecondaryIndexes"]}
    assert gsi_counts == {"by_g_keys": 10, "by_gs_include": 12}


@pytest.fixture
def indexed_backup(ddb, unique_name):
    """A table with an LSI and two GSIs, its items and a backup of them: (table, arn, items)."""
    source = unique_name()
    _featured_table(ddb, source)
    items = _indexed_items()
    put_all(ddb, source, items)
    return source, create_backup(ddb, source)["BackupArn"], items


def test_restore_with_empty_global_index_override_drops_them(call, ddb, unique_name,
                                                              indexed_backup):
    source, arn, items = indexed_backup
    target = unique_name()
    # [] drops every global index (and the attribute definitions only they used), as in the
    # Developer Guide's `--global-secondary-index-override '[]'`.
    status, body = call("RestoreTableFromBackup", {"TargetTableName": target, "BackupArn": arn,
                                                   "GlobalSecondaryIndexOverride": []})
    assert status == 200, f"GlobalSecondaryIndexOverride [] must drop the GSIs, got {body}"
    described = wait_for_table(ddb, target)
    assert "GlobalSecondaryIndexes" not in described
    assert [i["IndexName"] for i in described["LocalSecondaryIndexes"]] == ["by_lsk"]
    assert sorted(a["AttributeName"] for a in described["AttributeDefinitions"]) == [
        "lsk", "pk", "sk"]
    assert scan_all(ddb, target) == as_contents(items)
    status, body = call("Query", {"TableName": target, "IndexName": "by_g_keys",
                                  "KeyConditionExpression": "g = :g",
                                  "ExpressionAttributeValues": {":g": {"S": "g0"}}})
    assert status == 400 and body["__type"] == VALIDATION, body
    assert _index_query(ddb, target, "by_lsk", "pk", "p0") == _index_query(
        ddb, source, "by_lsk", "pk", "p0")


def test_restore_with_empty_local_index_override_drops_them(call, ddb, unique_name,
                                                             indexed_backup):
    source, arn, items = indexed_backup
    target = unique_name()
    status, body = call("RestoreTableFromBackup", {"TargetTableName": target, "BackupArn": arn,
                                                   "LocalSecondaryIndexOverride": []})
    assert status == 200, f"LocalSecondaryIndexOverride [] must drop the LSIs, got {body}"
    described = wait_for_table(ddb, target)
    assert "LocalSecondaryIndexes" not in described
    assert sorted(g["IndexName"] for g in described["GlobalSecondaryIndexes"]) == [
        "by_g_keys", "by_gs_include"]
    assert scan_all(ddb, target) == as_contents(items)


def test_restore_with_a_subset_of_the_global_indexes(ddb, unique_name, indexed_backup):
    source, arn, items = indexed_backup
    target = unique_name()
    keep = {"IndexName": "by_gs_include",
            "KeySchema": [{"AttributeName": "gs", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x", "y"]}}
    _, described = restore(ddb, arn, target, GlobalSecondaryIndexOverride=[keep])
    assert [g["IndexName"] for g in described["GlobalSecondaryIndexes"]] == ["by_gs_include"]
    assert [i["IndexName"] for i in described["LocalSecondaryIndexes"]] == ["by_lsk"]
    assert scan_all(ddb, target) == as_contents(items)
    for gs in range(4):
        assert _index_query(ddb, target, "by_gs_include", "gs", str(gs), "N") == \
            _index_query(ddb, source, "by_gs_include", "gs", str(gs), "N")


def test_restore_with_billing_throughput_and_encryption_overrides(ddb, unique_name,
                                                                  indexed_backup):
    source, arn, items = indexed_backup
    target = unique_name()
    keep = {"IndexName": "by_g_keys",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                          {"AttributeName": "gs", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
            "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 2}}
    _, described = restore(
        ddb, arn, target, BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        GlobalSecondaryIndexOverride=[keep], SSESpecificationOverride={"Enabled": False})
    assert described.get("BillingModeSummary", {"BillingMode": "PROVISIONED"})[
        "BillingMode"] == "PROVISIONED"
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert described["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    gsi, = described["GlobalSecondaryIndexes"]
    assert (gsi["ProvisionedThroughput"]["ReadCapacityUnits"],
            gsi["ProvisionedThroughput"]["WriteCapacityUnits"]) == (1, 2)
    assert "SSEDescription" not in described
    assert scan_all(ddb, target) == as_contents(items)


def test_restore_keeps_provisioned_throughput_and_encryption(ddb, unique_name):
    source, target, encrypted = unique_name(), unique_name(), unique_name()
    create_keyed_table(ddb, source,
                       ProvisionedThroughput={"ReadCapacityUnits": 6, "WriteCapacityUnits": 8},
                       SSESpecification={"Enabled": True, "SSEType": "KMS"})
    arn = create_backup(ddb, source)["BackupArn"]
    _, described = restore(ddb, arn, target)
    assert described.get("BillingModeSummary", {"BillingMode": "PROVISIONED"})[
        "BillingMode"] == "PROVISIONED"
    assert (described["ProvisionedThroughput"]["ReadCapacityUnits"],
            described["ProvisionedThroughput"]["WriteCapacityUnits"]) == (6, 8)
    assert described["SSEDescription"]["Status"] == "ENABLED"
    assert described["SSEDescription"]["SSEType"] == "KMS"
    # On demand by override.
    _, described = restore(ddb, arn, encrypted, BillingModeOverride="PAY_PER_REQUEST")
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_restore_does_not_bring_back_streams_ttl_tags_or_pitr(ddb, unique_name):
    source, target = unique_name(), unique_name()
    _featured_table(ddb, source)
    ddb.tag_resource(ResourceArn=table_arn(source), Tags=[{"Key": "team", "Value": "blue"}])
    ddb.update_continuous_backups(TableName=source, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    arn = create_backup(ddb, source)["BackupArn"]
    _, described = restore(ddb, arn, target)
    assert "StreamSpecification" not in described
    assert "LatestStreamArn" not in described
    assert ddb.describe_time_to_live(TableName=target)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}
    assert ddb.list_tags_of_resource(ResourceArn=table_arn(target))["Tags"] == []
    assert ddb.describe_continuous_backups(TableName=target)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"] == {"PointInTimeRecoveryStatus": "DISABLED"}


def test_backup_outlives_its_table(ddb, unique_name):
    source = unique_name()
    create_keyed_table(ddb, source)
    items = varied_items(n=8)
    put_all(ddb, source, items)
    details = create_backup(ddb, source)
    before = ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]
    ddb.delete_table(TableName=source)
    wait_for_table_gone(ddb, source)
    assert ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"] == before
    assert [s["BackupArn"] for s in ddb.list_backups(TableName=source)["BackupSummaries"]] == [
        details["BackupArn"]]
    # Restored under another name, and under the deleted table's own name.
    for target in (unique_name(), source):
        answer, described = restore(ddb, details["BackupArn"], target)
        assert answer["RestoreSummary"]["SourceTableArn"] == table_arn(source)
        assert described["ItemCount"] == len(items)
        assert scan_all(ddb, target) == as_contents(items)
    # A new table of the same name has its own backups; the old one stays listed.
    newer = create_backup(ddb, source, "of-the-new-table")["BackupArn"]
    assert [s["BackupArn"] for s in ddb.list_backups(TableName=source)["BackupSummaries"]] == [
        details["BackupArn"], newer]
    assert ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"][
        "SourceTableDetails"]["TableId"] == before["SourceTableDetails"]["TableId"]


def test_backup_is_a_consistent_cut_of_concurrent_writes(ddb, server, table_name):
    """A writer puts items 0, 1, 2, ... one after another; every backup holds exactly a
    prefix of them, at least up to the last write acknowledged before CreateBackup was sent
    and at most up to the first write begun after its answer."""
    create_keyed_table(ddb, table_name)
    acked = [-1]
    begun = [-1]
    stop = threading.Event()
    errors = []

    def writer():
        client = KeepAliveClient(server)
        try:
            i = 0
            while not stop.is_set() and i < 5000:
                begun[0] = i
                client.ok("PutItem", {"TableName": table_name,
                                      "Item": {"pk": {"S": "w"}, "sk": {"N": str(i)}}})
                acked[0] = i
                i += 1
        except Exception as e:  # noqa: BLE001 -- reported below
            errors.append(e)
        finally:
            client.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        cuts = []
        while len(cuts) < 5 and thread.is_alive():
            time.sleep(0.02)
            low = acked[0]
            arn = create_backup(ddb, table_name)["BackupArn"]
            high = begun[0]
            cuts.append((low, arn, high))
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert len(cuts) == 5
    for n, (low, arn, high) in enumerate(cuts):
        target = f"{table_name}_cut{n}"
        _, described = restore(ddb, arn, target)
        got = sorted(int(i["sk"]["N"]) for i in ddb.scan(TableName=target)["Items"])
        assert got == list(range(len(got))), f"backup {n} is not a prefix"
        assert low + 1 <= len(got) <= high + 1, (low, len(got), high)
        assert described["ItemCount"] == len(got)


def test_backups_survive_a_restart(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server(data)
    client = first.client()
    create_keyed_table(client, "kept")
    _featured_table(client, "featured")
    items = varied_items(n=15)
    put_all(client, "kept", items)
    put_all(client, "featured", _indexed_items())
    arn = create_backup(client, "kept", "before-restart")["BackupArn"]
    featured_arn = create_backup(client, "featured")["BackupArn"]
    doomed = create_backup(client, "kept", "doomed")["BackupArn"]
    client.delete_backup(BackupArn=doomed)
    at_backup = _all_index_queries(client, "featured")
    client.put_item(TableName="kept", Item={"pk": {"S": "later"}, "sk": {"N": "1"}})
    client.delete_item(TableName="kept", Key={"pk": items[0]["pk"], "sk": items[0]["sk"]})
    described = client.describe_backup(BackupArn=arn)["BackupDescription"]
    listed = client.list_backups(BackupType="ALL")["BackupSummaries"]
    assert first.stop(signal.SIGTERM) == 0

    second = start_server(data)
    client = second.client()
    assert client.describe_backup(BackupArn=arn)["BackupDescription"] == described
    assert client.list_backups(BackupType="ALL")["BackupSummaries"] == listed
    with pytest.raises(ClientError) as excinfo:
        client.describe_backup(BackupArn=doomed)
    assert _error(excinfo)[0] == "BackupNotFoundException"
    _, restored = restore(client, arn, "restored")
    assert restored["ItemCount"] == len(items)
    assert scan_all(client, "restored") == as_contents(items)
    restore(client, featured_arn, "featured_restored")
    assert _all_index_queries(client, "featured_restored") == at_backup
    # New backups after the restart get ARNs of their own and list after the old ones.
    newer = create_backup(client, "kept", "after-restart")["BackupArn"]
    assert [s["BackupArn"] for s in client.list_backups(TableName="kept")["BackupSummaries"]] \
        == [arn, newer]
    assert second.stop(signal.SIGTERM) == 0

    # A restored table persists like any other.
    third = start_server(data)
    client = third.client()
    assert scan_all(client, "restored") == as_contents(items)
    assert client.describe_table(TableName="restored")["Table"]["RestoreSummary"][
        "RestoreInProgress"] is False
    assert third.stop(signal.SIGTERM) == 0


# --- Raw protocol -----------------------------------------------------------------------------

def test_wire_format(call, ddb, table_name):
    create_keyed_table(ddb, table_name)
    status, body = call("CreateBackup", {"TableName": table_name, "BackupName": "wire"})
    assert status == 200, body
    details = body["BackupDetails"]
    # Timestamps are epoch seconds as JSON numbers with millisecond fractions.
    assert isinstance(details["BackupCreationDateTime"], (int, float))
    assert int(BACKUP_ARN.match(details["BackupArn"])["millis"]) == round(
        details["BackupCreationDateTime"] * 1000)
    status, body = call("DescribeBackup", {"BackupArn": details["BackupArn"]})
    assert status == 200, body
    assert body["BackupDescription"]["SourceTableFeatureDetails"] == {}
    assert "BackupExpiryDateTime" not in body["BackupDescription"]["BackupDetails"]


@pytest.mark.parametrize("operation,request_body,message", [
    ("CreateBackup", {"TableName": "abc", "BackupName": 17},
     "NUMBER_VALUE cannot be converted to String"),
    ("DescribeBackup", {"BackupArn": True}, "TRUE_VALUE cannot be converted to String"),
    ("ListBackups", {"Limit": "many"}, "STRING_VALUE cannot be converted to Integer"),
    ("RestoreTableFromBackup", {"TargetTableName": "abc", "BackupArn": []},
     "Unrecognized collection type class java.lang.String"),
])
def test_type_errors(call, operation, request_body, message):
    assert call(operation, request_body) == (400, {"__type": SERIALIZATION, "Message": message})


# --- The AWS CLI ------------------------------------------------------------------------------

def test_cli_round_trip(aws, ddb, unique_name):
    source, target = unique_name(), unique_name()
    create_keyed_table(ddb, source)
    items = varied_items(n=4)
    put_all(ddb, source, items)
    code, out, err = aws("create-backup", "--table-name", source, "--backup-name", "cli-bk")
    assert code == 0, err
    arn = out["BackupDetails"]["BackupArn"]
    assert BACKUP_ARN.match(arn)
    assert out["BackupDetails"]["BackupStatus"] == "CREATING"
    code, out, err = aws("describe-backup", "--backup-arn", arn)
    assert code == 0, err
    assert out["BackupDescription"]["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    assert out["BackupDescription"]["SourceTableDetails"]["ItemCount"] == len(items)
    code, out, err = aws("list-backups", "--table-name", source)
    assert code == 0, err
    assert [s["BackupArn"] for s in out["BackupSummaries"]] == [arn]
    code, out, err = aws("restore-table-from-backup", "--target-table-name", target,
                         "--backup-arn", arn)
    assert code == 0, err
    assert out["TableDescription"]["RestoreSummary"]["RestoreInProgress"] is True
    wait_for_table(ddb, target)
    assert scan_all(ddb, target) == as_contents(items)
    code, out, err = aws("delete-backup", "--backup-arn", arn)
    assert code == 0, err
    assert out["BackupDescription"]["BackupDetails"]["BackupStatus"] == "DELETED"
    code, out, err = aws("describe-backup", "--backup-arn", arn)
    assert code != 0
    assert "BackupNotFoundException" in err
