"""The item-collection size limit of tables with local secondary indexes.

DynamoDB refuses a write that would grow the items (and local-index entries) sharing a
partition key past 10 GB. The servers here run with --item-collection-limit 4000 bytes so
the limit can be reached; the accounting is the same at any limit.
"""

import botocore.exceptions
import pytest

from conftest import wait_for_table

LIMIT = 4000
MESSAGE = "Item collection size limit exceeded"


def _create(client, name, with_lsi=True):
    request = dict(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t}
                              for n, t in (("pk", "S"), ("sk", "N"), ("l", "S"))],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST")
    if with_lsi:
        request["LocalSecondaryIndexes"] = [{
            "IndexName": "by_l", "Projection": {"ProjectionType": "ALL"},
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "l", "KeyType": "RANGE"}]}]
    else:
        request["AttributeDefinitions"] = request["AttributeDefinitions"][:2]
    client.create_table(**request)
    wait_for_table(client, name)


def _item(pk, sk, size=900, lsi=True):
    item = {"pk": {"S": pk}, "sk": {"N": str(sk)}, "d": {"S": "x" * size}}
    if lsi:
        item["l"] = {"S": "l%d" % sk}
    return item


def _limited(start_server, data_dir=None):
    srv = start_server(data_dir, "--item-collection-limit", str(LIMIT))
    return srv, srv.client()


def _assert_limit_error(error):
    err = error.response
    assert err["Error"]["Code"] == "ItemCollectionSizeLimitExceededException"
    assert err["Error"]["Message"] == MESSAGE
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400


def _fill(client, table, pk="p"):
    """Puts ~1.8 KB items (item + ALL-projected LSI entry) until one is refused; returns
    how many were written."""
    for sk in range(10):
        try:
            client.put_item(TableName=table, Item=_item(pk, sk))
        except botocore.exceptions.ClientError as e:
            _assert_limit_error(e)
            return sk
    raise AssertionError("the limit was never reached")


def test_a_write_past_the_limit_is_refused_and_not_applied(start_server):
    _, client = _limited(start_server)
    _create(client, "coll")
    written = _fill(client, "coll")
    assert written == 2  # 2 x (900-byte item + its LSI entry) fit in 4000 bytes; a third not
    assert "Item" not in client.get_item(TableName="coll",
                                         Key={"pk": {"S": "p"}, "sk": {"N": str(written)}})
    # The index agrees: only the written items are in it.
    got = client.query(TableName="coll", IndexName="by_l",
                       KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert got["Count"] == written


def test_other_partitions_and_shrinking_writes_are_not_limited(start_server):
    _, client = _limited(start_server)
    _create(client, "coll")
    written = _fill(client, "coll")
    client.put_item(TableName="coll", Item=_item("other", 0))  # its own collection
    # Shrinking an item, removing its index attribute, or deleting is always allowed.
    client.put_item(TableName="coll", Item=_item("p", 0, size=10))
    client.update_item(TableName="coll", Key={"pk": {"S": "p"}, "sk": {"N": "1"}},
                       UpdateExpression="REMOVE l")
    # Now there is room again.
    client.put_item(TableName="coll", Item=_item("p", written))
    client.delete_item(TableName="coll", Key={"pk": {"S": "p"}, "sk": {"N": "0"}})


def test_update_and_batch_write_past_the_limit_are_refused(start_server):
    _, client = _limited(start_server)
    _create(client, "coll")
    _fill(client, "coll")
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.update_item(TableName="coll", Key={"pk": {"S": "p"}, "sk": {"N": "0"}},
                           UpdateExpression="SET more = :m",
                           ExpressionAttributeValues={":m": {"S": "y" * 1000}})
    _assert_limit_error(excinfo.value)
    item = client.get_item(TableName="coll", Key={"pk": {"S": "p"}, "sk": {"N": "0"}})["Item"]
    assert "more" not in item
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.batch_write_item(RequestItems={"coll": [{"PutRequest": {"Item": _item("p", 7)}}]})
    _assert_limit_error(excinfo.value)


def test_a_transaction_past_the_limit_is_cancelled(start_server):
    _, client = _limited(start_server)
    _create(client, "coll")
    _fill(client, "coll")
    with pytest.raises(client.exceptions.TransactionCanceledException) as excinfo:
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": "coll", "Item": _item("q", 1)}},
            {"Put": {"TableName": "coll", "Item": _item("p", 8)}},
        ])
    assert excinfo.value.response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ItemCollectionSizeLimitExceeded", "Message": "Collection size exceeded."},
    ]
    assert "Item" not in client.get_item(TableName="coll",
                                         Key={"pk": {"S": "q"}, "sk": {"N": "1"}})
    # Two puts that fit alone but not together in one collection are refused together.
    client.delete_item(TableName="coll", Key={"pk": {"S": "p"}, "sk": {"N": "0"}})
    with pytest.raises(client.exceptions.TransactionCanceledException) as excinfo:
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": "coll", "Item": _item("p", 8)}},
            {"Put": {"TableName": "coll", "Item": _item("p", 9)}},
        ])
    codes = [r["Code"] for r in excinfo.value.response["CancellationReasons"]]
    assert codes == ["ItemCollectionSizeLimitExceeded"] * 2


def test_tables_without_local_indexes_have_no_limit(start_server):
    _, client = _limited(start_server)
    _create(client, "plain", with_lsi=False)
    for sk in range(8):  # ~7 KB in one partition
        client.put_item(TableName="plain", Item=_item("p", sk, lsi=False))


def test_item_collection_metrics_and_the_limit_survive_a_restart(start_server, tmp_path):
    data = tmp_path / "data"
    srv, client = _limited(start_server, data)
    _create(client, "coll")
    written = _fill(client, "coll")
    resp = client.put_item(TableName="coll", Item=_item("p", 0, size=10),
                           ReturnItemCollectionMetrics="SIZE")
    assert resp["ItemCollectionMetrics"] == {
        "ItemCollectionKey": {"pk": {"S": "p"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
    assert srv.stop() == 0
    _, client = _limited(start_server, data)
    client.put_item(TableName="coll", Item=_item("p", written))  # fits after the shrink
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.put_item(TableName="coll", Item=_item("p", written + 1))
    _assert_limit_error(excinfo.value)
