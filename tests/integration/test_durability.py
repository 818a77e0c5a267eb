"""Persistence across restarts, a SIGKILL, and DeleteTable."""

import signal

from conftest import wait_for_table, wait_for_table_gone

ITEMS = [
    {"pk": {"S": "strings"}, "s": {"S": "ü"}, "empty": {"S": ""}, "ss": {"SS": ["a", "b"]}},
    {"pk": {"S": "numbers"}, "n": {"N": "-15789000"}, "ns": {"NS": ["1.5", "2"]}},
    {"pk": {"S": "binary"}, "b": {"B": b"\x00\xff"}, "bs": {"BS": [b"\x01", b"\x02"]}},
    {"pk": {"S": "docs"}, "m": {"M": {"l": {"L": [{"BOOL": True}, {"NULL": True},
                                                  {"M": {"x": {"N": "1"}}}]}}}},
]


def _sorted_sets(item):
    return {name: ({kind: sorted(v)} if kind in ("SS", "NS", "BS") else {kind: v})
            for name, value in item.items() for kind, v in value.items()}


def _create_tables(client):
    client.create_table(
        TableName="plain", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    client.create_table(
        TableName="indexed",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t}
                              for n, t in (("pk", "S"), ("sk", "N"), ("g", "S"))],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[{"IndexName": "by_g", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    wait_for_table(client, "plain")
    wait_for_table(client, "indexed")


def test_tables_and_items_survive_a_restart(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server(data)
    client = first.client()
    _create_tables(client)
    for item in ITEMS:
        client.put_item(TableName="plain", Item=item)
    client.put_item(TableName="indexed", Item={"pk": {"S": "p"}, "sk": {"N": "1"},
                                               "g": {"S": "gee"}})
    client.put_item(TableName="plain", Item={"pk": {"S": "gone"}})
    client.delete_item(TableName="plain", Key={"pk": {"S": "gone"}})
    client.update_table(TableName="plain",
                        ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 9})
    wait_for_table(client, "plain")
    before = {name: client.describe_table(TableName=name)["Table"]
              for name in ("plain", "indexed")}
    assert first.stop(signal.SIGTERM) == 0

    second = start_server(data)
    client = second.client()
    assert client.list_tables()["TableNames"] == ["indexed", "plain"]
    for name in ("plain", "indexed"):
        after = client.describe_table(TableName=name)["Table"]
        for field in ("TableId", "TableArn", "CreationDateTime", "KeySchema",
                      "AttributeDefinitions", "BillingModeSummary", "StreamSpecification",
                      "LatestStreamArn", "LatestStreamLabel"):
            assert after.get(field) == before[name].get(field), (name, field)
        assert after["TableStatus"] == "ACTIVE"
        assert after["ItemCount"] == before[name]["ItemCount"]
    plain = client.describe_table(TableName="plain")["Table"]
    assert (plain["ProvisionedThroughput"]["ReadCapacityUnits"],
            plain["ProvisionedThroughput"]["WriteCapacityUnits"]) == (7, 9)
    indexed = client.describe_table(TableName="indexed")["Table"]
    assert [(i["IndexName"], i["IndexArn"]) for i in indexed["GlobalSecondaryIndexes"]] == \
        [(i["IndexName"], i["IndexArn"]) for i in before["indexed"]["GlobalSecondaryIndexes"]]

    for item in ITEMS:
        got = client.get_item(TableName="plain", Key={"pk": item["pk"]}, ConsistentRead=True)
        assert _sorted_sets(got["Item"]) == _sorted_sets(item)
    assert "Item" not in client.get_item(TableName="plain", Key={"pk": {"S": "gone"}})
    assert client.get_item(TableName="indexed", Key={"pk": {"S": "p"}, "sk": {"N": "1"}})[
        "Item"]["g"] == {"S": "gee"}
    assert second.stop(signal.SIGTERM) == 0


def test_acknowledged_writes_survive_sigkill(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server(data)
    client = first.client()
    client.create_table(
        TableName="crash", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    wait_for_table(client, "crash")
    count = 500
    for i in range(count):
        client.put_item(TableName="crash", Item={
            "pk": {"S": f"item{i:04}"}, "n": {"N": str(i * 7)}, "payload": {"S": "p" * (i % 97)}})
    for i in range(0, count, 50):  # overwrites and deletes must survive too
        client.put_item(TableName="crash", Item={"pk": {"S": f"item{i:04}"},
                                                 "n": {"N": "-1"}, "payload": {"S": "new"}})
    client.delete_item(TableName="crash", Key={"pk": {"S": "item0001"}})
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL

    second = start_server(data)
    client = second.client()
    for i in range(count):
        got = client.get_item(TableName="crash", Key={"pk": {"S": f"item{i:04}"}},
                              ConsistentRead=True)
        if i == 1:
            assert "Item" not in got
        elif i % 50 == 0:
            assert got["Item"] == {"pk": {"S": f"item{i:04}"}, "n": {"N": "-1"},
                                   "payload": {"S": "new"}}
        else:
            assert got["Item"] == {"pk": {"S": f"item{i:04}"}, "n": {"N": str(i * 7)},
                                   "payload": {"S": "p" * (i % 97)}}, i
    assert second.stop(signal.SIGTERM) == 0


def test_deleted_table_stays_deleted_after_restart(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server(data)
    client = first.client()
    _create_tables(client)
    client.put_item(TableName="plain", Item={"pk": {"S": "old"}, "v": {"S": "x"}})
    old_id = client.describe_table(TableName="plain")["Table"]["TableId"]
    client.delete_table(TableName="plain")
    wait_for_table_gone(client, "plain")
    assert first.stop(signal.SIGTERM) == 0

    second = start_server(data)
    client = second.client()
    assert client.list_tables()["TableNames"] == ["indexed"]
    try:
        client.describe_table(TableName="plain")
        raise AssertionError("plain still exists after restart")
    except client.exceptions.ResourceNotFoundException as error:
        assert error.response["Error"]["Message"] == \
            "Requested resource not found: Table: plain not found"
    client.create_table(
        TableName="plain", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    recreated = wait_for_table(client, "plain")
    assert recreated["TableId"] != old_id
    assert recreated["ItemCount"] == 0
    assert "Item" not in client.get_item(TableName="plain", Key={"pk": {"S": "old"}},
                                         ConsistentRead=True)
    assert second.stop(signal.SIGTERM) == 0

    third = start_server(data)
    client = third.client()
    assert "Item" not in client.get_item(TableName="plain", Key={"pk": {"S": "old"}},
                                         ConsistentRead=True)
    assert client.describe_table(TableName="plain")["Table"]["TableId"] == recreated["TableId"]
    assert third.stop(signal.SIGTERM) == 0


def test_sigint_stops_gracefully_and_keeps_data(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server(data)
    client = first.client()
    client.create_table(
        TableName="interrupted",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    wait_for_table(client, "interrupted")
    client.put_item(TableName="interrupted", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    assert first.stop(signal.SIGINT) == 0

    second = start_server(data)
    got = second.client().get_item(TableName="interrupted", Key={"pk": {"S": "a"}})
    assert got["Item"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert second.stop(signal.SIGTERM) == 0
