"""BatchGetItem and BatchWriteItem: boto3 (client, resource and batch_writer), the AWS CLI,
DynamoDB's serialization, constraint and validation messages in its order, capacity per
table, index maintenance, item-collection metrics, and the 16 MB BatchGetItem answer with
UnprocessedKeys."""

import json
import re

import boto3
import pytest
from botocore.config import Config

VALIDATION = "com.amazon.coral.validate#ValidationException"
SERIALIZATION = "com.amazon.coral.service#SerializationException"
NOT_FOUND = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"

DUPLICATES = "Provided list of item keys contains duplicates"
SCHEMA = "The provided key element does not match the schema"
MAP_KEYS = ("Map keys must satisfy constraint: [Member must have length less than or equal to "
            "255, Member must have length greater than or equal to 3, Member must satisfy "
            "regular expression pattern: [a-zA-Z0-9_.-]+]")
WRITE_LIST = ("Map value must satisfy constraint: [Member must have length less than or equal "
              "to 25, Member must have length greater than or equal to 1]")
CAST = ("class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to "
        "class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and "
        "java.lang.Class are in module java.base of loader 'bootstrap')")
VALUE_MAP = ("java.util.Map<java.lang.String, "
             "com.amazonaws.dynamodb.v20120810.AttributeValue>")

S = lambda v: {"S": v}  # noqa: E731
N = lambda v: {"N": str(v)}  # noqa: E731


def validation(message):
    return 400, {"__type": VALIDATION, "message": message}


def serialization(message):
    return 400, {"__type": SERIALIZATION, "Message": message}


def not_found():
    return 400, {"__type": NOT_FOUND, "message": "Requested resource not found"}


def constraint(value, path, rule):
    return f"Value {value} at '{path}' failed to satisfy constraint: {rule}"


def errors(*parts):
    n = len(parts)
    return validation(f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(parts))


def assert_validation_matches(response, pattern):
    status, body = response
    assert status == 400 and body["__type"] == VALIDATION, body
    assert re.fullmatch(pattern, body["message"]), body["message"]


@pytest.fixture
def table(make_table, table_name):
    return make_table(table_name)


@pytest.fixture
def range_table(make_table, unique_name):
    return make_table(unique_name(), ("pk", "S"), ("sk", "N"))


@pytest.fixture
def other_table(make_table, unique_name):
    return make_table(unique_name())


@pytest.fixture
def gsi_table(make_table, unique_name):
    return make_table(
        unique_name(), ("pk", "S"), None,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "gpk", "AttributeType": "S"},
                              {"AttributeName": "gsk", "AttributeType": "N"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "gsi", "Projection": {"ProjectionType": "ALL"},
            "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"},
                          {"AttributeName": "gsk", "KeyType": "RANGE"}]}])


@pytest.fixture
def lsi_table(make_table, unique_name):
    return make_table(
        unique_name(), ("pk", "S"), ("sk", "S"),
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"},
                              {"AttributeName": "lsk", "AttributeType": "S"}],
        LocalSecondaryIndexes=[{
            "IndexName": "lsi", "Projection": {"ProjectionType": "KEYS_ONLY"},
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "lsk", "KeyType": "RANGE"}]}])


@pytest.fixture(scope="module")
def resource(server):
    return boto3.resource(
        "dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id="AKID", aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def get(call, table, key):
    status, body = call("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
    assert status == 200, body
    return body.get("Item")


def put(name, item):
    return {"PutRequest": {"Item": item}}


def delete(key):
    return {"DeleteRequest": {"Key": key}}


# --- Functionality ---

def test_batch_writer_then_batch_get_with_boto3_resource(resource, table):
    t = resource.Table(table)
    items = [{"pk": f"item{i:02d}", "n": i, "tags": {"a", f"t{i}"}} for i in range(60)]
    with t.batch_writer() as batch:
        for item in items:
            batch.put_item(Item=item)
    got = []
    for chunk in (items[:40], items[40:]):
        reply = resource.batch_get_item(RequestItems={
            table: {"Keys": [{"pk": i["pk"]} for i in chunk], "ConsistentRead": True}})
        assert reply["UnprocessedKeys"] == {}
        got.extend(reply["Responses"][table])
    assert sorted(got, key=lambda i: i["pk"]) == items
    # batch_writer deletes too.
    with t.batch_writer() as batch:
        for item in items[:30]:
            batch.delete_item(Key={"pk": item["pk"]})
    assert t.scan(Select="COUNT")["Count"] == 30


def test_write_and_delete_in_several_tables(call, table, range_table):
    assert call("PutItem", {"TableName": table, "Item": {"pk": S("old"), "a": S("x")}})[0] == 200
    request = {"RequestItems": {
        table: [put(table, {"pk": S("new"), "a": S("y")}), delete({"pk": S("old")})],
        range_table: [put(range_table, {"pk": S("new"), "sk": N(1)}),
                      put(range_table, {"pk": S("new"), "sk": N(2), "b": N("1.50")})]}}
    assert call("BatchWriteItem", request) == (200, {"UnprocessedItems": {}})
    assert get(call, table, {"pk": S("old")}) is None
    assert get(call, table, {"pk": S("new")}) == {"pk": S("new"), "a": S("y")}
    assert get(call, range_table, {"pk": S("new"), "sk": N(2)}) == {
        "pk": S("new"), "sk": N(2), "b": N("1.5")}
    # The same key in different tables, and keys sharing one component, are no duplicates.
    request = {"RequestItems": {
        table: [put(table, {"pk": S("new")})],
        range_table: [put(range_table, {"pk": S("new"), "sk": N(1)}),
                      delete({"pk": S("new"), "sk": N(2)})]}}
    assert call("BatchWriteItem", request) == (200, {"UnprocessedItems": {}})
    assert get(call, table, {"pk": S("new")}) == {"pk": S("new")}  # replaced, not merged
    assert get(call, range_table, {"pk": S("new"), "sk": N(2)}) is None


def test_get_returns_every_table_and_only_found_items(call, table, range_table):
    call("PutItem", {"TableName": table, "Item": {"pk": S("a"), "v": N(1)}})
    status, body = call("BatchGetItem", {"RequestItems": {
        table: {"Keys": [{"pk": S("a")}, {"pk": S("missing")}]},
        range_table: {"Keys": [{"pk": S("a"), "sk": N(1)}]}}})
    assert (status, body) == (200, {
        "Responses": {table: [{"pk": S("a"), "v": N(1)}], range_table: []},
        "UnprocessedKeys": {}})


@pytest.mark.parametrize("projection", [
    {"AttributesToGet": ["b", "c"]},
    {"ProjectionExpression": "b, c"},
    {"ProjectionExpression": "#b, #c", "ExpressionAttributeNames": {"#b": "b", "#c": "c"}},
])
def test_get_projections(call, table, projection):
    items = [{"pk": S("1"), "b": N(1), "c": S("c")}, {"pk": S("2"), "b": N(2)}, {"pk": S("3")}]
    assert call("BatchWriteItem", {"RequestItems": {table: [put(table, i) for i in items]}})[0] \
        == 200
    keys = [{"pk": S(k)} for k in ("1", "2", "3", "4")]
    status, body = call("BatchGetItem", {"RequestItems": {
        table: dict(projection, Keys=keys, ConsistentRead=True)}})
    assert status == 200, body
    got = body["Responses"][table]
    assert len(got) == 3
    for expected in ({"b": N(1), "c": S("c")}, {"b": N(2)}, {}):
        assert expected in got


def test_get_capacity_per_table(call, table, other_table):
    # Item sizes: 4096 bytes (one 4 KB unit) and 4097 bytes (two).
    small = {"pk": S("k1"), "data": S("x" * 4088)}
    large = {"pk": S("k2"), "data": S("x" * 4089)}
    call("BatchWriteItem", {"RequestItems": {table: [put(table, small), put(table, large)]}})
    keys = [{"pk": S("k1")}, {"pk": S("k2")}, {"pk": S("missing")}]
    for consistent, units, other in ((False, 2.0, 0.5), (True, 4.0, 1.0)):
        request = {"RequestItems": {
            table: {"Keys": keys, "ConsistentRead": consistent},
            other_table: {"Keys": [{"pk": S("none")}], "ConsistentRead": consistent}},
            "ReturnConsumedCapacity": "TOTAL"}
        status, body = call("BatchGetItem", request)
        assert status == 200
        assert sorted(body["ConsumedCapacity"], key=lambda c: c["TableName"]) == sorted(
            [{"TableName": table, "CapacityUnits": units},
             {"TableName": other_table, "CapacityUnits": other}], key=lambda c: c["TableName"])
        request["ReturnConsumedCapacity"] = "INDEXES"
        status, body = call("BatchGetItem", request)
        assert {"TableName": table, "CapacityUnits": units, "Table": {"CapacityUnits": units}} \
            in body["ConsumedCapacity"]
    status, body = call("BatchGetItem", {"RequestItems": {table: {"Keys": keys}},
                                         "ReturnConsumedCapacity": "NONE"})
    assert "ConsumedCapacity" not in body


def test_write_capacity_per_table_with_indexes(call, table, gsi_table):
    item = {"pk": S("k"), "gpk": S("g"), "gsk": N(1), "data": S("x" * 1100)}
    request = {"RequestItems": {
        table: [put(table, {"pk": S("a"), "data": S("x" * 1000)}),
                put(table, {"pk": S("b"), "data": S("x" * 1100)})],
        gsi_table: [put(gsi_table, item)]}, "ReturnConsumedCapacity": "INDEXES"}
    status, body = call("BatchWriteItem", request)
    assert status == 200, body
    assert body["UnprocessedItems"] == {}
    by_table = {c["TableName"]: c for c in body["ConsumedCapacity"]}
    assert by_table[table] == {"TableName": table, "CapacityUnits": 3.0,
                               "Table": {"CapacityUnits": 3.0}}
    assert by_table[gsi_table] == {"TableName": gsi_table, "CapacityUnits": 4.0,
                                   "Table": {"CapacityUnits": 2.0},
                                   "GlobalSecondaryIndexes": {"gsi": {"CapacityUnits": 2.0}}}
    # Deletes are charged by the item they remove; a missing item costs one unit.
    request = {"RequestItems": {table: [delete({"pk": S("b")}), delete({"pk": S("zz")})]},
               "ReturnConsumedCapacity": "TOTAL"}
    assert call("BatchWriteItem", request) == (200, {
        "UnprocessedItems": {}, "ConsumedCapacity": [{"TableName": table, "CapacityUnits": 3.0}]})


def test_batch_writes_maintain_global_index(call, ddb, gsi_table):
    items = [{"pk": S(f"p{i}"), "gpk": S("group"), "gsk": N(i), "v": S(f"v{i}")}
             for i in range(20)]
    assert call("BatchWriteItem", {"RequestItems": {
        gsi_table: [put(gsi_table, i) for i in items]}})[0] == 200
    query = {"TableName": gsi_table, "IndexName": "gsi",
             "KeyConditionExpression": "gpk = :g", "ExpressionAttributeValues": {":g": S("group")}}
    assert ddb.query(**query)["Items"] == items
    assert call("BatchWriteItem", {"RequestItems": {gsi_table: [
        delete({"pk": S(f"p{i}")}) for i in range(10)]}})[0] == 200
    assert ddb.query(**query)["Items"] == items[10:]


def test_item_collection_metrics(call, table, lsi_table):
    request = {"RequestItems": {
        lsi_table: [put(lsi_table, {"pk": S("a"), "sk": S("1"), "lsk": S("x")}),
                    put(lsi_table, {"pk": S("a"), "sk": S("2")}),
                    delete({"pk": S("b"), "sk": S("1")})],
        table: [put(table, {"pk": S("a")})]}, "ReturnItemCollectionMetrics": "SIZE"}
    status, body = call("BatchWriteItem", request)
    assert status == 200, body
    assert body["ItemCollectionMetrics"] == {lsi_table: [
        {"ItemCollectionKey": {"pk": S("a")}, "SizeEstimateRangeGB": [0.0, 1.0]},
        {"ItemCollectionKey": {"pk": S("b")}, "SizeEstimateRangeGB": [0.0, 1.0]}]}
    status, body = call("BatchWriteItem", {"RequestItems": {table: [put(table, {"pk": S("a")})]},
                                           "ReturnItemCollectionMetrics": "SIZE"})
    assert (status, body) == (200, {"UnprocessedItems": {}})


def test_get_stops_at_16_mb_and_returns_unprocessed_keys(call, table):
    size = 2 + 4 + 4 + 300_000  # "pk" + "k000" + "data" + value
    items = [{"pk": S(f"k{i:03d}"), "data": S("x" * 300_000)} for i in range(100)]
    for start in range(0, 100, 25):
        status, body = call("BatchWriteItem", {"RequestItems": {
            table: [put(table, i) for i in items[start:start + 25]]}})
        assert (status, body) == (200, {"UnprocessedItems": {}})
    keys = [{"pk": i["pk"]} for i in items]
    status, body = call("BatchGetItem", {
        "RequestItems": {table: {"Keys": keys, "ConsistentRead": True,
                                 "ProjectionExpression": "#k, #d",
                                 "ExpressionAttributeNames": {"#k": "pk", "#d": "data"}}},
        "ReturnConsumedCapacity": "TOTAL"})
    assert status == 200
    first = body["Responses"][table]
    fits = 16 * 1024 * 1024 // size
    assert len(first) == fits
    unprocessed = body["UnprocessedKeys"]
    assert unprocessed == {table: {"Keys": keys[fits:], "ConsistentRead": True,
                                   "ProjectionExpression": "#k, #d",
                                   "ExpressionAttributeNames": {"#k": "pk", "#d": "data"}}}
    units_per_item = -(-size // 4096)
    assert body["ConsumedCapacity"] == [{"TableName": table,
                                         "CapacityUnits": float(fits * units_per_item)}]
    status, body = call("BatchGetItem", {"RequestItems": unprocessed})
    assert status == 200
    assert body["UnprocessedKeys"] == {}
    rest = body["Responses"][table]
    assert sorted(first + rest, key=lambda i: i["pk"]["S"]) == items


def test_aws_cli_batch_write_and_get(aws, table, tmp_path):
    items = [{"pk": S(f"cli{i}"), "n": N(i)} for i in range(5)]
    writes = tmp_path / "writes.json"
    writes.write_text(json.dumps({table: [put(table, i) for i in items]}))
    code, out, err = aws("batch-write-item", "--request-items", f"file://{writes}",
                         "--return-consumed-capacity", "TOTAL")
    assert code == 0, err
    assert out == {"UnprocessedItems": {},
                   "ConsumedCapacity": [{"TableName": table, "CapacityUnits": 5.0}]}
    reads = tmp_path / "reads.json"
    reads.write_text(json.dumps({table: {"Keys": [{"pk": i["pk"]} for i in items],
                                         "ConsistentRead": True}}))
    code, out, err = aws("batch-get-item", "--request-items", f"file://{reads}")
    assert code == 0, err
    assert out["UnprocessedKeys"] == {}
    assert sorted(out["Responses"][table], key=lambda i: i["pk"]["S"]) == items
    writes.write_text(json.dumps({table: [put(table, items[0]), delete({"pk": S("cli0")})]}))
    code, out, err = aws("batch-write-item", "--request-items", f"file://{writes}")
    assert code != 0 and DUPLICATES in err


# --- BatchGetItem: serialization, constraints, validation, in DynamoDB's order ---

@pytest.mark.parametrize("request_items,message", [
    ([], "Unrecognized collection type java.util.Map<java.lang.String, "
         "com.amazonaws.dynamodb.v20120810.KeysAndAttributes>"),
    ("x", "Unexpected field type"),
    ({"abc": "x"}, "Unexpected value type in payload"),
    ({"abc": []}, "Unrecognized collection type class "
                  "com.amazonaws.dynamodb.v20120810.KeysAndAttributes"),
    ({"abc": {"Keys": "x"}}, "Unexpected field type"),
    ({"abc": {"Keys": ["x"]}}, CAST),
    ({"abc": {"Keys": [[]]}}, "Unrecognized collection type " + VALUE_MAP),
    ({"abc": {"Keys": [{"a": {"S": 5}}]}}, "NUMBER_VALUE cannot be converted to String"),
    ({"abc": {"Keys": [{}], "ConsistentRead": "yes"}}, "Unexpected token received from parser"),
    ({"abc": {"Keys": [{}], "AttributesToGet": [1]}}, "NUMBER_VALUE cannot be converted to String"),
    ({"abc": {"Keys": [{}], "ExpressionAttributeNames": []}},
     "Unrecognized collection type java.util.Map<java.lang.String, java.lang.String>"),
])
def test_get_serialization_errors(call, request_items, message):
    assert call("BatchGetItem", {"RequestItems": request_items}) == serialization(message)


def test_get_constraints(call):
    null_items = constraint("null", "requestItems", "Member must not be null")
    assert call("BatchGetItem", {}) == errors(null_items)
    assert call("BatchGetItem", {"ReturnConsumedCapacity": "hi"}) == errors(
        constraint("'hi'", "returnConsumedCapacity",
                   "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"), null_items)
    assert call("BatchGetItem", {"RequestItems": {}}) == errors(
        constraint("'{}'", "requestItems", "Member must have length greater than or equal to 1"))
    assert call("BatchGetItem", {"RequestItems": {"abc": {"Keys": []}}}) == errors(
        constraint("'[]'", "requestItems.abc.member.keys",
                   "Member must have length greater than or equal to 1"))
    assert call("BatchGetItem", {"RequestItems": {"abc": {"Keys": [{}], "AttributesToGet": []}}}) \
        == errors(constraint("'[]'", "requestItems.abc.member.attributesToGet",
                             "Member must have length greater than or equal to 1"))
    assert_validation_matches(
        call("BatchGetItem", {"RequestItems": {"a": {}, "aa;": {"Keys": [{}]}}}),
        re.escape("2 validation errors detected: Value '{") + ".+" + re.escape(
            "}' at 'requestItems' failed to satisfy constraint: " + MAP_KEYS + "; " +
            constraint("null", "requestItems.a.member.keys", "Member must not be null")))
    keys = [{"a": S(str(i))} for i in range(101)]
    assert_validation_matches(
        call("BatchGetItem", {"RequestItems": {"abc": {"Keys": keys}}}),
        re.escape("1 validation error detected: Value '[") + ".+" + re.escape(
            "]' at 'requestItems.abc.member.keys' failed to satisfy constraint: "
            "Member must have length less than or equal to 100"))


def test_get_checks_before_table_lookup(call, table):
    keys = [{"a": S(str(i))} for i in range(100)]
    assert call("BatchGetItem", {"RequestItems": {"abc": {"Keys": keys}}}) == not_found()
    assert call("BatchGetItem", {"RequestItems": {
        "abc": {"Keys": keys}, "abd": {"Keys": [{"a": S("100")}]}}}) == validation(
        "Too many items requested for the BatchGetItem call")
    key = {"a": S("x"), "b": N(1)}
    assert call("BatchGetItem", {"RequestItems": {"abc": {
        "Keys": [key, {"b": N("1.0"), "a": S("x")}]}}}) == validation(DUPLICATES)
    # Projection parameters come before the keys, and attribute values before duplicates.
    for extra, message in [
        ({"AttributesToGet": ["a", "a"]},
         "One or more parameter values were invalid: Duplicate value in attribute name: a"),
        ({"AttributesToGet": ["a"], "ProjectionExpression": "a"},
         "Can not use both expression and non-expression parameters in the same request: "
         "Non-expression parameters: {AttributesToGet} Expression parameters: "
         "{ProjectionExpression}"),
        ({"ExpressionAttributeNames": {"#a": "a"}},
         "ExpressionAttributeNames can only be specified when using expressions"),
        ({"ExpressionAttributeNames": {}, "ProjectionExpression": ""},
         "ExpressionAttributeNames must not be empty"),
        ({"ProjectionExpression": ""},
         "Invalid ProjectionExpression: The expression can not be empty;"),
        ({"ProjectionExpression": "a", "ExpressionAttributeNames": {"#u": "u"}},
         "Value provided in ExpressionAttributeNames unused in expressions: keys: {#u}"),
    ]:
        request = {"RequestItems": {"abc": dict(extra, Keys=[key, key])}}
        assert call("BatchGetItem", request) == validation(message), extra
    for value, message in [
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
        ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set, must "
                               "contain exactly one of the supported datatypes"),
        ({"N": "x"}, "The parameter cannot be converted to a numeric value: x"),
    ]:
        request = {"RequestItems": {"abc": {"Keys": [{"a": value}]}}}
        assert call("BatchGetItem", request) == validation(message)
    # An empty key passes these checks; the missing table is found first.
    assert call("BatchGetItem", {"RequestItems": {"abc": {"Keys": [{}]}}}) == not_found()


def test_get_key_schema_checks(call, table, range_table):
    for key in [{}, {"b": S("a")}, {"pk": S("a"), "b": S("a")}, {"pk": N(1)},
                {"pk": {"SS": ["a"]}}]:
        assert call("BatchGetItem", {"RequestItems": {table: {"Keys": [key]}}}) == \
            validation(SCHEMA)
    assert call("BatchGetItem", {"RequestItems": {range_table: {"Keys": [{"pk": S("a")}]}}}) == \
        validation(SCHEMA)
    assert call("BatchGetItem", {"RequestItems": {table: {"Keys": [{"pk": S("x" * 2049)}]}}}) == \
        validation("One or more parameter values were invalid: Size of hashkey has exceeded the "
                   "maximum size limit of2048 bytes")
    assert call("BatchGetItem", {"RequestItems": {table: {"Keys": [{"pk": S("")}]}}}) == \
        validation("One or more parameter values are not valid. The AttributeValue for a key "
                   "attribute cannot contain an empty string value. Key: pk")
    assert call("BatchGetItem", {"RequestItems": {table: {
        "Keys": [{"pk": S("a")}], "ProjectionExpression": "pk.x"}}}) == validation(
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
        "allowed: Key: pk")


# --- BatchWriteItem ---

@pytest.mark.parametrize("request_items,message", [
    ([], "Unrecognized collection type java.util.Map<java.lang.String, "
         "java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>>"),
    ({"abc": {}}, "Start of structure or map found where not expected"),
    ({"abc": "x"}, CAST),
    ({"abc": ["x"]}, "Unexpected value type in payload"),
    ({"abc": [{"PutRequest": "x"}]}, "Unexpected field type"),
    ({"abc": [{"PutRequest": []}]},
     "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.PutRequest"),
    ({"abc": [{"DeleteRequest": 1}]}, "Unexpected field type"),
    ({"abc": [{"PutRequest": {"Item": []}}]}, "Unrecognized collection type " + VALUE_MAP),
    ({"abc": [{"DeleteRequest": {"Key": {"a": {"N": True}}}}]},
     "TRUE_VALUE cannot be converted to String"),
])
def test_write_serialization_errors(call, request_items, message):
    assert call("BatchWriteItem", {"RequestItems": request_items}) == serialization(message)


def test_write_constraints(call):
    null_items = constraint("null", "requestItems", "Member must not be null")
    assert call("BatchWriteItem", {}) == errors(null_items)
    assert call("BatchWriteItem", {"ReturnConsumedCapacity": "hi",
                                   "ReturnItemCollectionMetrics": "hi"}) == errors(
        constraint("'hi'", "returnConsumedCapacity",
                   "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
        constraint("'hi'", "returnItemCollectionMetrics",
                   "Member must satisfy enum value set: [SIZE, NONE]"), null_items)
    assert call("BatchWriteItem", {"RequestItems": {}}) == errors(
        constraint("'{}'", "requestItems", "Member must have length greater than or equal to 1"))
    assert_validation_matches(
        call("BatchWriteItem", {"RequestItems": {"a": []}}),
        re.escape("2 validation errors detected: Value '{a=[]}' at 'requestItems' failed to "
                  "satisfy constraint: " + MAP_KEYS + "; Value '{a=[]}' at 'requestItems' "
                  "failed to satisfy constraint: " + WRITE_LIST))
    assert_validation_matches(
        call("BatchWriteItem",
             {"RequestItems": {"aa;": [{"PutRequest": {}, "DeleteRequest": {}}]}}),
        re.escape("3 validation errors detected: Value '{aa;=[") + ".+" + re.escape(
            "]}' at 'requestItems' failed to satisfy constraint: " + MAP_KEYS + "; " +
            constraint("null", "requestItems.aa;.member.1.member.deleteRequest.key",
                       "Member must not be null") + "; " +
            constraint("null", "requestItems.aa;.member.1.member.putRequest.item",
                       "Member must not be null")))
    requests = [put("abc", {"a": S(str(i))}) if i % 2 else delete({"a": S(str(i))})
                for i in range(26)]
    assert_validation_matches(
        call("BatchWriteItem", {"RequestItems": {"abc": requests}}),
        re.escape("1 validation error detected: Value '{abc=[") + ".+" + re.escape(
            "]}' at 'requestItems' failed to satisfy constraint: " + WRITE_LIST))


def test_write_checks_before_table_lookup(call):
    requests = [put("abc", {"a": S(str(i))}) if i % 2 else delete({"a": S(str(i))})
                for i in range(25)]
    assert call("BatchWriteItem", {"RequestItems": {"abc": requests}}) == not_found()
    assert call("BatchWriteItem", {"RequestItems": {"abc": requests[:13], "abd": requests[:13]}}) \
        == validation("Too many items requested for the BatchWriteItem call")
    assert call("BatchWriteItem", {"RequestItems": {"abc": [{}]}}) == validation(
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
        "the supported datatypes")
    both = {"PutRequest": {"Item": {"a": S("1")}}, "DeleteRequest": {"Key": {"a": S("1")}}}
    assert call("BatchWriteItem", {"RequestItems": {"abc": [both]}})[1]["message"].startswith(
        "Supplied AttributeValue has more than one datatypes set")
    for value, message in [
        ({"SS": ["a", "a"]}, "One or more parameter values were invalid: Input collection [a, a] "
                             "contains duplicates."),
        ({"NULL": False}, "One or more parameter values were invalid: Null attribute value types "
                          "must have the value of true"),
        ({"N": "1e126"}, "Number overflow. Attempting to store a number with magnitude larger "
                         "than supported range"),
    ]:
        for request in (put("abc", {"a": value}), delete({"a": value})):
            assert call("BatchWriteItem", {"RequestItems": {"abc": [request]}}) == \
                validation(message)
    too_big = {"a": S("k"), "b": S("x" * (400 * 1024 - 2))}
    assert call("BatchWriteItem", {"RequestItems": {"abc": [put("abc", too_big)]}}) == \
        validation("Item size has exceeded the maximum allowed size")
    just_fits = {"a": S("k"), "b": S("x" * (400 * 1024 - 3))}
    assert call("BatchWriteItem", {"RequestItems": {"abc": [put("abc", just_fits)]}}) == \
        not_found()
    # The table is looked up before duplicates are.
    assert call("BatchWriteItem", {"RequestItems": {"abc": [
        put("abc", {"a": S("1")}), delete({"a": S("1")})]}}) == not_found()
    assert call("BatchWriteItem", {"RequestItems": {"abc": [put("abc", {})]}}) == not_found()


@pytest.mark.parametrize("first,second", [
    (put("t", {"pk": S("k"), "a": N(1)}), put("t", {"pk": S("k"), "a": N(2)})),
    (put("t", {"pk": S("k")}), delete({"pk": S("k")})),
    (delete({"pk": S("k")}), put("t", {"pk": S("k")})),
    (delete({"pk": S("k")}), delete({"pk": S("k")})),
])
def test_write_duplicates(call, table, first, second):
    assert call("BatchWriteItem", {"RequestItems": {table: [first, second]}}) == \
        validation(DUPLICATES)
    assert get(call, table, {"pk": S("k")}) is None


def test_write_key_and_item_checks(call, table, range_table, gsi_table):
    for item in [{}, {"b": S("a")}, {"pk": N(1)}, {"pk": {"B": "YWJj"}}, {"pk": {"NULL": True}},
                 {"pk": {"SS": ["a"]}}, {"pk": {"L": []}}]:
        assert call("BatchWriteItem", {"RequestItems": {table: [put(table, item)]}}) == \
            validation(SCHEMA), item
    assert call("BatchWriteItem", {"RequestItems": {
        range_table: [put(range_table, {"pk": S("a")})]}}) == validation(SCHEMA)
    for key in [{}, {"pk": S("a"), "x": S("b")}, {"pk": N(1)}]:
        assert call("BatchWriteItem", {"RequestItems": {table: [delete(key)]}}) == \
            validation(SCHEMA)
    assert call("BatchWriteItem", {"RequestItems": {
        gsi_table: [put(gsi_table, {"pk": S("a"), "gpk": S("g"), "gsk": S("1")})]}}) == \
        validation("One or more parameter values were invalid: Type mismatch for Index Key gsk "
                   "Expected: N Actual: S IndexName: gsi")
    assert call("BatchWriteItem", {"RequestItems": {
        gsi_table: [put(gsi_table, {"pk": S("a"), "gpk": S("")})]}}) == validation(
        "One or more parameter values are not valid. A value specified for a secondary index key "
        "is not supported. The AttributeValue for a key attribute cannot contain an empty string "
        "value. IndexName: gsi, IndexKey: gpk")
    assert call("BatchWriteItem", {"RequestItems": {table: [put(table, {"pk": S("x" * 2049)})]}}) \
        == validation("One or more parameter values were invalid: Size of hashkey has exceeded "
                      "the maximum size limit of2048 bytes")
    assert call("BatchWriteItem", {"RequestItems": {range_table: [
        put(range_table, {"pk": S("a"), "sk": N(1)}), delete({"pk": S(""), "sk": N(1)})]}}) == \
        validation("One or more parameter values are not valid. The AttributeValue for a key "
                   "attribute cannot contain an empty string value. Key: pk")


def test_write_validates_everything_before_writing(call, table, other_table):
    good = [put(table, {"pk": S(f"g{i}")}) for i in range(3)]
    for bad_request in ({table: good + [put(table, {"pk": N(3)})]},
                        {table: good, other_table: [put(other_table, {"x": S("1")})]},
                        {table: good, "no-such-table": [put("x", {"pk": S("1")})]},
                        {table: good + [delete({"pk": S("g0")})]}):
        status, body = call("BatchWriteItem", {"RequestItems": bad_request})
        assert status == 400, body
        for i in range(3):
            assert get(call, table, {"pk": S(f"g{i}")}) is None


def test_deeply_nested_value_in_a_constraint_message(raw):
    # Values are shape-checked to 40 levels only; rendering one in a message must not recurse
    # without bound. (Built as text: Python's json module cannot nest this deep.)
    depth = 20000
    value = '{"M": {"m": ' * depth + '{"S": "x"}' + "}}" * depth
    for operation, request_items in (
            ("BatchGetItem", '{"a": {"Keys": [{"k": %s}]}}' % value),
            ("BatchWriteItem", '{"a": [{"PutRequest": {"Item": {"k": %s}}}]}' % value)):
        status, _, body = raw(operation, '{"RequestItems": %s}' % request_items, parse=False)
        assert status == 400
        message = body.decode()
        assert VALIDATION in message and "1 validation error detected: Value '{a=" in message
        assert "Map keys must satisfy constraint" in message
    assert raw()[0] == 200
