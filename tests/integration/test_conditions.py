"""Conditional PutItem and DeleteItem: ConditionExpression, its placeholders, and atomicity."""

import threading

import boto3
import pytest
from botocore.config import Config

VALIDATION = "com.amazon.coral.validate#ValidationException"
FAILED = "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"


@pytest.fixture
def locks(make_table, table_name):
    return make_table(table_name, ("LockID", "S"))


def validation(message):
    return 400, {"__type": VALIDATION, "message": message}


def test_terraform_style_lock(call, locks):
    lock = {"LockID": {"S": "state/prod"}, "Info": {"S": "holder-1"}}
    request = {"TableName": locks, "Item": lock, "ConditionExpression": "attribute_not_exists(LockID)"}
    assert call("PutItem", request) == (200, {})
    status, body = call("PutItem", dict(request, Item=dict(lock, Info={"S": "holder-2"})))
    assert (status, body) == (400, {"__type": FAILED, "message": "The conditional request failed"})
    # The failed write changed nothing.
    status, body = call("GetItem", {"TableName": locks, "Key": {"LockID": {"S": "state/prod"}}})
    assert body["Item"]["Info"] == {"S": "holder-1"}
    # Release only by the holder.
    release = {"TableName": locks, "Key": {"LockID": {"S": "state/prod"}},
               "ConditionExpression": "Info = :me"}
    status, body = call("DeleteItem", dict(release, ExpressionAttributeValues={":me": {"S": "x"}}))
    assert body["__type"] == FAILED
    assert call("DeleteItem", dict(release, ExpressionAttributeValues={
        ":me": {"S": "holder-1"}})) == (200, {})


def test_failed_condition_returns_old_item_when_asked(call, locks):
    item = {"LockID": {"S": "a"}, "n": {"N": "1"}}
    assert call("PutItem", {"TableName": locks, "Item": item}) == (200, {})
    status, body = call("PutItem", {
        "TableName": locks, "Item": item, "ConditionExpression": "n > :two",
        "ExpressionAttributeValues": {":two": {"N": "2"}},
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert (status, body) == (400, {"__type": FAILED, "message": "The conditional request failed",
                                    "Item": item})
    status, body = call("DeleteItem", {
        "TableName": locks, "Key": {"LockID": {"S": "absent"}},
        "ConditionExpression": "attribute_exists(LockID)",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert (status, body) == (400, {"__type": FAILED, "message": "The conditional request failed"})


def test_conditions_with_names_and_nested_paths(call, locks):
    item = {"LockID": {"S": "n"}, "name": {"S": "x"},
            "doc": {"M": {"tags": {"L": [{"S": "red"}, {"S": "blue"}]}}}}
    assert call("PutItem", {"TableName": locks, "Item": item}) == (200, {})
    ok = {"TableName": locks, "Item": item,
          "ConditionExpression": "#n = :x AND contains(doc.tags, :blue) AND size(doc.tags) = :two",
          "ExpressionAttributeNames": {"#n": "name"},
          "ExpressionAttributeValues": {":x": {"S": "x"}, ":blue": {"S": "blue"},
                                        ":two": {"N": "2"}}}
    assert call("PutItem", ok) == (200, {})
    assert call("PutItem", dict(ok, ConditionExpression="doc.tags[0] = :x AND #n = :x AND "
                                                        "begins_with(#n, :blue) OR size(#n) > :two"
                                )) == (400, {"__type": FAILED,
                                             "message": "The conditional request failed"})


@pytest.mark.parametrize("extra,expected", [
    ({"ExpressionAttributeNames": {"#a": "a"}},
     "ExpressionAttributeNames can only be specified when using expressions"),
    ({"ExpressionAttributeValues": {":a": {"S": "a"}}},
     "ExpressionAttributeValues can only be specified when using expressions: "
     "ConditionExpression is null"),
    ({"ConditionExpression": "a = :a", "ExpressionAttributeValues": {}},
     "ExpressionAttributeValues must not be empty"),
    ({"ConditionExpression": "#a = :a", "ExpressionAttributeNames": {},
      "ExpressionAttributeValues": {":a": {"S": "a"}}},
     "ExpressionAttributeNames must not be empty"),
    ({"ConditionExpression": "a = :a", "ExpressionAttributeValues": {"a": {"S": "a"}}},
     'ExpressionAttributeValues contains invalid key: Syntax error; key: "a"'),
    ({"ConditionExpression": "#" + "n" * 254 + " = :a",
      "ExpressionAttributeNames": {"#" + "n" * 254: "a"},
      "ExpressionAttributeValues": {":a": {"S": "a"}}}, None),
    ({"ConditionExpression": "#" + "n" * 255 + " = :a",
      "ExpressionAttributeNames": {"#" + "n" * 255: "a"},
      "ExpressionAttributeValues": {":a": {"S": "a"}}},
     "ExpressionAttributeNames contains invalid key: The expression attribute map contains a "
     "key that is too long; size of key: 256"),
    ({"ConditionExpression": "a = :a", "ExpressionAttributeValues": {":a": {"SS": []}}},
     "ExpressionAttributeValues contains invalid value: One or more parameter values were "
     "invalid: An string set  may not be empty for key :a"),
    ({"ConditionExpression": "a = :a", "ExpressionAttributeValues": {":a": {"S": "a"},
                                                                     ":b": {"S": "b"}}},
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"),
    ({"ConditionExpression": "a = :c", "ExpressionAttributeValues": {":a": {"S": "a"}}},
     "Invalid ConditionExpression: An expression attribute value used in expression is not "
     "defined; attribute value: :c"),
    ({"ConditionExpression": ""}, "Invalid ConditionExpression: The expression can not be empty;"),
    ({"ConditionExpression": "name = :a", "ExpressionAttributeValues": {":a": {"S": "a"}}},
     "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"),
    ({"ConditionExpression": "attribute_exists(a)", "Expected": {"a": {"Exists": False}}},
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
])
def test_condition_parameter_errors(call, locks, extra, expected):
    request = {"TableName": locks, "Item": {"LockID": {"S": "e"}}}
    request.update(extra)
    if expected is None:  # within the limits: the condition is evaluated (a is absent)
        assert call("PutItem", request)[1]["__type"] == FAILED
    else:
        assert call("PutItem", request) == validation(expected)


def test_racing_lock_acquisitions_have_one_winner(server, locks):
    client = boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="k", aws_secret_access_key="s",
                          config=Config(retries={"max_attempts": 0}, max_pool_connections=16))
    results = []
    lock = threading.Lock()

    def contend(i):
        try:
            client.put_item(TableName=locks, Item={"LockID": {"S": "race"}, "by": {"N": str(i)}},
                            ConditionExpression="attribute_not_exists(LockID)")
            outcome = "won"
        except client.exceptions.ConditionalCheckFailedException:
            outcome = "lost"
        with lock:
            results.append(outcome)

    for round_ in range(5):
        client.delete_item(TableName=locks, Key={"LockID": {"S": "race"}})
        results.clear()
        threads = [threading.Thread(target=contend, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == ["lost"] * 7 + ["won"], round_
