"""The legacy (pre-expression) parameters of PutItem, DeleteItem and UpdateItem: Expected with
ConditionalOperator, and AttributeUpdates. Their conditions, their updates, and every error
DynamoDB gives for them, in its order."""

import boto3
import pytest
from botocore.config import Config

VALIDATION = "com.amazon.coral.validate#ValidationException"
SERIALIZATION = "com.amazon.coral.service#SerializationException"
FAILED = "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"
NOT_FOUND = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
INVALID = "One or more parameter values were invalid: "
CLASS = "com.amazonaws.dynamodb.v20120810."
COMPARISON_OPERATORS = ("[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, "
                        "BEGINS_WITH, GE, CONTAINS]")
# No such table: the errors below all come before DynamoDB looks the table up.
MISSING_TABLE = "it_legacy_no_such_table"

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731
SS = lambda *v: {"SS": list(v)}  # noqa: E731
KEY = {"pk": S("k")}
ITEM = dict(KEY, n=N(5), s=S("hello"), ss=SS("x", "y"), b={"B": "YWJj"}, flag={"BOOL": True})


def validation(message):
    return 400, {"__type": VALIDATION, "message": message}


def serialization(message):
    return 400, {"__type": SERIALIZATION, "Message": message}


def constraint(value, path, rule):
    return f"Value {value} at '{path}' failed to satisfy constraint: {rule}"


def one_constraint(value, path, rule):
    return validation("1 validation error detected: " + constraint(value, path, rule))


FAILED_BODY = (400, {"__type": FAILED, "message": "The conditional request failed"})


@pytest.fixture
def table(make_table, table_name):
    return make_table(table_name, ("pk", "S"))


def put(call, table, item=ITEM, **extra):
    return call("PutItem", dict({"TableName": table, "Item": item}, **extra))


def get(call, table, key=KEY):
    status, body = call("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
    assert status == 200, body
    return body.get("Item")


def update(call, table, updates=None, key=KEY, **extra):
    request = {"TableName": table, "Key": key}
    if updates is not None:
        request["AttributeUpdates"] = updates
    request.update(extra)
    return call("UpdateItem", request)


# --- Expected: conditions ---

def test_exists_false_and_value_forms(call, table):
    absent = {"pk": {"Exists": False}}
    assert put(call, table, Expected=absent) == (200, {})
    assert put(call, table, Expected=absent) == FAILED_BODY
    # Value alone and Value with Exists:true both mean "equals".
    assert put(call, table, Expected={"n": {"Value": N(5)}}) == (200, {})
    assert put(call, table, Expected={"n": {"Value": N(5), "Exists": True}}) == (200, {})
    assert put(call, table, Expected={"n": {"Value": N(6)}}) == FAILED_BODY
    assert put(call, table, Expected={"n": {"Value": S("5")}}) == FAILED_BODY
    assert put(call, table, Expected={"zz": {"Exists": False}}) == (200, {})
    assert put(call, table, Expected={"n": {"Exists": False}}) == FAILED_BODY


@pytest.mark.parametrize("attribute,operator,arguments,holds", [
    ("n", "EQ", [N(5)], True), ("n", "EQ", [N(6)], False), ("n", "EQ", [S("5")], False),
    ("ss", "EQ", [SS("y", "x")], True),
    ("n", "NE", [N(6)], True), ("n", "NE", [N(5)], False),
    ("n", "LT", [N(6)], True), ("n", "LT", [N(5)], False),
    ("n", "LE", [N(5)], True), ("n", "LE", [N(4)], False),
    ("n", "GT", [N(4)], True), ("n", "GT", [N(5)], False),
    ("n", "GE", [N(5)], True), ("n", "GE", [N(6)], False),
    ("s", "LT", [S("world")], True), ("b", "GT", [{"B": "YWI="}], True),
    ("n", "NOT_NULL", [], True), ("zz", "NOT_NULL", [], False),
    ("zz", "NULL", [], True), ("n", "NULL", [], False),
    ("s", "CONTAINS", [S("ell")], True), ("ss", "CONTAINS", [S("x")], True),
    ("ss", "CONTAINS", [S("z")], False),
    ("s", "NOT_CONTAINS", [S("zz")], True), ("ss", "NOT_CONTAINS", [S("x")], False),
    ("s", "BEGINS_WITH", [S("he")], True), ("s", "BEGINS_WITH", [S("lo")], False),
    ("b", "BEGINS_WITH", [{"B": "YQ=="}], True),
    ("n", "IN", [N(1), N(5)], True), ("n", "IN", [N(1), N(2)], False),
    ("n", "BETWEEN", [N(1), N(5)], True), ("n", "BETWEEN", [N(6), N(9)], False),
    ("s", "BETWEEN", [S("a"), S("z")], True),
])
def test_comparison_operators(call, table, attribute, operator, arguments, holds):
    assert put(call, table) == (200, {})
    expected = {attribute: {"ComparisonOperator": operator, "AttributeValueList": arguments}}
    assert put(call, table, Expected=expected) == ((200, {}) if holds else FAILED_BODY)
    if len(arguments) == 1:  # Value may stand for a one-element AttributeValueList
        expected = {attribute: {"ComparisonOperator": operator, "Value": arguments[0]}}
        assert put(call, table, Expected=expected) == ((200, {}) if holds else FAILED_BODY)


def test_conditional_operator(call, table):
    assert put(call, table) == (200, {})
    one_true = {"n": {"Value": N(6)}, "s": {"Value": S("hello")}}
    assert put(call, table, Expected=one_true, ConditionalOperator="OR") == (200, {})
    assert put(call, table, Expected=one_true, ConditionalOperator="AND") == FAILED_BODY
    assert put(call, table, Expected=one_true) == FAILED_BODY  # AND by default
    both_true = {"n": {"ComparisonOperator": "GT", "AttributeValueList": [N(1)]},
                 "s": {"Exists": True, "Value": S("hello")}}
    assert put(call, table, Expected=both_true) == (200, {})


def test_delete_item_with_expected(call, table):
    assert put(call, table) == (200, {})
    status, body = call("DeleteItem", {
        "TableName": table, "Key": KEY, "Expected": {"n": {"Value": N(4)}, "zz": {"Exists": False}},
        "ConditionalOperator": "OR", "ReturnValues": "ALL_OLD"})
    assert (status, body) == (200, {"Attributes": ITEM})
    assert get(call, table) is None
    assert put(call, table) == (200, {})
    status, body = call("DeleteItem", {
        "TableName": table, "Key": KEY, "Expected": {"n": {"Value": N(4)}},
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert (status, body) == (400, {"__type": FAILED, "message": "The conditional request failed",
                                    "Item": ITEM})
    assert get(call, table) == ITEM


def test_update_item_with_expected(call, table):
    created = {"pk": {"Exists": False}}
    assert update(call, table, {"n": {"Value": N(1)}}, Expected=created) == (200, {})
    assert update(call, table, {"n": {"Value": N(1)}}, Expected=created) == FAILED_BODY
    version = {"n": {"Value": N(1)}, "v": {"ComparisonOperator": "NULL"}}
    assert update(call, table, {"n": {"Action": "ADD", "Value": N(1)}}, Expected=version,
                  ReturnValues="UPDATED_NEW") == (200, {"Attributes": {"n": N(2)}})
    status, body = update(call, table, {"n": {"Action": "ADD", "Value": N(1)}}, Expected=version,
                          ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert (status, body) == (400, {"__type": FAILED, "message": "The conditional request failed",
                                    "Item": dict(KEY, n=N(2))})
    either = dict(version, w={"ComparisonOperator": "NULL"})
    assert update(call, table, {"n": {"Action": "ADD", "Value": N(1)}}, Expected=either,
                  ConditionalOperator="OR") == (200, {})
    assert get(call, table) == dict(KEY, n=N(3))


# --- AttributeUpdates ---

def test_put_is_the_default_action(call, table):
    assert update(call, table, {"a": {"Value": S("x")}, "b": {"Action": "PUT", "Value": N(1)}},
                  ReturnValues="ALL_NEW") == (200, {"Attributes": dict(KEY, a=S("x"), b=N(1))})
    assert update(call, table, {"a": {"Value": S("y")}},
                  ReturnValues="UPDATED_OLD") == (200, {"Attributes": {"a": S("x")}})
    assert get(call, table) == dict(KEY, a=S("y"), b=N(1))


def test_add_number_set_and_list(call, table):
    adds = {"c": {"Action": "ADD", "Value": N(3)},
            "tags": {"Action": "ADD", "Value": SS("a", "b")},
            "l": {"Action": "ADD", "Value": {"L": [N(1)]}}}
    # A missing attribute counts as 0, the empty set, the empty list.
    assert update(call, table, adds) == (200, {})
    assert get(call, table) == dict(KEY, c=N(3), tags=SS("a", "b"), l={"L": [N(1)]})
    more = {"c": {"Action": "ADD", "Value": N(-1.5)},
            "tags": {"Action": "ADD", "Value": SS("b", "c")},
            "l": {"Action": "ADD", "Value": {"L": [S("two"), N(3)]}}}
    status, body = update(call, table, more, ReturnValues="UPDATED_NEW")
    assert status == 200, body
    assert sorted(body["Attributes"]["tags"]["SS"]) == ["a", "b", "c"]
    assert body["Attributes"]["c"] == N(1.5)
    assert body["Attributes"]["l"] == {"L": [N(1), S("two"), N(3)]}


def test_delete_attribute_and_set_elements(call, table):
    assert put(call, table) == (200, {})
    deletes = {"s": {"Action": "DELETE"}, "ss": {"Action": "DELETE", "Value": SS("x", "q")},
               "missing": {"Action": "DELETE"}}
    assert update(call, table, deletes, ReturnValues="UPDATED_OLD") == (
        200, {"Attributes": {"s": S("hello"), "ss": SS("x", "y")}})
    item = get(call, table)
    assert "s" not in item and item["ss"] == SS("y")
    # Deleting the last elements removes the attribute.
    assert update(call, table, {"ss": {"Action": "DELETE", "Value": SS("y")}},
                  ReturnValues="ALL_OLD") == (200, {"Attributes": item})
    assert "ss" not in get(call, table)


def test_creating_and_not_creating_the_item(call, table):
    other = {"pk": S("other")}
    # Only deletions: no item is created.
    assert update(call, table, {"a": {"Action": "DELETE"}}, key=other,
                  ReturnValues="ALL_NEW") == (200, {})
    assert get(call, table, other) is None
    # No updates at all: the key alone is written.
    assert update(call, table, {}, key=other) == (200, {})
    assert get(call, table, other) == other


def test_key_attributes_cannot_be_updated(call, table):
    for action in ({"Value": S("x")}, {"Action": "DELETE"}, {"Action": "ADD", "Value": N(1)}):
        assert update(call, table, {"a": {"Value": S("x")}, "pk": action}) == validation(
            INVALID + "Cannot update attribute pk. This attribute is part of the key")
    assert get(call, table) is None


def test_add_and_delete_type_mismatch(call, table):
    assert put(call, table) == (200, {})
    for updates in ({"ss": {"Action": "ADD", "Value": N(1)}},
                    {"ss": {"Action": "DELETE", "Value": {"NS": ["1"]}}},
                    {"n": {"Action": "ADD", "Value": {"L": [N(1)]}}}):
        assert update(call, table, updates) == validation("Type mismatch for attribute to update")


def test_legacy_request_on_missing_table(call):
    status, body = update(call, MISSING_TABLE, {"a": {"Value": S("x")}},
                          Expected={"a": {"Exists": False}})
    assert (status, body) == (400, {"__type": NOT_FOUND, "message": "Requested resource not found"})


# --- Errors, on a table that does not exist: all come before the table lookup ---

@pytest.mark.parametrize("operation,extra,message", [
    ("PutItem", {"Expected": []},
     "Unrecognized collection type java.util.Map<java.lang.String, "
     "com.amazonaws.dynamodb.v20120810.ExpectedAttributeValue>"),
    ("PutItem", {"Expected": "x"}, "Unexpected field type"),
    ("DeleteItem", {"Expected": {"a": []}},
     "Unrecognized collection type class " + CLASS + "ExpectedAttributeValue"),
    ("DeleteItem", {"Expected": {"a": 1}}, "Unexpected value type in payload"),
    ("PutItem", {"Expected": {"a": {"Value": "x"}}}, "Unexpected field type"),
    ("PutItem", {"Expected": {"a": {"Value": []}}},
     "Unrecognized collection type class " + CLASS + "AttributeValue"),
    ("PutItem", {"Expected": {"a": {"Value": {"S": 1}}}},
     "NUMBER_VALUE cannot be converted to String"),
    ("UpdateItem", {"Expected": {"a": {"Exists": "yes"}}}, "Unexpected token received from parser"),
    ("UpdateItem", {"Expected": {"a": {"ComparisonOperator": True}}},
     "TRUE_VALUE cannot be converted to String"),
    ("PutItem", {"Expected": {"a": {"AttributeValueList": "x"}}}, "Unexpected field type"),
    ("PutItem", {"Expected": {"a": {"AttributeValueList": [7]}}},
     "Unexpected value type in payload"),
    ("PutItem", {"Expected": {"a": {"AttributeValueList": [{"N": []}]}}},
     "Unrecognized collection type class java.lang.String"),
    ("PutItem", {"ConditionalOperator": 1}, "NUMBER_VALUE cannot be converted to String"),
    ("UpdateItem", {"AttributeUpdates": []},
     "Unrecognized collection type java.util.Map<java.lang.String, "
     "com.amazonaws.dynamodb.v20120810.AttributeValueUpdate>"),
    ("UpdateItem", {"AttributeUpdates": {"a": []}},
     "Unrecognized collection type class " + CLASS + "AttributeValueUpdate"),
    ("UpdateItem", {"AttributeUpdates": {"a": "x"}}, "Unexpected value type in payload"),
    ("UpdateItem", {"AttributeUpdates": {"a": {"Action": 1}}},
     "NUMBER_VALUE cannot be converted to String"),
    ("UpdateItem", {"AttributeUpdates": {"a": {"Value": 5}}}, "Unexpected field type"),
    ("UpdateItem", {"AttributeUpdates": {"a": {"Value": {"SS": "x"}}}}, "Unexpected field type"),
])
def test_serialization_errors(call, operation, extra, message):
    member = {"PutItem": "Item"}.get(operation, "Key")
    request = dict({"TableName": MISSING_TABLE, member: KEY}, **extra)
    assert call(operation, request) == serialization(message)


@pytest.mark.parametrize("operation,extra,response", [
    ("PutItem", {"Expected": {"a": {"ComparisonOperator": "eq", "Value": N(1)}}},
     one_constraint("'eq'", "expected.a.member.comparisonOperator",
                    "Member must satisfy enum value set: " + COMPARISON_OPERATORS)),
    ("DeleteItem", {"Expected": {"a": {"Value": N(1)}, "b": {"Value": N(1)}},
                    "ConditionalOperator": "XOR"},
     one_constraint("'XOR'", "conditionalOperator",
                    "Member must satisfy enum value set: [OR, AND]")),
    ("UpdateItem", {"AttributeUpdates": {"a": {"Action": "put", "Value": N(1)}}},
     one_constraint("'put'", "attributeUpdates.a.member.action",
                    "Member must satisfy enum value set: [ADD, PUT, DELETE]")),
    # Listed with the other members' violations.
    ("UpdateItem", {"TableName": "a;", "ReturnValues": "hi", "ConditionalOperator": "",
                    "Expected": {"x": {"ComparisonOperator": ""},
                                 "y": {"ComparisonOperator": "LT"}},
                    "AttributeUpdates": {"z": {"Action": "NOPE"}}},
     validation("6 validation errors detected: " + "; ".join([
         constraint("'a;'", "tableName",
                    "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
         constraint("'a;'", "tableName", "Member must have length greater than or equal to 3"),
         constraint("''", "conditionalOperator", "Member must satisfy enum value set: [OR, AND]"),
         constraint("''", "expected.x.member.comparisonOperator",
                    "Member must satisfy enum value set: " + COMPARISON_OPERATORS),
         constraint("'NOPE'", "attributeUpdates.z.member.action",
                    "Member must satisfy enum value set: [ADD, PUT, DELETE]"),
         constraint("'hi'", "returnValues", "Member must satisfy enum value set: "
                    "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")]))),
])
def test_constraint_errors(call, operation, extra, response):
    member = {"PutItem": "Item"}.get(operation, "Key")
    assert call(operation, dict({"TableName": MISSING_TABLE, member: KEY}, **extra)) == response


def conflict(legacy, expressions):
    return ("Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{legacy}}} Expression parameters: {{{expressions}}}")


@pytest.mark.parametrize("operation,extra,message", [
    ("PutItem", {"Expected": {}, "ConditionExpression": "a = b"},
     conflict("Expected", "ConditionExpression")),
    ("DeleteItem", {"ConditionalOperator": "OR", "ConditionExpression": "a = b"},
     conflict("ConditionalOperator", "ConditionExpression")),
    ("UpdateItem", {"AttributeUpdates": {}, "Expected": {"a": {}}, "ConditionalOperator": "AND",
                    "UpdateExpression": "SET a = b"},
     conflict("AttributeUpdates, Expected, ConditionalOperator", "UpdateExpression")),
    ("UpdateItem", {"AttributeUpdates": {"a": {"Value": N(1)}},
                    "ExpressionAttributeNames": {"#a": "a"}},
     "ExpressionAttributeNames can only be specified when using expressions"),
    ("PutItem", {"Expected": {"a": {"Value": N(1)}}, "ExpressionAttributeValues": {":a": N(1)}},
     "ExpressionAttributeValues can only be specified when using expressions: "
     "ConditionExpression is null"),
])
def test_expression_conflicts(call, operation, extra, message):
    member = {"PutItem": "Item"}.get(operation, "Key")
    request = dict({"TableName": MISSING_TABLE, member: KEY}, **extra)
    assert call(operation, request) == validation(message)


AVL = lambda op, *args: {"ComparisonOperator": op, "AttributeValueList": list(args)}  # noqa: E731


@pytest.mark.parametrize("expected,conditional_operator,message", [
    ({"a": {}}, None, INVALID + "Value must be provided when Exists is null for Attribute: a"),
    ({"a": {"Exists": True}}, None,
     INVALID + "Value must be provided when Exists is true for Attribute: a"),
    ({"a": {"Exists": False, "Value": S("a")}}, None,
     INVALID + "Value cannot be used when Exists is false for Attribute: a"),
    ({"a": {"ComparisonOperator": "LT"}}, None,
     INVALID + "Value or AttributeValueList must be used with ComparisonOperator: LT "
     "for Attribute: a"),
    ({"a": {"Exists": True, "ComparisonOperator": "LT", "Value": S("a")}}, None,
     INVALID + "Exists and ComparisonOperator cannot be used together for Attribute: a"),
    ({"a": {"ComparisonOperator": "LT", "Value": S("a"), "AttributeValueList": [S("a")]}}, None,
     INVALID + "Value and AttributeValueList cannot be used together for Attribute: a"),
    ({"a": {"Exists": True, "AttributeValueList": [S("a")]}}, None,
     INVALID + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"),
    ({"a": AVL("EQ")}, None,
     INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator"),
    ({"a": AVL("NULL", S("a"))}, None,
     INVALID + "Invalid number of argument(s) for the NULL ComparisonOperator"),
    ({"a": AVL("BETWEEN", N(1))}, None,
     INVALID + "Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
    ({"a": AVL("LT", {"BOOL": True})}, None,
     INVALID + "ComparisonOperator LT is not valid for BOOL AttributeValue type"),
    ({"a": AVL("BEGINS_WITH", N(1))}, None,
     INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"),
    ({"a": AVL("IN", N(1), S("1"))}, None,
     INVALID + "AttributeValues inside AttributeValueList must be of same type"),
    ({"a": AVL("BETWEEN", N(5), N(1))}, None,
     "The BETWEEN condition was provided a range where the lower bound is greater than the "
     "upper bound"),
    ({}, "AND", "ConditionalOperator cannot be used without Filter or Expected"),
    (None, "OR", "ConditionalOperator cannot be used without Filter or Expected"),
    ({"a": {"Value": N(1)}}, "OR",
     "ConditionalOperator can only be used when Filter or Expected has two or more elements"),
    # An entry's own error comes before the ConditionalOperator rule.
    ({"a": {}}, "OR", INVALID + "Value must be provided when Exists is null for Attribute: a"),
    # The first bad entry (in key order) is reported.
    ({"b": {"Exists": True}, "a": {}}, None,
     INVALID + "Value must be provided when Exists is null for Attribute: a"),
    # Attribute values inside Expected get the Item values' messages.
    ({"a": {"Value": {}}}, None,
     "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ({"a": {"Value": {"NS": ["1", ""]}}}, None,
     "The parameter cannot be converted to a numeric value"),
    ({"a": AVL("IN", {"SS": ["a", "a"]})}, None,
     INVALID + "Input collection [a, a] contains duplicates."),
    ({"a": AVL("EQ", {"S": "a", "N": "1"})}, None,
     "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
     "supported datatypes"),
])
@pytest.mark.parametrize("operation", ["PutItem", "DeleteItem", "UpdateItem"])
def test_expected_errors(call, operation, expected, conditional_operator, message):
    member = {"PutItem": "Item"}.get(operation, "Key")
    request = {"TableName": MISSING_TABLE, member: {}}
    if expected is not None:
        request["Expected"] = expected
    if conditional_operator is not None:
        request["ConditionalOperator"] = conditional_operator
    assert call(operation, request) == validation(message)


@pytest.mark.parametrize("updates,message", [
    ({"a": {}}, INVALID + "Only DELETE action is allowed when no attribute value is specified"),
    ({"a": {"Action": "ADD"}},
     INVALID + "Only DELETE action is allowed when no attribute value is specified"),
    ({"a": {"Action": "ADD", "Value": S("1")}},
     INVALID + "ADD action is not supported for the type S"),
    ({"a": {"Action": "ADD", "Value": {"M": {}}}},
     INVALID + "ADD action is not supported for the type M"),
    ({"a": {"Action": "DELETE", "Value": N(1)}},
     INVALID + "DELETE action with value is not supported for the type N"),
    ({"a": {"Action": "DELETE", "Value": {"L": []}}},
     INVALID + "DELETE action with value is not supported for the type L"),
    ({"a": {"Value": {"SS": []}}}, INVALID + "An string set  may not be empty"),
    ({"a": {"Action": "ADD", "Value": {"N": "b"}}},
     "The parameter cannot be converted to a numeric value: b"),
    # Per entry, its value before its rules; entries in key order.
    ({"a": {"Action": "ADD", "Value": {"NULL": False}}},
     INVALID + "Null attribute value types must have the value of true"),
    ({"b": {"Value": {}}, "a": {"Action": "PUT"}},
     INVALID + "Only DELETE action is allowed when no attribute value is specified"),
])
def test_attribute_updates_errors(call, updates, message):
    request = {"TableName": MISSING_TABLE, "Key": {}, "AttributeUpdates": updates}
    assert call("UpdateItem", request) == validation(message)


def test_check_order(call):
    base = {"TableName": MISSING_TABLE}
    bad_expected = {"a": {}}
    # Key values come before AttributeUpdates, which come before Expected.
    assert call("UpdateItem", dict(base, Key={"a": {}}, AttributeUpdates={"b": {}},
                                   Expected=bad_expected)) == validation(
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    assert call("UpdateItem", dict(base, Key={}, AttributeUpdates={"b": {"x": "whatever"}},
                                   Expected=bad_expected)) == validation(
        INVALID + "Only DELETE action is allowed when no attribute value is specified")
    # PutItem: the item's values, then its size, then Expected.
    assert call("PutItem", dict(base, Item={"a": {"NULL": False}}, Expected=bad_expected)) == \
        validation(INVALID + "Null attribute value types must have the value of true")
    big = {"pk": S("k"), "big": S("x" * 409600)}
    assert call("PutItem", dict(base, Item=big, Expected=bad_expected)) == validation(
        "Item size has exceeded the maximum allowed size")
    # Constraints come before the expression/non-expression conflict.
    assert call("PutItem", dict(base, Item={}, Expected={"a": {"ComparisonOperator": "x"}},
                                ConditionExpression="a = b")) == one_constraint(
        "'x'", "expected.a.member.comparisonOperator",
        "Member must satisfy enum value set: " + COMPARISON_OPERATORS)


# --- boto3 ---

def test_boto3_legacy_api(server, table):
    client = boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="AKID", aws_secret_access_key="secret",
                          config=Config(retries={"max_attempts": 1}))
    client.put_item(TableName=table, Item={"pk": S("b"), "count": N(1)},
                    Expected={"pk": {"Exists": False}})
    with pytest.raises(client.exceptions.ConditionalCheckFailedException):
        client.put_item(TableName=table, Item={"pk": S("b")}, Expected={"pk": {"Exists": False}})
    resp = client.update_item(
        TableName=table, Key={"pk": S("b")},
        AttributeUpdates={"count": {"Action": "ADD", "Value": N(2)},
                          "tags": {"Action": "ADD", "Value": SS("t")},
                          "name": {"Action": "PUT", "Value": S("n")}},
        Expected={"count": {"ComparisonOperator": "EQ", "AttributeValueList": [N(1)]}},
        ReturnValues="ALL_NEW")
    assert resp["Attributes"] == {"pk": S("b"), "count": N(3), "tags": SS("t"), "name": S("n")}
    with pytest.raises(client.exceptions.ConditionalCheckFailedException):
        client.delete_item(TableName=table, Key={"pk": S("b")},
                           Expected={"count": {"Value": N(1)}, "name": {"Value": S("x")}},
                           ConditionalOperator="OR")
    resp = client.delete_item(TableName=table, Key={"pk": S("b")},
                              Expected={"count": {"Value": N(3)}}, ReturnValues="ALL_OLD")
    assert resp["Attributes"]["count"] == N(3)
    with pytest.raises(client.exceptions.ClientError) as err:
        client.update_item(TableName=table, Key={"pk": S("b")},
                           AttributeUpdates={"pk": {"Action": "PUT", "Value": S("c")}})
    assert err.value.response["Error"]["Message"] == (
        INVALID + "Cannot update attribute pk. This attribute is part of the key")
