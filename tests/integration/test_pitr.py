"""Point-in-time recovery: UpdateContinuousBackups / DescribeContinuousBackups (the restorable
window) and RestoreTableToPointInTime, with DynamoDB's answers and errors; restores that give
exactly the table as it was at each moment of a history of puts, updates, deletes, batch
writes and transactions; indexes; a deleted table (its SYSTEM backup and its history); a
restart; and the AWS CLI.

Restore points are `time.time()` taken between two phases of writes, 5 ms clear of both, and
sent with their fraction of a second. This boto3 sends request timestamps as whole seconds
(checked by `boto3_sends_milliseconds`), so those requests go raw.
"""

import copy
import datetime
import json
import signal
import time
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError
from botocore.serialize import create_serializer

from conftest import KeepAliveClient, raw_request, wait_for_table, wait_for_table_gone
from test_backups import (_all_index_queries, _error, _featured_table, _indexed_items,
                          as_contents, canonical, create_keyed_table, expect_error, key_of, put_all,
                          scan_all, table_arn, varied_items)

PREFIX = "com.amazonaws.dynamodb.v20120810#"
VALIDATION = "com.amazon.coral.validate#ValidationException"
DAY = 24 * 60 * 60
DISABLED = {"ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}



def enable_pitr(call, table, **spec):
    """UpdateContinuousBackups enabling PITR; its ContinuousBackupsDescription. Raw: this boto3
    does not know RecoveryPeriodInDays (and drops it from answers)."""
    status, body = call("UpdateContinuousBackups", {
        "TableName": table,
        "PointInTimeRecoverySpecification": dict(PointInTimeRecoveryEnabled=True, **spec)})
    assert status == 200, body
    return body["ContinuousBackupsDescription"]


def disable_pitr(call, table):
    status, body = call("UpdateContinuousBackups", {
        "TableName": table,
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": False}})
    assert status == 200, body
    return body["ContinuousBackupsDescription"]


def describe_pitr(call, table):
    status, body = call("DescribeContinuousBackups", {"TableName": table})
    assert status == 200, body
    return body["ContinuousBackupsDescription"]


def restore_point():
    """A moment between two phases of writes, at least 5 ms after the last one committed and
    before the next one starts."""
    time.sleep(0.005)
    now = time.time()
    time.sleep(0.005)
    return now


def settle():
    """Lets the clock pass the millisecond of the last write before restoring to the latest
    restorable time (test_latest_restorable_time_includes_every_acknowledged_write checks
    the write in the same millisecond)."""
    time.sleep(0.005)


def boto3_sends_milliseconds(client):
    """Whether this boto3 keeps a timestamp's milliseconds in a JSON request."""
    model = client.meta.service_model.operation_model("RestoreTableToPointInTime")
    request = create_serializer("json").serialize_to_request(
        {"TargetTableName": "abc", "SourceTableName": "abc",
         "RestoreDateTime": datetime.datetime.fromtimestamp(1700000000.123,
                                                            datetime.timezone.utc)}, model)
    return json.loads(request["body"])["RestoreDateTime"] != 1700000000


def restore_to(call, ddb, source, target, when=None, **extra):
    """RestoreTableToPointInTime from `source` (a name, or an ARN) to `when` (epoch seconds with
    a fraction; None: the latest restorable time); waits until the target is ACTIVE. Returns
    (the answer's TableDescription, DescribeTable afterwards)."""
    request = {"TargetTableName": target, **extra}
    request["SourceTableArn" if source.startswith("arn:") else "SourceTableName"] = source
    if when is None:
        request["UseLatestRestorableTime"] = True
    else:
        request["RestoreDateTime"] = when
    if boto3_sends_milliseconds(ddb) or when is None:
        answer = ddb.restore_table_to_point_in_time(**request)["TableDescription"]
        answer = json.loads(json.dumps(answer, default=lambda d: d.timestamp()))
    else:
        status, body = call("RestoreTableToPointInTime", request)
        assert status == 200, (request, body)
        answer = body["TableDescription"]
    return answer, wait_for_table(ddb, target)


def assert_close(a, b, tolerance=2.0):
    assert abs(a - b) <= tolerance, (a, b)


# --- UpdateContinuousBackups / DescribeContinuousBackups --------------------------------------

def test_disabled_by_default(call, ddb, table_name):
    create_keyed_table(ddb, table_name)
    assert describe_pitr(call, table_name) == DISABLED
    assert describe_pitr(call, table_arn(table_name)) == DISABLED
    assert ddb.describe_continuous_backups(TableName=table_name)[
        "ContinuousBackupsDescription"] == DISABLED


def test_enable_describe_change_and_disable(call, ddb, table_name):
    create_keyed_table(ddb, table_name)
    before = time.time()
    enabled = enable_pitr(call, table_name)
    assert enabled["ContinuousBackupsStatus"] == "ENABLED"
    pitr = enabled["PointInTimeRecoveryDescription"]
    assert set(pitr) == {"PointInTimeRecoveryStatus", "RecoveryPeriodInDays",
                         "EarliestRestorableDateTime", "LatestRestorableDateTime"}
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    assert pitr["RecoveryPeriodInDays"] == 35
    # On the enabling call the window is a single moment: now.
    assert pitr["EarliestRestorableDateTime"] == pitr["LatestRestorableDateTime"]
    earliest = pitr["EarliestRestorableDateTime"]
    assert_close(earliest, before)

    time.sleep(0.05)
    for given in (table_name, table_arn(table_name)):
        later = describe_pitr(call, given)
        assert later["ContinuousBackupsStatus"] == "ENABLED"
        pitr = later["PointInTimeRecoveryDescription"]
        assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
        assert pitr["RecoveryPeriodInDays"] == 35
        assert pitr["EarliestRestorableDateTime"] == earliest
        latest = pitr["LatestRestorableDateTime"]
        assert earliest + 0.04 <= latest
        assert_close(latest, time.time())
    # boto3 reads the same window.
    pitr = ddb.describe_continuous_backups(TableName=table_name)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    assert abs(pitr["EarliestRestorableDateTime"].timestamp() - earliest) < 0.0005

    # Enabling again, or changing the period, keeps the window's start.
    again = enable_pitr(call, table_name)["PointInTimeRecoveryDescription"]
    assert again["EarliestRestorableDateTime"] == earliest
    assert again["LatestRestorableDateTime"] > earliest
    shorter = enable_pitr(call, table_name, RecoveryPeriodInDays=7)[
        "PointInTimeRecoveryDescription"]
    assert shorter["RecoveryPeriodInDays"] == 7
    assert shorter["EarliestRestorableDateTime"] == earliest
    assert describe_pitr(call, table_name)["PointInTimeRecoveryDescription"][
        "RecoveryPeriodInDays"] == 7

    disabled = ddb.update_continuous_backups(TableName=table_arn(table_name),
                                             PointInTimeRecoverySpecification={
                                                 "PointInTimeRecoveryEnabled": False})
    assert disabled["ContinuousBackupsDescription"] == DISABLED
    assert describe_pitr(call, table_name) == DISABLED
    assert disable_pitr(call, table_name) == DISABLED  # already off: no error

    # Enabled again (through boto3): a new window starts now, with the default period.
    time.sleep(0.01)
    ddb.update_continuous_backups(TableName=table_name, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    renewed = describe_pitr(call, table_name)["PointInTimeRecoveryDescription"]
    assert renewed["RecoveryPeriodInDays"] == 35
    assert renewed["EarliestRestorableDateTime"] > earliest + 0.05


def test_enable_with_a_recovery_period(call, ddb, table_name):
    create_keyed_table(ddb, table_name)
    pitr = enable_pitr(call, table_name, RecoveryPeriodInDays=1)[
        "PointInTimeRecoveryDescription"]
    assert pitr["RecoveryPeriodInDays"] == 1
    assert pitr["EarliestRestorableDateTime"] == pitr["LatestRestorableDateTime"]
    assert describe_pitr(call, table_name)["PointInTimeRecoveryDescription"][
        "RecoveryPeriodInDays"] == 1


def test_continuous_backups_errors(call, ddb, table_name):
    missing = table_name + "_missing"
    enable = {"PointInTimeRecoveryEnabled": True}
    for given in (missing, table_arn(missing)):
        expect_error(call, "DescribeContinuousBackups", {"TableName": given},
                     "TableNotFoundException", f"Table not found: {given}")
        expect_error(call, "UpdateContinuousBackups",
                     {"TableName": given, "PointInTimeRecoverySpecification": enable},
                     "TableNotFoundException", f"Table not found: {given}")
    create_keyed_table(ddb, table_name)
    for days in (0, 36, -1):
        body = expect_error(call, "UpdateContinuousBackups", {
            "TableName": table_name, "PointInTimeRecoverySpecification": dict(
                enable, RecoveryPeriodInDays=days)}, VALIDATION)
        assert "recoveryPeriodInDays" in body["message"], body
    expect_error(call, "UpdateContinuousBackups", {"TableName": table_name}, VALIDATION)
    expect_error(call, "UpdateContinuousBackups",
                 {"TableName": table_name, "PointInTimeRecoverySpecification": {}}, VALIDATION)
    expect_error(call, "DescribeContinuousBackups", {}, VALIDATION)
    # The refused requests changed nothing.
    assert describe_pitr(call, table_name) == DISABLED


# --- RestoreTableToPointInTime: answers and errors --------------------------------------------

def test_restore_answer_and_what_is_not_restored(call, ddb, unique_name):
    source, target = unique_name(), unique_name()
    table = _featured_table(ddb, source)
    ddb.tag_resource(ResourceArn=table_arn(source), Tags=[{"Key": "team", "Value": "red"}])
    items = _indexed_items()
    put_all(ddb, source, items)
    enable_pitr(call, source)
    when = restore_point()
    ddb.put_item(TableName=source, Item={"pk": {"S": "later"}, "sk": {"N": "1"}})
    answer, described = restore_to(call, ddb, table_arn(source), target, when)
    assert answer["TableName"] == target
    assert answer["TableStatus"] == "CREATING"
    assert answer["ItemCount"] == 0
    assert answer["TableSizeBytes"] == 0
    assert answer["TableId"] != table["TableId"]
    assert answer["KeySchema"] == table["KeySchema"]
    summary = answer["RestoreSummary"]
    assert set(summary) == {"SourceTableArn", "RestoreDateTime", "RestoreInProgress"}
    assert summary["SourceTableArn"] == table_arn(source)
    assert summary["RestoreInProgress"] is True
    assert abs(summary["RestoreDateTime"] - when) < 0.0011, (summary, when)

    assert described["TableStatus"] == "ACTIVE"
    assert described["RestoreSummary"]["RestoreInProgress"] is False
    assert described["RestoreSummary"]["SourceTableArn"] == table_arn(source)
    assert "SourceBackupArn" not in described["RestoreSummary"]
    assert described["ItemCount"] == len(items)
    assert scan_all(ddb, target) == as_contents(items)
    # Indexes and encryption come back; stream, TTL, tags and PITR do not.
    assert sorted(g["IndexName"] for g in described["GlobalSecondaryIndexes"]) == [
        "by_g_keys", "by_gs_include"]
    assert [i["IndexName"] for i in described["LocalSecondaryIndexes"]] == ["by_lsk"]
    assert described["SSEDescription"]["Status"] == "ENABLED"
    assert "StreamSpecification" not in described
    assert ddb.describe_time_to_live(TableName=target)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}
    assert ddb.list_tags_of_resource(ResourceArn=table_arn(target))["Tags"] == []
    assert describe_pitr(call, target) == DISABLED


def test_restore_errors(call, ddb, unique_name):
    source, plain, other = unique_name(), unique_name(), unique_name()
    create_keyed_table(ddb, source)
    create_keyed_table(ddb, plain)
    create_keyed_table(ddb, other)
    target = source + "_r"
    enabled = enable_pitr(call, source)["PointInTimeRecoveryDescription"]
    earliest = enabled["EarliestRestorableDateTime"]
    time.sleep(0.01)
    ok_time = restore_point()

    expect_error(call, "RestoreTableToPointInTime",
                 {"SourceTableName": plain, "TargetTableName": target,
                  "UseLatestRestorableTime": True}, "PointInTimeRecoveryUnavailableException")
    missing = source + "_missing"
    for member, given in (("SourceTableName", missing), ("SourceTableArn", table_arn(missing))):
        expect_error(call, "RestoreTableToPointInTime",
                     {member: given, "TargetTableName": target, "UseLatestRestorableTime": True},
                     "TableNotFoundException", f"Table not found: {given}")
    for when in (earliest - 1, earliest - 0.002, time.time() + 60, time.time() + 10 * DAY):
        expect_error(call, "RestoreTableToPointInTime",
                     {"SourceTableName": source, "TargetTableName": target,
                      "RestoreDateTime": when}, "InvalidRestoreTimeException")
    # Through boto3 (a datetime) too.
    with pytest.raises(ClientError) as excinfo:
        ddb.restore_table_to_point_in_time(
            SourceTableName=source, TargetTableName=target,
            RestoreDateTime=datetime.datetime.now(datetime.timezone.utc)
            + datetime.timedelta(hours=1))
    assert _error(excinfo)[0] == "InvalidRestoreTimeException"
    for bad in ({"SourceTableName": source, "SourceTableArn": table_arn(source),
                 "UseLatestRestorableTime": True},
                {"UseLatestRestorableTime": True},
                {"SourceTableName": source, "UseLatestRestorableTime": True,
                 "RestoreDateTime": ok_time},
                {"SourceTableName": source},
                {"SourceTableName": source, "UseLatestRestorableTime": False}):
        expect_error(call, "RestoreTableToPointInTime", dict(bad, TargetTableName=target),
                     VALIDATION)
    for bad_target in ("ab", "bad name!"):
        expect_error(call, "RestoreTableToPointInTime",
                     {"SourceTableName": source, "TargetTableName": bad_target,
                      "UseLatestRestorableTime": True}, VALIDATION)
    expect_error(call, "RestoreTableToPointInTime",
                 {"SourceTableName": source, "UseLatestRestorableTime": True}, VALIDATION)
    for existing in (source, other):
        body = expect_error(call, "RestoreTableToPointInTime",
                            {"SourceTableName": source, "TargetTableName": existing,
                             "UseLatestRestorableTime": True}, "TableAlreadyExistsException")
        assert existing in body["message"], body
    # None of them made a table.
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_table(TableName=target)
    assert _error(excinfo)[0] == "ResourceNotFoundException"
    # UseLatestRestorableTime false with a RestoreDateTime (the CLI's
    # --no-use-latest-restorable-time) is an ordinary request.
    status, body = call("RestoreTableToPointInTime", {
        "SourceTableName": source, "TargetTableName": target, "UseLatestRestorableTime": False,
        "RestoreDateTime": ok_time})
    assert status == 200, body
    wait_for_table(ddb, target)


def test_pitr_is_unavailable_after_it_is_disabled(call, ddb, table_name):
    create_keyed_table(ddb, table_name)
    enable_pitr(call, table_name)
    when = restore_point()
    disable_pitr(call, table_name)
    expect_error(call, "RestoreTableToPointInTime",
                 {"SourceTableName": table_name, "TargetTableName": table_name + "_r",
                  "RestoreDateTime": when}, "PointInTimeRecoveryUnavailableException")
    # Enabled again, the earlier history is gone: only times since then can be restored.
    again = enable_pitr(call, table_name)["PointInTimeRecoveryDescription"]
    assert again["EarliestRestorableDateTime"] > when
    expect_error(call, "RestoreTableToPointInTime",
                 {"SourceTableName": table_name, "TargetTableName": table_name + "_r",
                  "RestoreDateTime": when}, "InvalidRestoreTimeException")


# --- Restored contents ------------------------------------------------------------------------

def test_restore_gives_exactly_the_table_at_each_point(call, ddb, unique_name):
    """Writes in phases (puts, updates, deletes, a batch write, transactions) with a restore
    point after each; every restore holds exactly the items the test expects at its point."""
    source = unique_name()
    create_keyed_table(ddb, source)
    expected = {}
    points = []

    def put(item):
        ddb.put_item(TableName=source, Item=item)
        expected[key_of(item)] = canonical(item)

    def mark(label):
        points.append((label, restore_point(), copy.deepcopy(expected)))

    def key(pk, sk):
        return {"pk": {"S": pk}, "sk": {"N": str(sk)}}

    # Before PITR is enabled: part of the history's starting state.
    for item in varied_items("pre", 4):
        put(item)
    enable_pitr(call, source)
    mark("enabled")

    # Phase 1: puts.
    for item in varied_items("p", 30):
        put(item)
    mark("puts")

    # Phase 2: updates, overwrites, and a failed conditional update (no change).
    for sk in range(0, 30, 3):
        k = key(f"p{sk % 3}", sk)
        new = ddb.update_item(
            TableName=source, Key=k, UpdateExpression="SET s = :s, n = n + :one REMOVE m",
            ExpressionAttributeValues={":s": {"S": f"updated{sk}"}, ":one": {"N": "1"}},
            ReturnValues="ALL_NEW")["Attributes"]
        mine = copy.deepcopy(expected[key_of(k)])
        mine["s"] = {"S": f"updated{sk}"}
        mine["n"] = {"N": str(Decimal(mine["n"]["N"]) + 1)}
        del mine["m"]
        assert canonical(new) == mine
        expected[key_of(k)] = mine
    put(dict(key("p1", 1), only={"S": "overwritten"}))
    ddb.update_item(TableName=source, Key=key("fresh", 1), UpdateExpression="SET a = :a",
                    ExpressionAttributeValues={":a": {"N": "5"}})
    expected[key_of(key("fresh", 1))] = canonical(dict(key("fresh", 1), a={"N": "5"}))
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(TableName=source, Key=key("p2", 2), UpdateExpression="SET s = :s",
                        ConditionExpression="attribute_not_exists(pk)",
                        ExpressionAttributeValues={":s": {"S": "never"}})
    assert _error(excinfo)[0] == "ConditionalCheckFailedException"
    mark("updates")

    # Phase 3: deletes (one of a key that was never there).
    for sk in range(1, 30, 4):
        k = key(f"p{sk % 3}", sk)
        ddb.delete_item(TableName=source, Key=k)
        expected.pop(key_of(k))
    ddb.delete_item(TableName=source, Key=key("nobody", 0))
    ddb.delete_item(TableName=source, Key=key("pre0", 0))
    expected.pop(key_of(key("pre0", 0)))
    mark("deletes")

    # Phase 4: a batch write of puts and deletes.
    requests = []
    for i in range(15):
        item = dict(key("batch", i), v={"N": str(i)}, tag={"SS": ["b", str(i)]})
        requests.append({"PutRequest": {"Item": item}})
        expected[key_of(item)] = canonical(item)
    for sk in (0, 6, 12):
        k = key(f"p{sk % 3}", sk)
        requests.append({"DeleteRequest": {"Key": k}})
        expected.pop(key_of(k))
    answer = ddb.batch_write_item(RequestItems={source: requests})
    assert answer["UnprocessedItems"] == {}
    mark("batch")

    # Phase 5: a transaction, then one cancelled by its condition (no change).
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": source, "Item": dict(key("tx", 1), v={"S": "one"})}},
        {"Update": {"TableName": source, "Key": key("batch", 3),
                    "UpdateExpression": "SET v = :v, extra = :e",
                    "ExpressionAttributeValues": {":v": {"N": "33"}, ":e": {"BOOL": True}}}},
        {"Delete": {"TableName": source, "Key": key("batch", 4)}},
        {"ConditionCheck": {"TableName": source, "Key": key("batch", 5),
                            "ConditionExpression": "attribute_exists(pk)"}},
    ])
    expected[key_of(key("tx", 1))] = canonical(dict(key("tx", 1), v={"S": "one"}))
    expected[key_of(key("batch", 3))] = dict(expected[key_of(key("batch", 3))],
                                             v={"N": "33"}, extra={"BOOL": True})
    expected.pop(key_of(key("batch", 4)))
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": source, "Item": dict(key("tx", 2), v={"S": "two"})}},
            {"Delete": {"TableName": source, "Key": key("batch", 5)}},
            {"ConditionCheck": {"TableName": source, "Key": key("batch", 4),
                                "ConditionExpression": "attribute_exists(pk)"}},
        ])
    assert _error(excinfo)[0] == "TransactionCanceledException"
    mark("transactions")

    # Phase 6: the same keys written several times, then a partition emptied.
    for round_ in range(3):
        put(dict(key("churn", 1), round={"N": str(round_)}))
    for sk in [int(json.loads(k)[1]["N"]) for k in list(expected)
               if json.loads(k)[0] == {"S": "batch"}]:
        ddb.delete_item(TableName=source, Key=key("batch", sk))
        expected.pop(key_of(key("batch", sk)))
    mark("churn")

    # The source holds what the test expects now.
    assert scan_all(ddb, source) == expected
    distinct = {json.dumps(state, sort_keys=True, default=repr) for _, _, state in points}
    assert len(distinct) == len(points)
    for n, (label, when, state) in enumerate(points):
        target = f"{source}_{n}"
        answer, described = restore_to(call, ddb, source, target, when)
        assert abs(answer["RestoreSummary"]["RestoreDateTime"] - when) < 0.0011
        got = scan_all(ddb, target)
        missing = sorted(set(state) - set(got))
        extra = sorted(set(got) - set(state))
        changed = sorted(k for k in set(got) & set(state) if got[k] != state[k])
        assert got == state, (f"restore to '{label}' ({when}): missing {missing}, "
                              f"unexpected {extra}, different {changed}")
        assert described["ItemCount"] == len(state), label

    # The latest restorable time is now: the current contents.
    answer, described = restore_to(call, ddb, source, f"{source}_latest")
    assert_close(answer["RestoreSummary"]["RestoreDateTime"], time.time())
    assert scan_all(ddb, f"{source}_latest") == expected


def test_latest_restorable_time_includes_every_acknowledged_write(call, ddb, server,
                                                                  unique_name):
    """A restore to the latest restorable time, sent right after a write was acknowledged,
    holds that write (however soon after it the restore comes)."""
    source = unique_name()
    create_keyed_table(ddb, source)
    enable_pitr(call, source)
    client = KeepAliveClient(server)
    try:
        for i in range(30):
            item = {"pk": {"S": "w"}, "sk": {"N": str(i)}}
            client.ok("PutItem", {"TableName": source, "Item": item})
            target = f"{source}_{i}"
            answer = client.ok("RestoreTableToPointInTime", {
                "SourceTableName": source, "TargetTableName": target,
                "UseLatestRestorableTime": True})["TableDescription"]
            wait_for_table(ddb, target)
            got = sorted(int(k["sk"]["N"]) for k in client.items("Scan", {"TableName": target}))
            assert got == list(range(i + 1)), (
                f"restore {i} to the latest restorable time "
                f"({answer['RestoreSummary']['RestoreDateTime']}) lacks the write acknowledged "
                f"just before it: has {got[-3:]}")
    finally:
        client.close()


def test_restore_to_the_moment_pitr_was_enabled(call, ddb, unique_name):
    source = unique_name()
    create_keyed_table(ddb, source)
    items = varied_items(n=5)
    put_all(ddb, source, items)
    earliest = enable_pitr(call, source)["PointInTimeRecoveryDescription"][
        "EarliestRestorableDateTime"]
    time.sleep(0.005)
    ddb.delete_item(TableName=source, Key={"pk": items[0]["pk"], "sk": items[0]["sk"]})
    ddb.put_item(TableName=source, Item={"pk": {"S": "new"}, "sk": {"N": "0"}})
    # The earliest restorable time itself is inside the window.
    restore_to(call, ddb, source, source + "_r", earliest)
    assert scan_all(ddb, source + "_r") == as_contents(items)


def test_restore_brings_back_the_indexes_as_they_were(call, ddb, unique_name):
    source, target = unique_name(), unique_name()
    table = _featured_table(ddb, source)
    enable_pitr(call, source)
    put_all(ddb, source, _indexed_items())
    at_point = _all_index_queries(ddb, source)
    when = restore_point()
    ddb.update_item(TableName=source, Key={"pk": {"S": "p0"}, "sk": {"N": "0"}},
                    UpdateExpression="SET g = :g, lsk = :l, gs = :s",
                    ExpressionAttributeValues={":g": {"S": "g1"}, ":l": {"S": "l99"},
                                               ":s": {"N": "3"}})
    ddb.update_item(TableName=source, Key={"pk": {"S": "p1"}, "sk": {"N": "5"}},
                    UpdateExpression="REMOVE g")
    ddb.delete_item(TableName=source, Key={"pk": {"S": "p1"}, "sk": {"N": "1"}})
    ddb.put_item(TableName=source, Item={"pk": {"S": "p0"}, "sk": {"N": "100"},
                                         "lsk": {"S": "l00"}, "g": {"S": "g0"},
                                         "gs": {"N": "0"}})
    now = _all_index_queries(ddb, source)
    assert now != at_point

    _, described = restore_to(call, ddb, source, target, when)
    assert {i["IndexName"]: (i["KeySchema"], i["Projection"])
            for i in described["LocalSecondaryIndexes"] + described["GlobalSecondaryIndexes"]} \
        == {i["IndexName"]: (i["KeySchema"], i["Projection"])
            for i in table["LocalSecondaryIndexes"] + table["GlobalSecondaryIndexes"]}
    assert _all_index_queries(ddb, target) == at_point
    _, _ = restore_to(call, ddb, source, target + "_latest")
    assert _all_index_queries(ddb, target + "_latest") == now


def test_restore_with_empty_global_index_override(call, ddb, unique_name):
    source, target = unique_name(), unique_name()
    _featured_table(ddb, source)
    enable_pitr(call, source)
    items = _indexed_items()
    put_all(ddb, source, items)
    settle()
    status, body = call("RestoreTableToPointInTime", {
        "SourceTableName": source, "TargetTableName": target, "UseLatestRestorableTime": True,
        "GlobalSecondaryIndexOverride": []})
    assert status == 200, f"GlobalSecondaryIndexOverride [] must drop the GSIs, got {body}"
    described = wait_for_table(ddb, target)
    assert "GlobalSecondaryIndexes" not in described
    assert scan_all(ddb, target) == as_contents(items)


def test_restore_with_billing_override(call, ddb, unique_name):
    source, target = unique_name(), unique_name()
    create_keyed_table(ddb, source)
    enable_pitr(call, source)
    items = varied_items(n=3)
    put_all(ddb, source, items)
    settle()
    _, described = restore_to(
        call, ddb, source, target, None, BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3})
    assert (described["ProvisionedThroughput"]["ReadCapacityUnits"],
            described["ProvisionedThroughput"]["WriteCapacityUnits"]) == (2, 3)
    assert described.get("BillingModeSummary", {"BillingMode": "PROVISIONED"})[
        "BillingMode"] == "PROVISIONED"
    assert scan_all(ddb, target) == as_contents(items)


# --- A deleted table --------------------------------------------------------------------------

def test_deleting_a_table_with_pitr_keeps_a_system_backup_and_its_history(call, ddb,
                                                                          unique_name):
    source = unique_name()
    create_keyed_table(ddb, source)
    enable_pitr(call, source)
    first = varied_items("a", 6)
    put_all(ddb, source, first)
    early = restore_point()
    user_arn = ddb.create_backup(TableName=source, BackupName="user-made")["BackupDetails"][
        "BackupArn"]
    ddb.delete_item(TableName=source, Key={"pk": first[0]["pk"], "sk": first[0]["sk"]})
    later = varied_items("b", 4)
    put_all(ddb, source, later)
    last = as_contents(first[1:] + later)
    before_delete = restore_point()
    ddb.delete_table(TableName=source)
    deleted_at = time.time()
    wait_for_table_gone(ddb, source)

    # (a) A SYSTEM backup, listed only for SYSTEM and ALL.
    system = ddb.list_backups(TableName=source, BackupType="SYSTEM")["BackupSummaries"]
    assert len(system) == 1, system
    backup = system[0]
    assert backup["BackupName"] == f"{source}$DeletedTableBackup"
    assert backup["BackupType"] == "SYSTEM"
    assert backup["BackupStatus"] == "AVAILABLE"
    assert backup["TableName"] == source
    assert backup["TableArn"] == table_arn(source)
    created = backup["BackupCreationDateTime"].timestamp()
    assert before_delete <= created <= deleted_at + 1
    expiry = backup["BackupExpiryDateTime"].timestamp()
    assert abs(expiry - (created + 35 * DAY)) < 0.002, (created, expiry)
    every = ddb.list_backups(TableName=source, BackupType="ALL")["BackupSummaries"]
    assert [b["BackupArn"] for b in every] == [user_arn, backup["BackupArn"]]
    assert [b["BackupArn"] for b in ddb.list_backups(TableName=source)["BackupSummaries"]] == [
        user_arn]
    assert backup["BackupArn"] not in [
        b["BackupArn"] for b in ddb.list_backups()["BackupSummaries"]]
    described = ddb.describe_backup(BackupArn=backup["BackupArn"])["BackupDescription"]
    assert described["BackupDetails"]["BackupType"] == "SYSTEM"
    assert described["BackupDetails"]["BackupExpiryDateTime"].timestamp() == expiry
    assert described["SourceTableDetails"]["ItemCount"] == len(last)
    # Restoring it gives the table's last contents.
    restored = unique_name()
    answer = ddb.restore_table_from_backup(TargetTableName=restored,
                                           BackupArn=backup["BackupArn"])["TableDescription"]
    assert answer["RestoreSummary"]["SourceBackupArn"] == backup["BackupArn"]
    wait_for_table(ddb, restored)
    assert scan_all(ddb, restored) == last

    # (b) The deleted table's history can still be restored by name, to before the deletion.
    for when, state in ((early, as_contents(first)), (before_delete, last)):
        target = unique_name()
        answer, _ = restore_to(call, ddb, source, target, when)
        assert answer["RestoreSummary"]["SourceTableArn"] == table_arn(source)
        assert scan_all(ddb, target) == state
    # Not to after it.
    expect_error(call, "RestoreTableToPointInTime",
                 {"SourceTableName": source, "TargetTableName": unique_name(),
                  "RestoreDateTime": time.time() + 30}, "InvalidRestoreTimeException")
    # The deleted table has no continuous backups to describe.
    expect_error(call, "DescribeContinuousBackups", {"TableName": source},
                 "TableNotFoundException", f"Table not found: {source}")


def test_deleting_a_table_without_pitr_keeps_nothing(call, ddb, table_name):
    create_keyed_table(ddb, table_name)
    put_all(ddb, table_name, varied_items(n=2))
    ddb.delete_table(TableName=table_name)
    wait_for_table_gone(ddb, table_name)
    assert ddb.list_backups(TableName=table_name, BackupType="ALL")["BackupSummaries"] == []
    expect_error(call, "RestoreTableToPointInTime",
                 {"SourceTableName": table_name, "TargetTableName": table_name + "_r",
                  "UseLatestRestorableTime": True}, "TableNotFoundException",
                 f"Table not found: {table_name}")


# --- A restart --------------------------------------------------------------------------------

def test_history_survives_a_restart(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server(data)
    ddb = first.client()

    def call_on(srv):
        def call(operation, request):
            status, _, body = raw_request(srv.port, operation, request)
            return status, body
        return call

    call = call_on(first)

    create_keyed_table(ddb, "hist")
    put_all(ddb, "hist", varied_items("a", 5))
    enabled = enable_pitr(call, "hist", RecoveryPeriodInDays=3)[
        "PointInTimeRecoveryDescription"]
    p0 = restore_point()
    s0 = scan_all(ddb, "hist")
    put_all(ddb, "hist", varied_items("b", 5))
    ddb.delete_item(TableName="hist", Key={"pk": {"S": "a0"}, "sk": {"N": "0"}})
    p1 = restore_point()
    s1 = scan_all(ddb, "hist")
    assert s0 != s1
    assert first.stop(signal.SIGTERM) == 0

    second = start_server(data)
    ddb = second.client()
    call = call_on(second)
    pitr = describe_pitr(call, "hist")["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    assert pitr["RecoveryPeriodInDays"] == 3
    assert pitr["EarliestRestorableDateTime"] == enabled["EarliestRestorableDateTime"]
    ddb.put_item(TableName="hist", Item={"pk": {"S": "after"}, "sk": {"N": "1"}})
    p2 = restore_point()
    s2 = scan_all(ddb, "hist")
    for n, (when, state) in enumerate(((p0, s0), (p1, s1), (p2, s2))):
        restore_to(call, ddb, "hist", f"hist_{n}", when)
        assert scan_all(ddb, f"hist_{n}") == state, n
    assert second.stop(signal.SIGTERM) == 0


# --- The AWS CLI ------------------------------------------------------------------------------

def test_cli_round_trip(aws, ddb, unique_name):
    source, latest, at_second = unique_name(), unique_name(), unique_name()
    create_keyed_table(ddb, source)
    code, out, err = aws("update-continuous-backups", "--table-name", source,
                         "--point-in-time-recovery-specification",
                         "PointInTimeRecoveryEnabled=true")
    assert code == 0, err
    assert out["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"][
        "PointInTimeRecoveryStatus"] == "ENABLED"
    code, out, err = aws("describe-continuous-backups", "--table-name", source)
    assert code == 0, err
    assert out["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"][
        "PointInTimeRecoveryStatus"] == "ENABLED"
    ddb.put_item(TableName=source, Item={"pk": {"S": "before"}, "sk": {"N": "1"}})
    # A whole second (the CLI's own timestamp format), between two writes.
    second = int(time.time()) + 1
    time.sleep(max(0.0, second - time.time()) + 0.01)
    ddb.put_item(TableName=source, Item={"pk": {"S": "after"}, "sk": {"N": "1"}})
    code, out, err = aws("restore-table-to-point-in-time", "--source-table-name", source,
                         "--target-table-name", at_second, "--no-use-latest-restorable-time",
                         "--restore-date-time", str(second))
    assert code == 0, err
    assert out["TableDescription"]["RestoreSummary"]["RestoreInProgress"] is True
    wait_for_table(ddb, at_second)
    assert list(scan_all(ddb, at_second)) == [key_of({"pk": {"S": "before"},
                                                      "sk": {"N": "1"}})]
    code, out, err = aws("restore-table-to-point-in-time", "--source-table-name", source,
                         "--target-table-name", latest, "--use-latest-restorable-time")
    assert code == 0, err
    wait_for_table(ddb, latest)
    assert len(scan_all(ddb, latest)) == 2
    code, out, err = aws("restore-table-to-point-in-time", "--source-table-name", source,
                         "--target-table-name", latest, "--use-latest-restorable-time")
    assert code != 0
    assert "TableAlreadyExistsException" in err
