"""Stator's admin API (/_stator/...) and the `stator` admin commands: database snapshots and
their restores, reset, and the virtual clock (--clock virtual) driving time to live, streams
and point-in-time recovery without any waiting. None of this is DynamoDB's; the DynamoDB
requests in these tests check that the tables agree with what the admin API did."""

import http.client
import json
import os
import signal
import subprocess
import uuid

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import stator_binary, wait_for_table

DAY = 24 * 60 * 60


def admin(server, method, path, body=None, headers=None):
    """One admin request: (status, parsed JSON body, headers with lower-case names)."""
    data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request(method, path, body=data, headers=headers or {})
        response = conn.getresponse()
        raw = response.read()
        response_headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
    return response.status, json.loads(raw), response_headers


def ok(server, method, path, body=None):
    status, answer, _ = admin(server, method, path, body)
    assert status == 200, answer
    return answer


def cli(server, *args, env=None):
    """Runs `stator ARGS` against `server`: (exit code, parsed stdout or None, stderr)."""
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "STATOR_ENDPOINT": server.endpoint}
    full_env.update(env or {})
    done = subprocess.run([str(stator_binary()), *args], env=full_env, capture_output=True,
                          text=True, timeout=120)
    out = json.loads(done.stdout) if done.stdout.strip().startswith("{") else None
    return done.returncode, out, done.stderr


def error_of(call):
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"]["Code"]


def create_indexed_table(ddb, name, **extra):
    """pk/sk with a local index on `l` and a global index on `g`, both ALL."""
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"}
                              for a in ("pk", "sk", "l", "g")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        LocalSecondaryIndexes=[{"IndexName": "by_l", "Projection": {"ProjectionType": "ALL"},
                                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                              {"AttributeName": "l", "KeyType": "RANGE"}]}],
        GlobalSecondaryIndexes=[{"IndexName": "by_g", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
        **extra)
    wait_for_table(ddb, name)


def put(ddb, table, pk, sk, g="g1", l="l1", **attrs):
    item = {"pk": {"S": pk}, "sk": {"S": sk}, "g": {"S": g}, "l": {"S": l}}
    item.update(attrs)
    ddb.put_item(TableName=table, Item=item)


def keys(items):
    return sorted((i["pk"]["S"], i["sk"]["S"]) for i in items)


def scan(ddb, table):
    return keys(ddb.scan(TableName=table)["Items"])


def query_index(ddb, table, index, condition, values):
    return keys(ddb.query(TableName=table, IndexName=index, KeyConditionExpression=condition,
                          ExpressionAttributeValues=values)["Items"])


def counts(ddb, table):
    """DescribeTable's item count of the table and of each index."""
    t = ddb.describe_table(TableName=table)["Table"]
    indexes = t.get("LocalSecondaryIndexes", []) + t.get("GlobalSecondaryIndexes", [])
    return t["ItemCount"], {i["IndexName"]: i["ItemCount"] for i in indexes}


@pytest.fixture
def virtual(start_server):
    """An in-memory server on a virtual clock, and a boto3 client for it. Its periodic TTL sweep
    is a day apart, so only the clock's moves sweep."""
    srv = start_server(None, "--clock", "virtual", "--ttl-interval", "86400")
    return srv, srv.client()


# --- Snapshots and reset ---------------------------------------------------------------------

def test_snapshot_restore_round_trip_with_local_and_global_indexes(start_server):
    srv = start_server()
    ddb = srv.client()
    create_indexed_table(ddb, "orders")
    put(ddb, "orders", "alice", "1", g="open", l="b")
    put(ddb, "orders", "alice", "2", g="open", l="a")
    put(ddb, "orders", "bob", "1", g="closed", l="c")
    snap = ok(srv, "POST", "/_stator/snapshots", {"name": "fixture"})
    assert snap["name"] == "fixture"
    assert [(t["name"], t["item_count"]) for t in snap["tables"]] == [("orders", 3)]
    assert snap["tables"][0]["size_bytes"] > 0

    # A test changes everything: an index key, an item gone, a new item.
    put(ddb, "orders", "alice", "1", g="closed", l="z")
    ddb.delete_item(TableName="orders", Key={"pk": {"S": "bob"}, "sk": {"S": "1"}})
    put(ddb, "orders", "carol", "1", g="open", l="a")
    assert counts(ddb, "orders") == (3, {"by_l": 3, "by_g": 3})

    restored = ok(srv, "POST", "/_stator/snapshots/fixture/restore")
    assert restored == {"restored": "fixture", "tables": ["orders"]}
    assert scan(ddb, "orders") == [("alice", "1"), ("alice", "2"), ("bob", "1")]
    assert query_index(ddb, "orders", "by_g", "g = :g", {":g": {"S": "open"}}) == [
        ("alice", "1"), ("alice", "2")]
    assert query_index(ddb, "orders", "by_g", "g = :g", {":g": {"S": "closed"}}) == [("bob", "1")]
    by_l = ddb.query(TableName="orders", IndexName="by_l", KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "alice"}})["Items"]
    assert [i["l"]["S"] for i in by_l] == ["a", "b"]  # in the local index's order
    assert counts(ddb, "orders") == (3, {"by_l": 3, "by_g": 3})
    item = ddb.get_item(TableName="orders", Key={"pk": {"S": "alice"}, "sk": {"S": "1"}})["Item"]
    assert item["g"] == {"S": "open"}
    # The restored table is an ordinary table, and the snapshot can be restored again.
    put(ddb, "orders", "dave", "1")
    ok(srv, "POST", "/_stator/snapshots/fixture/restore")
    assert scan(ddb, "orders") == [("alice", "1"), ("alice", "2"), ("bob", "1")]


def test_restore_returns_the_table_set_to_the_snapshots(start_server):
    srv = start_server()
    ddb = srv.client()
    for name in ("kept", "dropped"):
        create_indexed_table(ddb, name)
        put(ddb, name, "x", "1")
    ok(srv, "POST", "/_stator/snapshots", {"name": "two-tables"})
    ddb.delete_table(TableName="dropped")
    create_indexed_table(ddb, "created-later")
    ok(srv, "POST", "/_stator/snapshots/two-tables/restore")
    assert ddb.list_tables()["TableNames"] == ["dropped", "kept"]
    assert scan(ddb, "dropped") == [("x", "1")]
    assert counts(ddb, "dropped") == (1, {"by_l": 1, "by_g": 1})
    assert error_of(lambda: ddb.describe_table(TableName="created-later")) == \
        "ResourceNotFoundException"


def test_reset_empties_tables_and_keeps_their_definitions(start_server):
    srv = start_server()
    ddb = srv.client()
    create_indexed_table(ddb, "events",
                         StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    ddb.update_time_to_live(TableName="events", TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "exp"})
    for i in range(5):
        put(ddb, "events", "p", str(i))
    before = ddb.describe_table(TableName="events")["Table"]
    streams = boto3.client("dynamodbstreams", endpoint_url=srv.endpoint, region_name="us-east-1",
                           aws_access_key_id="AKID", aws_secret_access_key="secret")
    arn = before["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    old_iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    assert ok(srv, "POST", "/_stator/reset") == {"tables": ["events"]}
    after = ddb.describe_table(TableName="events")["Table"]
    assert after["ItemCount"] == 0
    assert [i["ItemCount"] for i in after["GlobalSecondaryIndexes"]] == [0]
    assert [i["ItemCount"] for i in after["LocalSecondaryIndexes"]] == [0]
    for same in ("KeySchema", "AttributeDefinitions", "StreamSpecification", "LatestStreamArn",
                 "TableArn", "TableId", "CreationDateTime"):
        assert after[same] == before[same], same
    assert [i["IndexName"] for i in after["GlobalSecondaryIndexes"]] == ["by_g"]
    assert ddb.describe_time_to_live(TableName="events")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
    assert scan(ddb, "events") == []
    assert query_index(ddb, "events", "by_g", "g = :g", {":g": {"S": "g1"}}) == []

    # The stream keeps its ARN and starts afresh; a reader from before learns it lost data.
    assert error_of(lambda: streams.get_records(ShardIterator=old_iterator)) == \
        "TrimmedDataAccessException"
    put(ddb, "events", "q", "1")
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [("INSERT", "q")]
    assert counts(ddb, "events") == (1, {"by_l": 1, "by_g": 1})


def test_snapshots_survive_a_restart_on_disk(start_server, tmp_path):
    data = tmp_path / "data"
    srv = start_server(data)
    ddb = srv.client()
    create_indexed_table(ddb, "things")
    put(ddb, "things", "a", "1")
    ok(srv, "POST", "/_stator/snapshots", {"name": "kept"})
    ok(srv, "POST", "/_stator/snapshots", {"name": "dropped"})
    ok(srv, "DELETE", "/_stator/snapshots/dropped")
    ok(srv, "POST", "/_stator/reset")
    assert srv.stop(signal.SIGTERM) == 0

    srv = start_server(data)
    ddb = srv.client()
    listed = ok(srv, "GET", "/_stator/snapshots")["snapshots"]
    assert [s["name"] for s in listed] == ["kept"]
    assert scan(ddb, "things") == []
    ok(srv, "POST", "/_stator/snapshots/kept/restore")
    assert scan(ddb, "things") == [("a", "1")]
    assert counts(ddb, "things") == (1, {"by_l": 1, "by_g": 1})
    # The restored state itself survives a crash.
    srv.proc.kill()
    srv.proc.wait()
    srv = start_server(data)
    assert scan(srv.client(), "things") == [("a", "1")]


def test_bad_requests_get_json_errors(start_server):
    srv = start_server()
    for method, path, body, status, error in [
            ("GET", "/_stator/nothing", None, 404, "NotFound"),
            ("POST", "/_stator/snapshots/none/restore", None, 404, "NotFound"),
            ("DELETE", "/_stator/snapshots/none", None, 404, "NotFound"),
            ("PUT", "/_stator/snapshots", None, 405, "MethodNotAllowed"),
            ("GET", "/_stator/reset", None, 405, "MethodNotAllowed"),
            ("POST", "/_stator/snapshots", b"{not json", 400, "ValidationError"),
            ("POST", "/_stator/snapshots", {}, 400, "ValidationError"),
            ("POST", "/_stator/snapshots", {"name": "has space"}, 400, "ValidationError"),
            ("POST", "/_stator/snapshots", {"name": "x" * 256}, 400, "ValidationError"),
            ("POST", "/_stator/snapshots", {"name": "ok", "typo": 1}, 400, "ValidationError"),
            ("POST", "/_stator/clock", {"advance_seconds": 1}, 400, "ValidationError"),
    ]:
        got_status, answer, headers = admin(srv, method, path, body)
        assert (got_status, answer["error"]) == (status, error), (method, path, answer)
        assert isinstance(answer["message"], str) and answer["message"]
        assert headers["content-type"] == "application/json"
        if status == 405:
            assert headers["allow"]
    ok(srv, "POST", "/_stator/snapshots", {"name": "once"})
    status, answer, _ = admin(srv, "POST", "/_stator/snapshots", {"name": "once"})
    assert (status, answer["error"]) == (409, "AlreadyExists")
    # The DynamoDB protocol is untouched beside it.
    assert srv.client().list_tables()["TableNames"] == []


def test_cli_subcommands(start_server):
    srv = start_server(None, "--clock", "virtual")
    ddb = srv.client()
    create_indexed_table(ddb, "things")
    put(ddb, "things", "a", "1")
    code, out, _ = cli(srv, "snapshot", "create", "base")
    assert code == 0 and out["name"] == "base" and out["tables"][0]["item_count"] == 1
    code, out, _ = cli(srv, "snapshot", "list")
    assert code == 0 and [s["name"] for s in out["snapshots"]] == ["base"]
    code, out, _ = cli(srv, "snapshot", "describe", "base")
    assert code == 0 and out["name"] == "base"
    code, out, _ = cli(srv, "reset")
    assert code == 0 and out == {"tables": ["things"]}
    assert scan(ddb, "things") == []
    code, out, _ = cli(srv, "snapshot", "restore", "base")
    assert code == 0 and out == {"restored": "base", "tables": ["things"]}
    assert scan(ddb, "things") == [("a", "1")]

    code, clock, _ = cli(srv, "clock")
    assert code == 0 and clock["mode"] == "virtual"
    code, out, _ = cli(srv, "clock", "advance", "3600")
    assert code == 0 and out["now"] == clock["now"] + 3600
    code, out, _ = cli(srv, "clock", "set", str(int(clock["now"]) + 2 * DAY))
    assert code == 0 and out["now"] == int(clock["now"]) + 2 * DAY
    code, out, err = cli(srv, "clock", "set", str(int(clock["now"])))
    assert code == 1 and out is None and "ValidationError" in err and "backwards" in err

    code, _, err = cli(srv, "snapshot", "delete", "base")
    assert code == 0
    code, _, err = cli(srv, "snapshot", "restore", "base")
    assert code == 1 and "NotFound" in err
    code, _, err = cli(srv, "snapshot", "create", "bad name")
    assert code == 2 and "snapshot name" in err
    code, _, err = cli(srv, "reset", "--endpoint", "http://127.0.0.1:1")
    assert code == 1 and "cannot reach Stator" in err
    code, _, _ = cli(srv, "clock", "--endpoint", srv.endpoint, env={"STATOR_ENDPOINT": "http://x:1"})
    assert code == 0  # the flag wins over the environment


# --- The virtual clock ---------------------------------------------------------------------------

def test_virtual_clock_drives_time_to_live_without_waiting(virtual):
    srv, ddb = virtual
    now = int(ok(srv, "GET", "/_stator/clock")["now"])
    create_indexed_table(ddb, "sessions")
    ddb.update_time_to_live(TableName="sessions", TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "exp"})
    put(ddb, "sessions", "s", "past", exp={"N": str(now - 10)})
    put(ddb, "sessions", "s", "soon", exp={"N": str(now + 60)})
    put(ddb, "sessions", "s", "later", exp={"N": str(now + DAY)})
    put(ddb, "sessions", "s", "never")
    # The --ttl-interval sweep has not run (60 s by default): nothing is gone yet.
    assert len(scan(ddb, "sessions")) == 4

    moved = ok(srv, "POST", "/_stator/clock", {"advance_seconds": 30})
    assert moved["expired_items"] == 1  # the item already past its time
    assert scan(ddb, "sessions") == [("s", "later"), ("s", "never"), ("s", "soon")]
    moved = ok(srv, "POST", "/_stator/clock", {"advance_seconds": 30})
    assert moved["expired_items"] == 1
    assert scan(ddb, "sessions") == [("s", "later"), ("s", "never")]
    moved = ok(srv, "POST", "/_stator/clock", {"set": now + DAY})
    assert moved["expired_items"] == 1
    assert scan(ddb, "sessions") == [("s", "never")]
    assert counts(ddb, "sessions") == (1, {"by_l": 1, "by_g": 1})


def test_virtual_clock_expires_stream_iterators_and_records(virtual):
    srv, ddb = virtual
    create_indexed_table(ddb, "feed", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    streams = boto3.client("dynamodbstreams", endpoint_url=srv.endpoint, region_name="us-east-1",
                           aws_access_key_id="AKID", aws_secret_access_key="secret")
    arn = ddb.describe_table(TableName="feed")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    put(ddb, "feed", "a", "1")
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    ok(srv, "POST", "/_stator/clock", {"advance_seconds": 15 * 60})
    page = streams.get_records(ShardIterator=iterator)  # exactly 15 minutes: still good
    assert len(page["Records"]) == 1
    ok(srv, "POST", "/_stator/clock", {"advance_seconds": 15 * 60 + 1})
    assert error_of(lambda: streams.get_records(ShardIterator=iterator)) == "ExpiredIteratorException"
    # Records are kept 24 hours, then trimmed by the clock move's maintenance.
    ok(srv, "POST", "/_stator/clock", {"advance_seconds": DAY})
    fresh = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert streams.get_records(ShardIterator=fresh)["Records"] == []


def test_virtual_clock_dates_tables_backups_and_point_in_time_restores(virtual):
    srv, ddb = virtual
    start = 1_900_000_000
    assert ok(srv, "POST", "/_stator/clock", {"set": start})["iso"] == "2030-03-17T17:46:40.000Z"
    create_indexed_table(ddb, "ledger")
    table = ddb.describe_table(TableName="ledger")["Table"]
    assert table["CreationDateTime"].timestamp() == start
    ddb.update_continuous_backups(TableName="ledger", PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    put(ddb, "ledger", "acct", "1", balance={"N": "100"})
    ok(srv, "POST", "/_stator/clock", {"advance_seconds": 3600})
    put(ddb, "ledger", "acct", "1", balance={"N": "50"})
    backup = ddb.create_backup(TableName="ledger", BackupName="hourly")["BackupDetails"]
    assert backup["BackupCreationDateTime"].timestamp() == start + 3600
    ok(srv, "POST", "/_stator/clock", {"advance_seconds": 2 * DAY})
    window = ddb.describe_continuous_backups(TableName="ledger")["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]
    assert window["EarliestRestorableDateTime"].timestamp() == start
    assert window["LatestRestorableDateTime"].timestamp() == start + 3600 + 2 * DAY
    ddb.restore_table_to_point_in_time(SourceTableName="ledger", TargetTableName="ledger_then",
                                       RestoreDateTime=start + 1800)
    wait_for_table(ddb, "ledger_then")
    item = ddb.get_item(TableName="ledger_then",
                        Key={"pk": {"S": "acct"}, "sk": {"S": "1"}})["Item"]
    assert item["balance"] == {"N": "100"}


def test_the_system_clock_cannot_be_moved(start_server):
    srv = start_server()
    clock = ok(srv, "GET", "/_stator/clock")
    assert clock["mode"] == "system"
    status, answer, _ = admin(srv, "POST", "/_stator/clock", {"advance_seconds": 60})
    assert status == 400 and "--clock virtual" in answer["message"]


def test_virtual_clock_never_goes_back_even_across_restarts(start_server, tmp_path):
    srv = start_server(tmp_path / "data", "--clock", "virtual")
    now = ok(srv, "GET", "/_stator/clock")["now"]
    status, answer, _ = admin(srv, "POST", "/_stator/clock", {"set": now - 1})
    assert status == 400 and "backwards" in answer["message"]
    status, _, _ = admin(srv, "POST", "/_stator/clock", {"advance_seconds": -1})
    assert status == 400
    later = ok(srv, "POST", "/_stator/clock", {"advance_seconds": 10 * DAY})["now"]
    assert srv.stop() == 0
    srv = start_server(tmp_path / "data", "--clock", "virtual")
    assert ok(srv, "GET", "/_stator/clock")["now"] == later


# --- Access under --auth -------------------------------------------------------------------------

KEY, SECRET = "AKIDADMINTEST", "adminsecret"


def signed_headers(server, method, path, body, key=KEY, secret=SECRET):
    request = AWSRequest(method=method, url=f"{server.endpoint}{path}", data=body)
    if body:
        request.headers["Content-Type"] = "application/json"
    SigV4Auth(Credentials(key, secret), "dynamodb", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_auth_requires_signed_admin_requests(start_server, tmp_path):
    credentials = tmp_path / "credentials"
    credentials.write_text(f"{KEY}:{SECRET}\n")
    srv = start_server(None, "--clock", "virtual", "--auth", "--credentials-file", str(credentials))
    ddb = boto3.client("dynamodb", endpoint_url=srv.endpoint, region_name="us-east-1",
                       aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                       config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    create_indexed_table(ddb, "guarded")
    put(ddb, "guarded", "a", "1")

    # Nothing unsigned, or signed with a key the server does not know, touches the data.
    for method, path in [("POST", "/_stator/reset"), ("GET", "/_stator/snapshots"),
                         ("POST", "/_stator/clock")]:
        status, answer, _ = admin(srv, method, path, {} if method == "POST" else None)
        assert status == 403 and answer["error"] == "MissingAuthenticationTokenException"
    body = b"{}"
    status, answer, _ = admin(srv, "POST", "/_stator/reset", body,
                              signed_headers(srv, "POST", "/_stator/reset", body, key="AKIDOTHER"))
    assert status == 403 and answer["error"] == "UnrecognizedClientException"
    forged = signed_headers(srv, "POST", "/_stator/reset", body, secret="wrong")
    status, answer, _ = admin(srv, "POST", "/_stator/reset", body, forged)
    assert status == 403 and answer["error"] == "InvalidSignatureException"
    assert scan(ddb, "guarded") == [("a", "1")]

    # Signed with a known key, as any SDK signs: accepted.
    body = json.dumps({"name": "signed"}).encode()
    status, answer, _ = admin(srv, "POST", "/_stator/snapshots", body,
                              signed_headers(srv, "POST", "/_stator/snapshots", body))
    assert status == 200 and answer["name"] == "signed"
    # The CLI signs with the AWS keys of its environment.
    keys_env = {"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET}
    assert cli(srv, "reset")[0] == 1
    code, out, _ = cli(srv, "reset", env=keys_env)
    assert code == 0 and out == {"tables": ["guarded"]}
    # Signatures are checked against the real time, not the virtual one.
    code, _, _ = cli(srv, "clock", "advance", str(30 * DAY), env=keys_env)
    assert code == 0
    assert scan(ddb, "guarded") == []
    code, _, _ = cli(srv, "snapshot", "restore", "signed", env=keys_env)
    assert code == 0
    assert scan(ddb, "guarded") == [("a", "1")]
