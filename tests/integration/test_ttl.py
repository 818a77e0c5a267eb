"""Time to live: UpdateTimeToLive / DescribeTimeToLive with DynamoDB's answers and messages,
and the sweep that really deletes expired items (through the normal write path: indexes,
statistics and a REMOVE stream record marked as the service's).

The sweep tests start a server with --ttl-interval 1 and wait (bounded) for its first sweep;
the exact expiry rules are covered with a manual clock in tests/unit/ops/ttl_test.cc."""

import time

import boto3
import botocore.exceptions
import pytest

from conftest import wait_for_table

VALIDATION = "com.amazon.coral.validate#ValidationException"


def _create(client, name, **extra):
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_g", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
        **extra)
    wait_for_table(client, name)


def _error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_update_and_describe(ddb, table_name):
    _create(ddb, table_name)
    assert ddb.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        ddb.update_time_to_live(TableName=table_name, TimeToLiveSpecification={
            "Enabled": False, "AttributeName": "exp"})
    assert _error(excinfo) == ("ValidationException", "TimeToLive is already disabled")
    resp = ddb.update_time_to_live(TableName=table_name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "exp"})
    assert resp["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "exp"}
    assert ddb.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
    for spec, message in [
            ({"Enabled": True, "AttributeName": "exp"}, "TimeToLive is already enabled"),
            ({"Enabled": True, "AttributeName": "other"},
             "TimeToLive is active on a different AttributeName"),
            ({"Enabled": False, "AttributeName": "exp"},
             "Time to live has been modified multiple times within a fixed interval")]:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            ddb.update_time_to_live(TableName=table_name, TimeToLiveSpecification=spec)
        assert _error(excinfo) == ("ValidationException", message)


@pytest.mark.parametrize("body,message", [
    ({"TableName": "T01"}, "1 validation error detected: Value null at "
                           "'timeToLiveSpecification' failed to satisfy constraint: Member must "
                           "not be null"),
    ({"TableName": "T01", "TimeToLiveSpecification": {"AttributeName": "x"}},
     "1 validation error detected: Value null at 'timeToLiveSpecification.enabled' failed to "
     "satisfy constraint: Member must not be null"),
    ({"TableName": "T01", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": ""}},
     "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed "
     "to satisfy constraint: Member must have length greater than or equal to 1"),
])
def test_constraint_messages(call, body, message):
    assert call("UpdateTimeToLive", body) == (400, {"__type": VALIDATION, "message": message})


def test_missing_table(call):
    for op, body in [("DescribeTimeToLive", {"TableName": "it_ttl_missing"}),
                     ("UpdateTimeToLive", {"TableName": "it_ttl_missing",
                                           "TimeToLiveSpecification": {
                                               "Enabled": True, "AttributeName": "exp"}})]:
        status, body = call(op, body)
        assert status == 400
        assert body["__type"].endswith("#ResourceNotFoundException")
        assert body["message"] == "Requested resource not found: Table: it_ttl_missing not found"


def test_cli_round_trip(aws, ddb, table_name):
    _create(ddb, table_name)
    code, out, err = aws("update-time-to-live", "--table-name", table_name,
                         "--time-to-live-specification", "Enabled=true,AttributeName=exp")
    assert code == 0, err
    code, out, err = aws("describe-time-to-live", "--table-name", table_name)
    assert code == 0, err
    assert out["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}


def _wait_until(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_sweep_deletes_expired_items_through_the_write_path(start_server):
    srv = start_server(None, "--ttl-interval", "1")
    client = srv.client()
    _create(client, "ttl_sweep",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    client.update_time_to_live(TableName="ttl_sweep", TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "exp"})
    now = int(time.time())
    items = {
        "expired": {"exp": {"N": str(now - 60)}, "g": {"S": "G"}},
        "future": {"exp": {"N": str(now + 3600)}, "g": {"S": "G"}},
        "text": {"exp": {"S": str(now - 60)}, "g": {"S": "G"}},
    }
    for pk, attrs in items.items():
        client.put_item(TableName="ttl_sweep", Item=dict({"pk": {"S": pk}}, **attrs))
    # Until the sweep, the expired item is read like any other.
    assert _wait_until(lambda: "Item" not in client.get_item(
        TableName="ttl_sweep", Key={"pk": {"S": "expired"}}))
    left = sorted(i["pk"]["S"] for i in client.scan(TableName="ttl_sweep")["Items"])
    assert left == ["future", "text"]
    in_index = client.query(TableName="ttl_sweep", IndexName="by_g",
                            KeyConditionExpression="g = :g",
                            ExpressionAttributeValues={":g": {"S": "G"}})
    assert sorted(i["pk"]["S"] for i in in_index["Items"]) == ["future", "text"]
    assert client.describe_table(TableName="ttl_sweep")["Table"]["ItemCount"] == 2

    stream_client = boto3.client(
        "dynamodbstreams", endpoint_url=srv.endpoint, region_name="us-east-1",
        aws_access_key_id="AKID", aws_secret_access_key="secret")
    arn = client.describe_table(TableName="ttl_sweep")["Table"]["LatestStreamArn"]
    shard = stream_client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = stream_client.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = stream_client.get_records(ShardIterator=iterator)["Records"]
    removes = [r for r in records if r["eventName"] == "REMOVE"]
    assert len(removes) == 1
    assert removes[0]["dynamodb"]["Keys"] == {"pk": {"S": "expired"}}
    assert removes[0]["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com",
                                          "Type": "Service"}
    assert all("userIdentity" not in r for r in records if r["eventName"] == "INSERT")
