"""UpdateItem: every UpdateExpression action, ReturnValues, conditions, key and index rules,
the errors DynamoDB gives while applying an update, capacity and atomic counters."""

import json
import threading

import boto3
import pytest
from botocore.config import Config

VALIDATION = "com.amazon.coral.validate#ValidationException"
FAILED = "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"
NOT_FOUND = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"


def validation(message):
    return 400, {"__type": VALIDATION, "message": message}


@pytest.fixture
def table(make_table, table_name):
    return make_table(table_name, ("pk", "S"), ("sk", "N"))


KEY = {"pk": {"S": "k"}, "sk": {"N": "1"}}


def put(call, table, **attrs):
    item = dict(KEY, **attrs)
    assert call("PutItem", {"TableName": table, "Item": item}) == (200, {})
    return item


def get(call, table, key=KEY):
    status, body = call("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
    assert status == 200
    return body.get("Item")


def update(call, table, expression, values=None, names=None, key=KEY, **extra):
    request = {"TableName": table, "Key": key, "UpdateExpression": expression}
    if values is not None:
        request["ExpressionAttributeValues"] = values
    if names is not None:
        request["ExpressionAttributeNames"] = names
    request.update(extra)
    return call("UpdateItem", request)


N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


def test_set_creates_item_and_returns_nothing_by_default(call, table):
    assert update(call, table, "SET a = :a", {":a": S("x")}) == (200, {})
    assert get(call, table) == dict(KEY, a=S("x"))


def test_update_without_expression_creates_key_only_item(call, table):
    assert call("UpdateItem", {"TableName": table, "Key": KEY}) == (200, {})
    assert get(call, table) == KEY


def test_remove_only_update_of_missing_item_creates_nothing(call, table):
    assert update(call, table, "REMOVE a, b.c, d[0]") == (200, {})
    assert update(call, table, "DELETE s :s", {":s": {"SS": ["x"]}}) == (200, {})
    assert get(call, table) is None


def test_set_arithmetic_functions_and_swap(call, table):
    put(call, table, a=N(5), b=N(7), l={"L": [N(1)]}, s=S("x"))
    values = {":one": N(1), ":l": {"L": [N(2), N(3)]}, ":d": S("default")}
    assert update(call, table,
                  "SET a = b, b = a, c = a + :one, d = :one - b, l = list_append(l, :l), "
                  "l2 = list_append(:l, l), e = if_not_exists(nothere, :d), "
                  "s = if_not_exists(s, :d)", values) == (200, {})
    assert get(call, table) == dict(KEY, a=N(7), b=N(5), c=N(6), d=N(-6),
                                    l={"L": [N(1), N(2), N(3)]},
                                    l2={"L": [N(2), N(3), N(1)]}, e=S("default"), s=S("x"))


def test_nested_set_remove_and_list_indexes(call, table):
    put(call, table, m={"M": {"x": N(1), "l": {"L": [S("a"), S("b"), S("c"), S("d")]}}})
    assert update(call, table, "SET m.y = :v, m.l[1] = :v, m.l[10] = :w REMOVE m.x",
                  {":v": S("v"), ":w": S("w")}) == (200, {})
    assert get(call, table)["m"] == {"M": {"y": S("v"), "l": {"L": [
        S("a"), S("v"), S("c"), S("d"), S("w")]}}}
    # Indexes name the list as it was before the update; past the end is a no-op.
    assert update(call, table, "REMOVE m.l[0], m.l[2], m.l[99]") == (200, {})
    assert get(call, table)["m"]["M"]["l"] == {"L": [S("v"), S("d"), S("w")]}


def test_add_and_delete_numbers_and_sets(call, table):
    put(call, table, n=N("1.5"), ss={"SS": ["a", "b"]}, ns={"NS": ["1", "2"]})
    assert update(call, table, "ADD n :n, ss :ss, ns :ns, fresh :one, fs :fs",
                  {":n": N("-0.5"), ":ss": {"SS": ["b", "c"]}, ":ns": {"NS": ["2", "3"]},
                   ":one": N(1), ":fs": {"SS": ["z"]}}) == (200, {})
    item = get(call, table)
    assert item["n"] == N(1) and item["fresh"] == N(1) and item["fs"] == {"SS": ["z"]}
    assert sorted(item["ss"]["SS"]) == ["a", "b", "c"]
    assert sorted(item["ns"]["NS"]) == ["1", "2", "3"]
    assert update(call, table, "DELETE ss :ss, ns :all, nothing :ss",
                  {":ss": {"SS": ["a", "x"]}, ":all": {"NS": ["1", "2", "3"]}}) == (200, {})
    item = get(call, table)
    assert sorted(item["ss"]["SS"]) == ["b", "c"]
    assert "ns" not in item  # an emptied set is removed


@pytest.mark.parametrize("setup,expression,values,message", [
    ({}, "SET a = b", None,
     "The provided expression refers to an attribute that does not exist in the item"),
    ({}, "SET a = nothere + :one", {":one": N(1)},
     "The provided expression refers to an attribute that does not exist in the item"),
    ({"s": S("x")}, "SET a = s + :one", {":one": N(1)},
     "An operand in the update expression has an incorrect data type"),
    ({"s": S("x")}, "SET a = list_append(s, :l)", {":l": {"L": []}},
     "An operand in the update expression has an incorrect data type"),
    ({"s": S("x")}, "ADD s :one", {":one": N(1)},
     "An operand in the update expression has an incorrect data type"),
    ({"ns": {"NS": ["1"]}}, "ADD ns :ss", {":ss": {"SS": ["1"]}},
     "An operand in the update expression has an incorrect data type"),
    ({"s": S("x")}, "DELETE s :ss", {":ss": {"SS": ["x"]}},
     "An operand in the update expression has an incorrect data type"),
    ({}, "SET m.x = :one", {":one": N(1)},
     "The document path provided in the update expression is invalid for update"),
    ({"s": S("x")}, "SET s.x = :one", {":one": N(1)},
     "The document path provided in the update expression is invalid for update"),
    ({"s": S("x")}, "SET s[0] = :one", {":one": N(1)},
     "The document path provided in the update expression is invalid for update"),
    ({"l": {"L": []}}, "SET l.x = :one", {":one": N(1)},
     "The document path provided in the update expression is invalid for update"),
    ({}, "REMOVE m.x", None,
     "The document path provided in the update expression is invalid for update"),
    ({"big": N("9.9999999999999999999999999999999999999e125")}, "SET a = big + big", None,
     "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ({"big": N("1e50")}, "ADD big :one", {":one": N(1)},
     "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ({"tiny": N("1.5e-130")}, "SET a = tiny - :t", {":t": N("1.4e-130")},
     "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
])
def test_errors_while_applying(call, table, setup, expression, values, message):
    put(call, table, **setup)
    before = get(call, table)
    assert update(call, table, expression, values) == validation(message)
    assert get(call, table) == before  # nothing was written


@pytest.mark.parametrize("expression", [
    "SET pk = :v", "REMOVE sk", "ADD sk :one", "SET #p.x = :v", "DELETE pk :ss"])
def test_key_attributes_cannot_be_updated(call, table, expression):
    values = {":v": S("v"), ":one": N(1), ":ss": {"SS": ["a"]}}
    used = {k: v for k, v in values.items() if k in expression}
    names = {"#p": "pk"} if "#p" in expression else None
    attr = "sk" if "sk" in expression else "pk"
    assert update(call, table, expression, used or None, names) == validation(
        "One or more parameter values were invalid: Cannot update attribute " + attr +
        ". This attribute is part of the key")


def test_return_values(call, table):
    put(call, table, a=N(1), m={"M": {"x": N(1), "y": N(2)}}, gone=S("g"))
    values = {":two": N(2), ":v": S("v")}
    expression = "SET a = :two, m.x = :v, fresh = :v REMOVE gone"
    status, body = update(call, table, expression, values, ReturnValues="UPDATED_OLD")
    assert body == {"Attributes": {"a": N(1), "m": {"M": {"x": N(1)}}, "gone": S("g")}}
    status, body = update(call, table, "SET a = :two, m.x = :v, fresh = :v", values,
                          ReturnValues="UPDATED_NEW")
    assert body == {"Attributes": {"a": N(2), "m": {"M": {"x": S("v")}}, "fresh": S("v")}}
    status, body = update(call, table, "SET a = :v", {":v": S("v")}, ReturnValues="ALL_OLD")
    assert body["Attributes"]["a"] == N(2) and "pk" in body["Attributes"]
    status, body = update(call, table, "REMOVE a", ReturnValues="ALL_NEW")
    assert body == {"Attributes": dict(KEY, m={"M": {"x": S("v"), "y": N(2)}}, fresh=S("v"))}
    # Nothing to return: no Attributes member at all.
    other = {"pk": S("other"), "sk": N(1)}
    assert update(call, table, "SET a = :v", {":v": S("v")}, key=other,
                  ReturnValues="ALL_OLD") == (200, {})
    assert update(call, table, "REMOVE zz", key=other, ReturnValues="UPDATED_NEW") == (200, {})


def test_condition_on_update(call, table):
    put(call, table, version=N(1))
    request = {"ConditionExpression": "version = :v", "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
    assert update(call, table, "SET version = version + :one", {":one": N(1), ":v": N(1)},
                  **request) == (200, {})
    status, body = update(call, table, "SET version = version + :one",
                          {":one": N(1), ":v": N(1)}, **request)
    assert (status, body) == (400, {"__type": FAILED, "message": "The conditional request failed",
                                    "Item": dict(KEY, version=N(2))})
    # A failed condition on a missing item creates nothing.
    other = {"pk": S("o"), "sk": N(1)}
    status, body = update(call, table, "SET a = :one", {":one": N(1)}, key=other,
                          ConditionExpression="attribute_exists(pk)")
    assert body["__type"] == FAILED
    assert get(call, table, other) is None


@pytest.mark.parametrize("extra,message", [
    ({"UpdateExpression": "SET a = :a", "AttributeUpdates": {}},
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"),
    ({"UpdateExpression": "SET a = :a", "ConditionExpression": "a = :a", "Expected": {},
      "AttributeUpdates": {}},
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: "
     "{UpdateExpression, ConditionExpression}"),
    ({"ExpressionAttributeValues": {":a": {"S": "a"}}},
     "ExpressionAttributeValues can only be specified when using expressions: "
     "UpdateExpression and ConditionExpression are null"),
    ({"ExpressionAttributeNames": {"#a": "a"}},
     "ExpressionAttributeNames can only be specified when using expressions"),
    ({"UpdateExpression": ""}, "Invalid UpdateExpression: The expression can not be empty;"),
    ({"UpdateExpression": "SET a = :a", "ExpressionAttributeValues": {":a": S("x"), ":b": S("y")}},
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"),
    ({"UpdateExpression": "SET a = :a", "ConditionExpression": "#c <> :b",
      "ExpressionAttributeValues": {":a": S("x"), ":b": S("y")},
      "ExpressionAttributeNames": {"#c": "c"}}, None),
    ({"UpdateExpression": "ADD a :a", "ExpressionAttributeValues": {":a": S("x")}},
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
     "operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"),
    ({"UpdateExpression": "SET a = :a", "ReturnValues": "bogus",
      "ExpressionAttributeValues": {":a": S("x")}},
     "1 validation error detected: Value 'bogus' at 'returnValues' failed to satisfy constraint: "
     "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"),
])
def test_request_validation(call, table, extra, message):
    status, body = call("UpdateItem", dict({"TableName": table, "Key": KEY}, **extra))
    if message is None:
        assert status == 200  # names and values shared by both expressions count as used
    else:
        assert (status, body) == validation(message)


def test_missing_table_and_bad_key(call, table):
    status, body = update(call, "no_such_table_xyz", "SET a = :a", {":a": S("x")})
    assert (status, body) == (400, {"__type": NOT_FOUND, "message": "Requested resource not found"})
    assert update(call, table, "SET a = :a", {":a": S("x")}, key={"pk": S("k")}) == validation(
        "The provided key element does not match the schema")


def test_item_size_limit_after_update(call, table):
    put(call, table, big=S("x" * 300000))
    assert update(call, table, "SET more = :m", {":m": S("y" * 150000)}) == validation(
        "Item size to update has exceeded the maximum allowed size")


@pytest.fixture
def indexed(call, make_table, table_name):
    return make_table(
        table_name, ("pk", "S"), ("sk", "N"),
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "byg",
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}],
        BillingMode="PAY_PER_REQUEST")


def test_index_key_rules(call, indexed):
    assert update(call, indexed, "SET g = :n", {":n": N(1)}) == validation(
        "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S "
        "Actual: N IndexName: byg")
    put(call, indexed, g=S("x"))
    assert update(call, indexed, "SET g = :n", {":n": N(1)}) == validation(
        "The update expression attempted to update the secondary index key to unsupported type")
    assert update(call, indexed, "SET g = :e", {":e": S("")}) == validation(
        "One or more parameter values are not valid. The update expression attempted to update a "
        "secondary index key to a value that is not supported. The AttributeValue for a key "
        "attribute cannot contain an empty string value.")
    assert update(call, indexed, "SET g.x = :e", {":e": S("")}) == validation(
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
        "allowed: IndexKey: g")
    assert update(call, indexed, "SET g = :y", {":y": S("y")}) == (200, {})


def test_consumed_capacity(call, table):
    put(call, table, big=S("x" * 2000))
    status, body = update(call, table, "REMOVE big", ReturnConsumedCapacity="TOTAL")
    # max(old, new) = a bit over 2000 bytes: 2 units.
    assert body["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 2.0}
    other = {"pk": S("new"), "sk": N(1)}
    status, body = update(call, table, "SET a = :v", {":v": S("v")}, key=other,
                          ReturnConsumedCapacity="TOTAL")
    assert body["ConsumedCapacity"]["CapacityUnits"] == 1.0


def test_atomic_counter_under_concurrency(server, table):
    def worker():
        client = boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="x", aws_secret_access_key="x",
                              config=Config(retries={"max_attempts": 0}))
        for _ in range(25):
            client.update_item(TableName=table, Key=KEY, UpdateExpression="ADD #c :one",
                               ExpressionAttributeNames={"#c": "counter"},
                               ExpressionAttributeValues={":one": {"N": "1"}})
    errors = []

    def run():
        try:
            worker()
        except Exception as e:  # surfaced below: a thread's exception would be lost
            errors.append(e)
    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    client = boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
    item = client.get_item(TableName=table, Key=KEY, ConsistentRead=True)["Item"]
    assert item["counter"] == {"N": "200"}


def test_boto3_resource_update(server, table):
    resource = boto3.resource("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="x", aws_secret_access_key="x")
    t = resource.Table(table)
    out = t.update_item(Key={"pk": "r", "sk": 1},
                        UpdateExpression="SET #n = :n, tags = :t ADD visits :one",
                        ExpressionAttributeNames={"#n": "name"},
                        ExpressionAttributeValues={":n": "Ann", ":t": {"x", "y"}, ":one": 1},
                        ReturnValues="ALL_NEW")
    assert out["Attributes"]["name"] == "Ann" and out["Attributes"]["visits"] == 1
    assert out["Attributes"]["tags"] == {"x", "y"}


def test_aws_cli_update(aws, table):
    code, out, err = aws("update-item", "--table-name", table,
                         "--key", json.dumps({"pk": {"S": "cli"}, "sk": {"N": "1"}}),
                         "--update-expression", "SET v = :v", "--expression-attribute-values",
                         json.dumps({":v": {"S": "from-cli"}}), "--return-values", "UPDATED_NEW")
    assert code == 0, err
    assert out == {"Attributes": {"v": {"S": "from-cli"}}}


def test_item_collection_metrics_on_tables_with_local_indexes(call, make_table, unique_name):
    plain = make_table(unique_name(), ("pk", "S"), ("sk", "N"))
    lsi = make_table(
        unique_name(), ("pk", "S"), ("sk", "N"),
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"},
                              {"AttributeName": "l", "AttributeType": "S"}],
        LocalSecondaryIndexes=[{"IndexName": "byl",
                                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                              {"AttributeName": "l", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    metrics = {"ItemCollectionKey": {"pk": S("k")}, "SizeEstimateRangeGB": [0.0, 1.0]}
    item = dict(KEY, l=S("x"))
    assert call("PutItem", {"TableName": lsi, "Item": item,
                            "ReturnItemCollectionMetrics": "SIZE"}) == (
        200, {"ItemCollectionMetrics": metrics})
    assert update(call, lsi, "SET a = :a", {":a": S("y")},
                  ReturnItemCollectionMetrics="SIZE") == (200, {"ItemCollectionMetrics": metrics})
    assert call("DeleteItem", {"TableName": lsi, "Key": KEY,
                               "ReturnItemCollectionMetrics": "SIZE"}) == (
        200, {"ItemCollectionMetrics": metrics})
    # Without local indexes DynamoDB answers no metrics.
    assert call("PutItem", {"TableName": plain, "Item": KEY,
                            "ReturnItemCollectionMetrics": "SIZE"}) == (200, {})
