"""TransactWriteItems and TransactGetItems: all-or-nothing writes across tables and their
indexes, cancellation reasons, the request validation DynamoDB does and in which order,
transactional capacity, item-collection metrics, ClientRequestToken idempotency, and the
same operations through boto3 and the AWS CLI.

Conflicts between a transaction and a concurrent write cannot be provoked deterministically;
test_transaction_stress.py covers them."""

import json
import re

import pytest

VALIDATION = "com.amazon.coral.validate#ValidationException"
SERIALIZATION = "com.amazon.coral.service#SerializationException"
NOT_FOUND = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
CANCELED = "com.amazonaws.dynamodb.v20120810#TransactionCanceledException"
MISMATCH = "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException"

DUPLICATE = "Transaction request cannot include multiple operations on one item"
SCHEMA = "The provided key element does not match the schema"
FAILED = "The conditional request failed"  # Put, Update and Delete
CHECK_FAILED = "The conditional request failed."  # ConditionCheck
OPERAND = "An operand in the update expression has an incorrect data type"
TOO_BIG = "Item size to update has exceeded the maximum allowed size"
EMPTY_KEY = ("One or more parameter values are not valid. The AttributeValue for a key attribute "
             "cannot contain an empty string value. Key: pk")
RCC_ENUM = "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
RICM_ENUM = "Member must satisfy enum value set: [SIZE, NONE]"

S = lambda v: {"S": v}  # noqa: E731
N = lambda v: {"N": str(v)}  # noqa: E731


# --- Requests and answers -----------------------------------------------------------------

def put(table, item, **extra):
    return {"Put": dict(TableName=table, Item=item, **extra)}


def update(table, key, expression, **extra):
    return {"Update": dict(TableName=table, Key=key, UpdateExpression=expression, **extra)}


def delete(table, key, **extra):
    return {"Delete": dict(TableName=table, Key=key, **extra)}


def check(table, key, condition, **extra):
    return {"ConditionCheck": dict(TableName=table, Key=key, ConditionExpression=condition,
                                   **extra)}


def get_action(table, key, **extra):
    return {"Get": dict(TableName=table, Key=key, **extra)}


def write(call, *actions, **extra):
    return call("TransactWriteItems", dict(TransactItems=list(actions), **extra))


def read(call, *gets, **extra):
    return call("TransactGetItems", dict(TransactItems=list(gets), **extra))


def validation(message):
    return 400, {"__type": VALIDATION, "message": message}


def errors(*parts):
    n = len(parts)
    return validation(f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(parts))


def constraint(value, path, rule):
    return f"Value {value} at '{path}' failed to satisfy constraint: {rule}"


def not_null(path):
    return constraint("null", path, "Member must not be null")


def canceled_message(reasons):
    codes = ", ".join(r["Code"] for r in reasons)
    return ("Transaction cancelled, please refer cancellation reasons for specific reasons "
            f"[{codes}]")


def assert_canceled(response, reasons):
    """A TransactionCanceledException with exactly these CancellationReasons. (Which member
    carries the message is checked once, in test_cancellation_body_is_exact.)"""
    status, body = response
    assert status == 400 and body.get("__type") == CANCELED, body
    assert body.get("CancellationReasons") == reasons, body
    assert body.get("Message", body.get("message")) == canceled_message(reasons), body
    assert "ConsumedCapacity" not in body and "ItemCollectionMetrics" not in body, body


def none():
    return {"Code": "None"}


def failed(item=None, message=FAILED):
    reason = {"Code": "ConditionalCheckFailed", "Message": message}
    if item is not None:
        reason["Item"] = item
    return reason


def invalid(message):
    return {"Code": "ValidationError", "Message": message}


def get(call, table, key):
    status, body = call("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
    assert status == 200, body
    return body.get("Item")


def put_item(call, table, item):
    assert call("PutItem", {"TableName": table, "Item": item}) == (200, {})
    return item


def query(call, table, index, condition, values):
    status, body = call("Query", {"TableName": table, "IndexName": index,
                                  "KeyConditionExpression": condition,
                                  "ExpressionAttributeValues": values})
    assert status == 200, body
    return body["Items"]


def capacity(table, units, kind="WriteCapacityUnits", **extra):
    return dict({"TableName": table, "CapacityUnits": units, kind: units}, **extra)


# --- Tables ---------------------------------------------------------------------------------

@pytest.fixture
def table(make_table, table_name):
    """pk (S)."""
    return make_table(table_name)


@pytest.fixture
def other(make_table, unique_name):
    """pk (S), a second table."""
    return make_table(unique_name())


@pytest.fixture
def indexed(make_table, unique_name):
    """pk (S) + sk (S), GSI `gsi` on gpk (S) + gsk (N), LSI `lsi` on pk + lsk (S), both ALL."""
    return make_table(
        unique_name(), ("pk", "S"), ("sk", "S"),
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in (
            ("pk", "S"), ("sk", "S"), ("gpk", "S"), ("gsk", "N"), ("lsk", "S"))],
        GlobalSecondaryIndexes=[{
            "IndexName": "gsi", "Projection": {"ProjectionType": "ALL"},
            "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"},
                          {"AttributeName": "gsk", "KeyType": "RANGE"}]}],
        LocalSecondaryIndexes=[{
            "IndexName": "lsi", "Projection": {"ProjectionType": "ALL"},
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "lsk", "KeyType": "RANGE"}]}])


def gsi_items(call, table, gpk):
    return query(call, table, "gsi", "gpk = :g", {":g": S(gpk)})


def lsi_items(call, table, pk):
    return query(call, table, "lsi", "pk = :p", {":p": S(pk)})


def key(pk, sk=None):
    return {"pk": S(pk)} if sk is None else {"pk": S(pk), "sk": S(sk)}


# --- TransactWriteItems: success ------------------------------------------------------------

def test_every_action_kind_across_two_tables_and_their_indexes(call, table, indexed):
    put_item(call, table, {"pk": S("counter"), "n": N(1)})
    put_item(call, table, {"pk": S("gate"), "open": {"BOOL": True}})
    old = put_item(call, indexed, {"pk": S("p"), "sk": S("old"), "gpk": S("g1"), "gsk": N(1),
                                   "lsk": S("l-old")})
    moved = put_item(call, indexed, {"pk": S("p"), "sk": S("moved"), "gpk": S("g1"),
                                     "gsk": N(5), "lsk": S("l-moved")})
    new = {"pk": S("p"), "sk": S("new"), "gpk": S("g1"), "gsk": N(2), "lsk": S("l-new")}
    response = write(
        call,
        put(indexed, new, ConditionExpression="attribute_not_exists(pk)"),
        update(table, key("counter"), "SET n = n + :one", ExpressionAttributeValues={":one": N(1)},
               ConditionExpression="n = :one"),
        delete(indexed, key("p", "old"), ConditionExpression="lsk = :l",
               ExpressionAttributeValues={":l": S("l-old")}),
        check(table, key("gate"), "#o = :t", ExpressionAttributeNames={"#o": "open"},
              ExpressionAttributeValues={":t": {"BOOL": True}}),
        update(indexed, key("p", "moved"), "SET gpk = :g, lsk = :l",
               ExpressionAttributeValues={":g": S("g2"), ":l": S("l-a")}))
    assert response == (200, {})
    assert get(call, table, key("counter")) == {"pk": S("counter"), "n": N(2)}
    assert get(call, table, key("gate")) == {"pk": S("gate"), "open": {"BOOL": True}}
    assert get(call, indexed, key("p", "new")) == new
    assert get(call, indexed, key("p", "old")) is None
    moved = dict(moved, gpk=S("g2"), lsk=S("l-a"))
    assert get(call, indexed, key("p", "moved")) == moved
    # The index entries changed with the items.
    assert gsi_items(call, indexed, "g1") == [new]
    assert gsi_items(call, indexed, "g2") == [moved]
    assert lsi_items(call, indexed, "p") == [moved, new]
    assert old not in lsi_items(call, indexed, "p")


def test_update_supports_every_update_expression_action(call, table):
    put_item(call, table, {"pk": S("u"), "n": N(5), "s": S("x"), "l": {"L": [N(1)]},
                           "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]},
                           "m": {"M": {"a": N(1)}}, "gone": S("x")})
    response = write(call, update(
        table, key("u"),
        "SET n = n + :two, #s = :s, l = list_append(l, :l), m.b = :one, "
        "fresh = if_not_exists(fresh, :zero) REMOVE gone, m.a ADD ns :ns, cnt :one "
        "DELETE ss :a",
        ConditionExpression="#s = :old AND size(l) = :one AND contains(ss, :b)",
        ExpressionAttributeNames={"#s": "s"},
        ExpressionAttributeValues={":two": N(2), ":s": S("y"), ":l": {"L": [N(2)]},
                                   ":one": N(1), ":zero": N(0), ":ns": {"NS": ["3"]},
                                   ":a": {"SS": ["a"]}, ":old": S("x"), ":b": S("b")}))
    assert response == (200, {})
    item = get(call, table, key("u"))
    assert sorted(item["ns"]["NS"]) == ["1", "2", "3"]
    del item["ns"]
    assert item == {"pk": S("u"), "n": N(7), "s": S("y"), "l": {"L": [N(1), N(2)]},
                    "ss": {"SS": ["b"]}, "m": {"M": {"b": N(1)}}, "fresh": N(0),
                    "cnt": N(1)}


def test_update_and_delete_of_missing_items(call, table):
    response = write(call, update(table, key("new"), "ADD c :one",
                                  ExpressionAttributeValues={":one": N(1)}),
                     delete(table, key("never")))
    assert response == (200, {})
    assert get(call, table, key("new")) == {"pk": S("new"), "c": N(1)}
    assert get(call, table, key("never")) is None


def test_boto3_write_and_get(ddb, table, other):
    reply = ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": S("a"), "v": N(1)}}},
        {"Put": {"TableName": other, "Item": {"pk": S("a"), "v": N(2)}}}])
    assert set(reply) == {"ResponseMetadata"}
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 200
    reply = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": other, "Key": key("a")}},
        {"Get": {"TableName": table, "Key": key("b")}},
        {"Get": {"TableName": table, "Key": key("a"), "ProjectionExpression": "v"}}])
    assert reply["Responses"] == [{"Item": {"pk": S("a"), "v": N(2)}}, {}, {"Item": {"v": N(1)}}]


# --- TransactWriteItems: cancellation ---------------------------------------------------

def test_cancellation_body_is_exact(call, table):
    put_item(call, table, {"pk": S("e1"), "v": N(1)})
    put_item(call, table, {"pk": S("e2"), "v": N(1)})
    status, body = write(
        call,
        put(table, {"pk": S("e1")}, ConditionExpression="attribute_not_exists(pk)"),
        check(table, key("missing"), "attribute_exists(pk)"),
        put(table, {"pk": S("fine")}),
        delete(table, key("e2"), ConditionExpression="v = :two",
               ExpressionAttributeValues={":two": N(2)}),
        ReturnConsumedCapacity="TOTAL")
    reasons = [failed(), failed(message=CHECK_FAILED), none(), failed()]
    assert (status, body) == (400, {
        "__type": CANCELED,
        "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons "
                   "[ConditionalCheckFailed, ConditionalCheckFailed, None, ConditionalCheckFailed]",
        "CancellationReasons": reasons})


def test_cancellation_applies_nothing_to_items_or_indexes(call, table, indexed):
    base = put_item(call, table, {"pk": S("base"), "v": N(1)})
    kept = put_item(call, indexed, {"pk": S("p"), "sk": S("kept"), "gpk": S("g1"), "gsk": N(1),
                                    "lsk": S("l1")})
    doomed = put_item(call, indexed, {"pk": S("p"), "sk": S("doomed"), "gpk": S("g1"),
                                      "gsk": N(2), "lsk": S("l2")})
    response = write(
        call,
        put(indexed, {"pk": S("p"), "sk": S("new"), "gpk": S("g1"), "gsk": N(3),
                      "lsk": S("l3")}),
        update(indexed, key("p", "kept"), "SET gpk = :g, lsk = :l",
               ExpressionAttributeValues={":g": S("g2"), ":l": S("l9")}),
        delete(indexed, key("p", "doomed")),
        update(table, key("base"), "SET v = :two", ExpressionAttributeValues={":two": N(2)}),
        put(table, {"pk": S("other")}),
        check(table, key("gate"), "attribute_exists(pk)"))
    assert_canceled(response, [none()] * 5 + [failed(message=CHECK_FAILED)])
    assert get(call, table, key("base")) == base
    assert get(call, table, key("other")) is None
    assert get(call, indexed, key("p", "new")) is None
    assert get(call, indexed, key("p", "kept")) == kept
    assert get(call, indexed, key("p", "doomed")) == doomed
    assert gsi_items(call, indexed, "g1") == [kept, doomed]
    assert gsi_items(call, indexed, "g2") == []
    assert lsi_items(call, indexed, "p") == [kept, doomed]


def test_every_failing_condition_is_reported(call, table, other):
    put_item(call, table, {"pk": S("a"), "v": N(1)})
    put_item(call, other, {"pk": S("a"), "v": N(1)})
    values = {":two": N(2)}
    response = write(
        call,
        update(table, key("a"), "SET w = :two", ConditionExpression="v = :two",
               ExpressionAttributeValues=values),
        put(other, {"pk": S("b")}),
        put(other, {"pk": S("a")}, ConditionExpression="v = :two",
            ExpressionAttributeValues=values),
        check(table, key("zzz"), "attribute_exists(pk)"),
        delete(table, key("b"), ConditionExpression="attribute_exists(pk)"))
    assert_canceled(response, [failed(), none(), failed(), failed(message=CHECK_FAILED),
                               failed()])
    assert get(call, other, key("b")) is None


@pytest.mark.parametrize("kind", ["put", "update", "delete", "check"])
@pytest.mark.parametrize("mode", ["ALL_OLD", "NONE", None])
def test_return_values_on_condition_check_failure(call, table, kind, mode):
    old = put_item(call, table, {"pk": S("e"), "v": N(1), "s": S("text"), "l": {"L": [N(1)]}})
    extra = {} if mode is None else {"ReturnValuesOnConditionCheckFailure": mode}

    def action(pk, condition):
        if kind == "put":
            return put(table, {"pk": S(pk), "v": N(9)}, ConditionExpression=condition, **extra)
        if kind == "update":
            return update(table, key(pk), "REMOVE v", ConditionExpression=condition, **extra)
        if kind == "delete":
            return delete(table, key(pk), ConditionExpression=condition, **extra)
        return check(table, key(pk), condition, **extra)

    response = write(call, action("e", "attribute_not_exists(v)"),
                     action("missing", "attribute_exists(v)"))
    message = CHECK_FAILED if kind == "check" else FAILED
    first = failed(old if mode == "ALL_OLD" else None, message)
    assert_canceled(response, [first, failed(message=message)])
    assert get(call, table, key("e")) == old


def test_boto3_cancellation_reasons(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": S("a"), "v": N(1)})
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as caught:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": S("b")}}},
            {"ConditionCheck": {"TableName": table, "Key": key("a"),
                                "ConditionExpression": "v > :v",
                                "ExpressionAttributeValues": {":v": N(1)},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}])
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == "TransactionCanceledException"
    assert error["Error"]["Message"] == ("Transaction cancelled, please refer cancellation "
                                         "reasons for specific reasons [None, "
                                         "ConditionalCheckFailed]")
    assert error["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": CHECK_FAILED,
         "Item": {"pk": S("a"), "v": N(1)}}]
    assert "Item" not in ddb.get_item(TableName=table, Key=key("b"), ConsistentRead=True)


# --- Cancellation with ValidationError reasons ------------------------------------------------

BIG = "x" * 300_000

VALIDATION_ERROR_CASES = {
    "put_key_type": (
        lambda t, r: put(t, {"pk": N(1), "a": S("x")}),
        "One or more parameter values were invalid: Type mismatch for key pk expected: S "
        "actual: N"),
    "update_key_type": (lambda t, r: update(t, {"pk": N(1)}, "SET a = :a",
                                            ExpressionAttributeValues={":a": N(1)}), SCHEMA),
    "delete_key_type": (lambda t, r: delete(t, {"pk": N(1)}), SCHEMA),
    "check_key_type": (lambda t, r: check(t, {"pk": {"B": "AQ=="}}, "attribute_exists(pk)"),
                       SCHEMA),
    "update_key_missing_sort": (lambda t, r: update(r, key("p"), "SET a = :a",
                                                    ExpressionAttributeValues={":a": N(1)}),
                                SCHEMA),
    "delete_key_missing_sort": (lambda t, r: delete(r, key("p")), SCHEMA),
    "check_key_missing_sort": (lambda t, r: check(r, key("p"), "attribute_exists(pk)"), SCHEMA),
    "delete_key_wrong_name": (lambda t, r: delete(t, {"id": S("p")}), SCHEMA),
    "update_key_attribute": (
        lambda t, r: update(t, key("s"), "SET pk = :v", ExpressionAttributeValues={":v": S("z")}),
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute "
        "is part of the key"),
    "operand_type": (
        lambda t, r: update(t, key("s"), "SET s = s + :one",
                            ExpressionAttributeValues={":one": N(1)}), OPERAND),
    "add_to_string": (
        lambda t, r: update(t, key("s"), "ADD s :one", ExpressionAttributeValues={":one": N(1)}),
        OPERAND),
    "missing_operand": (
        lambda t, r: update(t, key("s"), "SET a = nothere + :one",
                            ExpressionAttributeValues={":one": N(1)}),
        "The provided expression refers to an attribute that does not exist in the item"),
    "document_path": (
        lambda t, r: update(t, key("s"), "SET s.x = :one",
                            ExpressionAttributeValues={":one": N(1)}),
        "The document path provided in the update expression is invalid for update"),
    "put_key_missing": (lambda t, r: put(t, {"id": S("p")}),
                        "One or more parameter values were invalid: Missing the key pk in the "
                        "item"),
    "put_gsi_key_type": (
        lambda t, r: put(r, {"pk": S("p"), "sk": S("1"), "gpk": N(1)}),
        "One or more parameter values were invalid: Type mismatch for Index Key gpk Expected: S "
        "Actual: N IndexName: gsi"),
    "update_gsi_key_type": (
        lambda t, r: update(r, key("p", "1"), "SET gsk = :s",
                            ExpressionAttributeValues={":s": S("1")}),
        "One or more parameter values were invalid: Type mismatch for Index Key gsk Expected: N "
        "Actual: S IndexName: gsi"),
    "delete_key_empty": (lambda t, r: delete(t, {}), SCHEMA),
    "delete_key_extra": (lambda t, r: delete(t, {"pk": S("s"), "x": S("y")}), SCHEMA),
    "too_big": (
        lambda t, r: update(t, key("big"), "SET b = :b",
                            ExpressionAttributeValues={":b": S("y" * 150_000)}), TOO_BIG),
}


@pytest.mark.parametrize("case", sorted(VALIDATION_ERROR_CASES))
def test_validation_error_reason(call, table, indexed, case):
    build, message = VALIDATION_ERROR_CASES[case]
    s = put_item(call, table, {"pk": S("s"), "s": S("text")})
    big = put_item(call, table, {"pk": S("big"), "a": S(BIG)})
    response = write(call, put(table, {"pk": S("fine")}), build(table, indexed))
    assert_canceled(response, [none(), invalid(message)])
    assert get(call, table, key("fine")) is None
    assert get(call, table, key("s")) == s
    assert get(call, table, key("big")) == big


def test_condition_failure_and_validation_error_together(call, table):
    put_item(call, table, {"pk": S("s"), "s": S("text")})
    put_item(call, table, {"pk": S("e")})
    response = write(call,
                     put(table, {"pk": S("e")}, ConditionExpression="attribute_not_exists(pk)"),
                     update(table, key("t"), "SET a = :a", ExpressionAttributeValues={":a": N(1)},
                            ConditionExpression="attribute_exists(pk)"),
                     update(table, key("s"), "SET s = s + :one",
                            ExpressionAttributeValues={":one": N(1)}),
                     put(table, {"pk": N(5)}))
    assert_canceled(response, [
        failed(), failed(), invalid(OPERAND),
        invalid("One or more parameter values were invalid: Type mismatch for key pk expected: "
                "S actual: N")])


# --- Plain ValidationException ------------------------------------------------------------

@pytest.mark.parametrize("first,second", [
    (lambda t: put(t, {"pk": S("a")}), lambda t: put(t, {"pk": S("a"), "v": N(1)})),
    (lambda t: put(t, {"pk": S("a")}), lambda t: check(t, key("a"), "attribute_exists(pk)")),
    (lambda t: update(t, key("a"), "REMOVE v"), lambda t: delete(t, key("a"))),
    (lambda t: check(t, key("a"), "attribute_exists(pk)"),
     lambda t: check(t, key("a"), "attribute_exists(pk)")),
], ids=["put_put", "put_check", "update_delete", "check_check"])
def test_two_actions_on_one_item(call, table, first, second):
    response = write(call, put(table, {"pk": S("other")}), first(table), second(table))
    assert response == validation(DUPLICATE)
    assert get(call, table, key("other")) is None


def test_same_key_in_two_tables_and_same_partition_are_not_duplicates(call, table, other,
                                                                      indexed):
    response = write(call, put(table, {"pk": S("a")}), put(other, {"pk": S("a")}),
                     put(indexed, {"pk": S("a"), "sk": S("1")}),
                     put(indexed, {"pk": S("a"), "sk": S("2")}))
    assert response == (200, {})
    assert get(call, other, key("a")) == {"pk": S("a")}
    assert get(call, indexed, key("a", "2")) == key("a", "2")


@pytest.mark.parametrize("action", [
    lambda t: put(t, {"pk": S(""), "v": N(1)}),
    lambda t: update(t, {"pk": S("")}, "REMOVE v"),
    lambda t: delete(t, {"pk": S("")}),
    lambda t: check(t, {"pk": S("")}, "attribute_exists(pk)"),
], ids=["put", "update", "delete", "check"])
def test_empty_string_key(call, table, action):
    assert write(call, put(table, {"pk": S("a")}), action(table)) == validation(EMPTY_KEY)


DEEP = {"S": "x"}
for _ in range(33):
    DEEP = {"L": [DEEP]}

EXPRESSION_CASES = [
    (lambda t: put(t, {"pk": S("a")}, ConditionExpression="a ==="),
     'Invalid ConditionExpression: Syntax error; token: "=", near: "==="'),
    (lambda t: update(t, key("a"), "SET a = "),
     'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "= "'),
    (lambda t: update(t, key("a"), ""),
     "Invalid UpdateExpression: The expression can not be empty;"),
    (lambda t: check(t, key("a"), ""),
     "Invalid ConditionExpression: The expression can not be empty;"),
    (lambda t: check(t, key("a"), "a = :v"),
     "Invalid ConditionExpression: An expression attribute value used in expression is not "
     "defined; attribute value: :v"),
    (lambda t: update(t, key("a"), "SET a = :a",
                      ExpressionAttributeValues={":a": N(1), ":v": N(2)}),
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"),
    (lambda t: check(t, key("a"), "a = :a", ExpressionAttributeNames={"#n": "n"},
                     ExpressionAttributeValues={":a": N(1)}),
     "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"),
    (lambda t: put(t, {"pk": S("a")}, ExpressionAttributeValues={":v": N(1)}),
     "ExpressionAttributeValues can only be specified when using expressions: "
     "ConditionExpression is null"),
    (lambda t: delete(t, key("a"), ExpressionAttributeValues={":v": N(1)}),
     "ExpressionAttributeValues can only be specified when using expressions: "
     "ConditionExpression is null"),
    (lambda t: put(t, {"pk": S("a")}, ExpressionAttributeNames={"#n": "n"}),
     "ExpressionAttributeNames can only be specified when using expressions"),
    (lambda t: check(t, key("a"), "attribute_exists(a)", ExpressionAttributeValues={}),
     "ExpressionAttributeValues must not be empty"),
    (lambda t: put(t, {"pk": S("a"), "n": N("abc")}),
     "The parameter cannot be converted to a numeric value: abc"),
    (lambda t: put(t, {"pk": S("a"), "d": S("x" * 410_000)}),
     "Item size has exceeded the maximum allowed size"),
    (lambda t: put(t, {"pk": S("a"), "d": DEEP}),
     "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "
     "beyond supported limit"),
]


@pytest.mark.parametrize("action,message", EXPRESSION_CASES, ids=[
    "condition_syntax", "update_syntax", "empty_update", "empty_condition", "undefined_value",
    "unused_value", "unused_name", "values_without_expression_put",
    "values_without_expression_delete", "names_without_expression", "empty_values",
    "bad_number", "put_too_big", "put_too_deep"])
def test_expression_errors(call, table, action, message):
    response = write(call, put(table, {"pk": S("fine")}), action(table))
    assert response == validation(message)
    assert get(call, table, key("fine")) is None


def test_empty_secondary_index_key(call, indexed):
    response = write(call, put(indexed, {"pk": S("p"), "sk": S("1"), "gpk": S("")}))
    assert response == validation(
        "One or more parameter values are not valid. A value specified for a secondary index key "
        "is not supported. The AttributeValue for a key attribute cannot contain an empty string "
        "value. IndexName: gsi, IndexKey: gpk")


def test_members_an_action_does_not_have_are_ignored(call, table):
    put_item(call, table, {"pk": S("a"), "v": N(1)})
    response = write(call, put(table, {"pk": S("a")}, Expected={"pk": {"Exists": False}},
                               ReturnValues="ALL_OLD", Foo="bar"))
    assert response == (200, {})
    assert get(call, table, key("a")) == {"pk": S("a")}


def test_missing_table(call, table):
    response = write(call, put(table, {"pk": S("a")}), put("no_such_table", {"pk": S("a")}))
    assert response == (400, {"__type": NOT_FOUND, "message": "Requested resource not found"})
    assert get(call, table, key("a")) is None


def test_boto3_missing_table(ddb):
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "no_such_table", "Item": {"pk": S("a")}}}])


TOKEN_37 = "t" * 37


@pytest.mark.parametrize("request_,expected", [
    ({"TransactItems": []}, errors(constraint(
        "'[]'", "transactItems", "Member must have length greater than or equal to 1"))),
    ({}, errors(not_null("transactItems"))),
    ({"TransactItems": [{"Put": {"TableName": "tbl"}}]},
     errors(not_null("transactItems.1.member.put.item"))),
    ({"TransactItems": [{"Put": {"Item": {"pk": S("a")}}}]},
     errors(not_null("transactItems.1.member.put.tableName"))),
    ({"TransactItems": [{"Update": {"TableName": "tbl", "Key": key("a")}}]},
     errors(not_null("transactItems.1.member.update.updateExpression"))),
    ({"TransactItems": [{"Delete": {"TableName": "tbl"}}]},
     errors(not_null("transactItems.1.member.delete.key"))),
    ({"TransactItems": [put("tbl", {"pk": S("a")}),
                        {"ConditionCheck": {"TableName": "tbl", "Key": key("b")}}]},
     errors(not_null("transactItems.2.member.conditionCheck.conditionExpression"))),
    ({"TransactItems": [put("x", {"pk": S("a")})]},
     errors(constraint("'x'", "transactItems.1.member.put.tableName",
                       "Member must have length greater than or equal to 3"))),
    ({"TransactItems": [put("tbl", {"pk": S("a")})], "ClientRequestToken": TOKEN_37},
     errors(constraint(f"'{TOKEN_37}'", "clientRequestToken",
                       "Member must have length less than or equal to 36"))),
    ({"TransactItems": [put("tbl", {"pk": S("a")})], "ClientRequestToken": ""},
     errors(constraint("''", "clientRequestToken",
                       "Member must have length greater than or equal to 1"))),
    ({"TransactItems": [put("tbl", {"pk": S("a")})], "ReturnConsumedCapacity": "BOGUS"},
     errors(constraint("'BOGUS'", "returnConsumedCapacity", RCC_ENUM))),
    ({"TransactItems": [put("tbl", {"pk": S("a")})], "ReturnItemCollectionMetrics": "BOGUS2"},
     errors(constraint("'BOGUS2'", "returnItemCollectionMetrics", RICM_ENUM))),
    ({"TransactItems": [put("tbl", {"pk": S("a")})], "ReturnConsumedCapacity": "BOGUS",
      "ReturnItemCollectionMetrics": "BOGUS2"},
     errors(constraint("'BOGUS'", "returnConsumedCapacity", RCC_ENUM),
            constraint("'BOGUS2'", "returnItemCollectionMetrics", RICM_ENUM))),
    ({"TransactItems": [put("tbl", {"pk": S("a")})], "ClientRequestToken": TOKEN_37,
      "ReturnConsumedCapacity": "BOGUS"},
     errors(constraint(f"'{TOKEN_37}'", "clientRequestToken",
                       "Member must have length less than or equal to 36"),
            constraint("'BOGUS'", "returnConsumedCapacity", RCC_ENUM))),
    ({"TransactItems": [put("tbl", {"pk": S("a")},
                            ReturnValuesOnConditionCheckFailure="ALL_NEW")]},
     errors(constraint("'ALL_NEW'",
                       "transactItems.1.member.put.returnValuesOnConditionCheckFailure",
                       "Member must satisfy enum value set: [ALL_OLD, NONE]"))),
    ({"TransactItems": [put("tbl", {"pk": S("b")}),
                        check("tbl", key("a"), "attribute_exists(pk)",
                              ReturnValuesOnConditionCheckFailure="UPDATED_OLD")]},
     errors(constraint(
         "'UPDATED_OLD'", "transactItems.2.member.conditionCheck."
         "returnValuesOnConditionCheckFailure",
         "Member must satisfy enum value set: [ALL_OLD, NONE]"))),
    ({"TransactItems": [{}]},
     validation("Invalid Request: TransactWriteRequest should contain Delete or Put or Update "
                "request")),
    ({"TransactItems": [{**put("tbl", {"pk": S("a")}), **delete("tbl", key("b"))}]},
     validation("TransactItems can only contain one of Check, Put, Update or Delete")),
], ids=["empty", "missing", "put_no_item", "put_no_table", "update_no_expression",
        "delete_no_key", "check_no_condition", "short_table_name", "long_token", "empty_token",
        "bad_rcc", "bad_ricm", "both_enums", "token_and_enum", "bad_rvoccf_put",
        "bad_rvoccf_check", "no_action", "two_actions"])
def test_write_request_constraints(call, request_, expected):
    assert call("TransactWriteItems", request_) == expected


def test_more_than_100_actions(call, table):
    actions = [put(table, {"pk": S(f"k{i}")}) for i in range(101)]
    status, body = write(call, *actions)
    assert status == 400 and body["__type"] == VALIDATION, body
    assert re.fullmatch(r"1 validation error detected: Value .* at 'transactItems' failed to "
                        r"satisfy constraint: Member must have length less than or equal to 100",
                        body["message"], re.DOTALL), body["message"]
    assert get(call, table, key("k0")) is None
    # 100 are allowed.
    assert write(call, *actions[:100]) == (200, {})
    assert get(call, table, key("k99")) == {"pk": S("k99")}


def test_payload_over_4mb(call, table):
    value = S("x" * 390_000)
    actions = [put(table, {"pk": S(f"k{i}"), "d": value}) for i in range(11)]
    status, body = write(call, *actions)
    assert status == 400 and body["__type"] == VALIDATION, body
    assert re.fullmatch(r"Transaction payload size cannot exceed 4MB\. Payload Size: \d+",
                        body["message"]), body["message"]
    assert get(call, table, key("k0")) is None
    assert write(call, *actions[:10]) == (200, {})
    assert get(call, table, key("k9"))["d"] == value


@pytest.mark.parametrize("items,message", [
    ("abc", "Unexpected field type"),
    (["abc"], "Unexpected value type in payload"),
    ([{"Put": "x"}], "Unexpected field type"),
])
def test_serialization_errors(call, items, message):
    assert call("TransactWriteItems", {"TransactItems": items}) == (
        400, {"__type": SERIALIZATION, "Message": message})


# --- Validation order ---------------------------------------------------------------------

def test_syntax_error_beats_earlier_missing_table(call, table):
    response = write(call, put("no_such_table", {"pk": S("a")}),
                     put(table, {"pk": S("a")}, ConditionExpression="("))
    assert response == validation('Invalid ConditionExpression: Syntax error; token: "<EOF>", '
                                  'near: "("')


def test_unused_value_beats_missing_table_and_duplicate(call, table):
    unused = validation("Value provided in ExpressionAttributeValues unused in expressions: "
                        "keys: {:v}")
    assert write(call, put(table, {"pk": S("a")}),
                 put(table, {"pk": S("a")}, ConditionExpression="attribute_exists(pk)",
                     ExpressionAttributeValues={":v": N(1)})) == unused
    assert write(call, put("no_such_table", {"pk": S("a")}),
                 check(table, key("b"), "attribute_exists(pk)",
                       ExpressionAttributeValues={":v": N(1)})) == unused


def test_missing_table_beats_key_type_mismatch(call, table):
    response = write(call, put(table, {"pk": N(1)}), put("no_such_table", {"pk": S("a")}))
    assert response == (400, {"__type": NOT_FOUND, "message": "Requested resource not found"})


def test_bad_enum_beats_everything(call, table):
    response = write(call,
                     put("no_such_table", {"pk": S("a")}),
                     put(table, {"pk": S("a")}, ConditionExpression="(",
                         ExpressionAttributeValues={":v": N(1)}),
                     put(table, {"pk": S("a")}),
                     put(table, {"pk": S("")}),
                     ReturnConsumedCapacity="BOGUS")
    assert response == errors(constraint("'BOGUS'", "returnConsumedCapacity", RCC_ENUM))


# --- Capacity ------------------------------------------------------------------------------

def five_kb_item(pk):
    item = {"pk": S(pk), "d": S("x" * 4996)}  # 2 + 1 + 1 + 4996 = 5000 bytes
    return item


@pytest.mark.parametrize("setup,action,units", [
    (None, lambda t: put(t, {"pk": S("a")}), 2.0),
    (None, lambda t: put(t, {"pk": S("a"), "d": S("x" * 1500)}), 4.0),  # 1504 bytes
    (five_kb_item, lambda t: put(t, {"pk": S("a")}), 10.0),  # the old image is 5000 bytes
    (None, lambda t: delete(t, key("a")), 2.0),
    (five_kb_item, lambda t: delete(t, key("a")), 10.0),
    (lambda pk: {"pk": S(pk)}, lambda t: check(t, key("a"), "attribute_exists(pk)"), 2.0),
    (None, lambda t: update(t, key("a"), "SET v = :v", ExpressionAttributeValues={":v": N(1)}),
     2.0),
    (five_kb_item, lambda t: update(t, key("a"), "SET v = :v",
                                    ExpressionAttributeValues={":v": N(1)}), 10.0),
], ids=["put_small", "put_1500", "put_replacing_5000", "delete_missing", "delete_5000",
        "check_small", "update_new", "update_5000"])
def test_write_capacity_per_action(call, table, setup, action, units):
    if setup is not None:
        put_item(call, table, setup("a"))
    response = write(call, action(table), ReturnConsumedCapacity="TOTAL")
    assert response == (200, {"ConsumedCapacity": [capacity(table, units)]})


@pytest.mark.parametrize("first", ["table", "other"])
def test_write_capacity_one_entry_per_table_in_first_use_order(call, table, other, first):
    a, b = (table, other) if first == "table" else (other, table)
    response = write(call,
                     put(a, {"pk": S("1")}),
                     put(b, {"pk": S("1"), "d": S("x" * 1500)}),
                     put(a, {"pk": S("2")}),
                     check(b, key("missing"), "attribute_not_exists(pk)"),
                     ReturnConsumedCapacity="TOTAL")
    assert response == (200, {"ConsumedCapacity": [capacity(a, 4.0), capacity(b, 6.0)]})


def test_write_capacity_none(call, table):
    assert write(call, put(table, {"pk": S("a")}), ReturnConsumedCapacity="NONE") == (200, {})


def test_write_capacity_indexes(call, table, indexed):
    response = write(call,
                     put(indexed, {"pk": S("p"), "sk": S("1"), "gpk": S("g"), "gsk": N(1),
                                   "lsk": S("l")}),
                     put(table, {"pk": S("a")}),
                     ReturnConsumedCapacity="INDEXES")
    assert response == (200, {"ConsumedCapacity": [
        capacity(indexed, 4.0,
                 Table={"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
                 GlobalSecondaryIndexes={"gsi": {"CapacityUnits": 1.0,
                                                 "WriteCapacityUnits": 1.0}},
                 LocalSecondaryIndexes={"lsi": {"CapacityUnits": 1.0,
                                                "WriteCapacityUnits": 1.0}}),
        capacity(table, 2.0, Table={"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0})]})


def test_write_capacity_indexes_omits_untouched_indexes(call, indexed):
    response = write(call, put(indexed, {"pk": S("p"), "sk": S("1"), "lsk": S("l")}),
                     ReturnConsumedCapacity="INDEXES")
    assert response == (200, {"ConsumedCapacity": [
        capacity(indexed, 3.0,
                 Table={"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
                 LocalSecondaryIndexes={"lsi": {"CapacityUnits": 1.0,
                                                "WriteCapacityUnits": 1.0}})]})


def test_write_capacity_indexes_key_change_and_delete(call, indexed):
    put_item(call, indexed, {"pk": S("p"), "sk": S("1"), "gpk": S("g1"), "gsk": N(1),
                             "lsk": S("l")})
    table_units = {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}
    one = {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}
    # A new GSI key: the old entry is deleted and the new one written.
    response = write(call, put(indexed, {"pk": S("p"), "sk": S("1"), "gpk": S("g2"), "gsk": N(1),
                                         "lsk": S("l")}),
                     ReturnConsumedCapacity="INDEXES")
    assert response == (200, {"ConsumedCapacity": [capacity(
        indexed, 5.0, Table=table_units,
        GlobalSecondaryIndexes={"gsi": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}},
        LocalSecondaryIndexes={"lsi": one})]})
    response = write(call, delete(indexed, key("p", "1")), ReturnConsumedCapacity="INDEXES")
    assert response == (200, {"ConsumedCapacity": [capacity(
        indexed, 4.0, Table=table_units, GlobalSecondaryIndexes={"gsi": one},
        LocalSecondaryIndexes={"lsi": one})]})
    assert gsi_items(call, indexed, "g2") == [] and lsi_items(call, indexed, "p") == []


def test_item_collection_metrics(call, table, indexed):
    response = write(call, put(indexed, {"pk": S("p"), "sk": S("1")}), put(table, {"pk": S("a")}),
                     ReturnItemCollectionMetrics="SIZE")
    assert response == (200, {"ItemCollectionMetrics": {indexed: [
        {"ItemCollectionKey": {"pk": S("p")}, "SizeEstimateRangeGB": [0.0, 1.0]}]}})
    # A table without a local secondary index has no item collections.
    assert write(call, put(table, {"pk": S("b")}), ReturnItemCollectionMetrics="SIZE") == \
        (200, {})
    assert write(call, put(indexed, {"pk": S("p"), "sk": S("2")}),
                 ReturnItemCollectionMetrics="NONE") == (200, {})


# --- Idempotency -----------------------------------------------------------------------------

def add_one(table, pk="ctr"):
    return update(table, key(pk), "ADD c :one", ExpressionAttributeValues={":one": N(1)})


def test_same_token_is_applied_once(call, table):
    request = {"TransactItems": [add_one(table)], "ClientRequestToken": "token-1"}
    assert call("TransactWriteItems", request) == (200, {})
    # Another client changes the item between the two calls.
    assert call("UpdateItem", {"TableName": table, "Key": key("ctr"),
                               "UpdateExpression": "SET note = :x",
                               "ExpressionAttributeValues": {":x": S("x")}}) == (200, {})
    assert call("TransactWriteItems", request) == (200, {})
    assert get(call, table, key("ctr")) == {"pk": S("ctr"), "c": N(1), "note": S("x")}


def test_replay_reports_read_capacity(call, table):
    request = {"TransactItems": [add_one(table)], "ClientRequestToken": "token-cap"}
    assert call("TransactWriteItems", dict(request, ReturnConsumedCapacity="TOTAL")) == (
        200, {"ConsumedCapacity": [capacity(table, 2.0)]})
    # A different ReturnConsumedCapacity (or none) is no parameter mismatch.
    assert call("TransactWriteItems", dict(request, ReturnConsumedCapacity="TOTAL")) == (
        200, {"ConsumedCapacity": [capacity(table, 2.0, "ReadCapacityUnits")]})
    assert call("TransactWriteItems", dict(request, ReturnConsumedCapacity="INDEXES")) == (
        200, {"ConsumedCapacity": [capacity(
            table, 2.0, "ReadCapacityUnits",
            Table={"CapacityUnits": 2.0, "ReadCapacityUnits": 2.0})]})
    assert call("TransactWriteItems", request) == (200, {})
    assert call("TransactWriteItems", dict(request, ReturnItemCollectionMetrics="SIZE")) == \
        (200, {})
    assert get(call, table, key("ctr")) == {"pk": S("ctr"), "c": N(1)}


def test_replay_read_capacity_is_sized_on_the_item(call, table):
    item = {"pk": S("nine"), "d": S("x" * 8990)}  # 8998 bytes: 9 KB written, 3 x 4 KB read
    request = {"TransactItems": [put(table, item)], "ClientRequestToken": "token-nine",
               "ReturnConsumedCapacity": "TOTAL"}
    assert call("TransactWriteItems", request) == (
        200, {"ConsumedCapacity": [capacity(table, 18.0)]})
    assert call("TransactWriteItems", request) == (
        200, {"ConsumedCapacity": [capacity(table, 6.0, "ReadCapacityUnits")]})


def test_same_token_with_other_actions_is_a_mismatch(call, table):
    assert call("TransactWriteItems", {"TransactItems": [add_one(table)],
                                       "ClientRequestToken": "token-mm"}) == (200, {})
    status, body = call("TransactWriteItems", {"TransactItems": [add_one(table, "other")],
                                               "ClientRequestToken": "token-mm"})
    assert status == 400 and body["__type"] == MISMATCH, body
    assert get(call, table, key("other")) is None
    # The member is Message, as in the API model (and DynamoDB Local).
    assert set(body) == {"__type", "Message"}, body


def test_boto3_token_mismatch(ddb, table):
    items = [{"Update": {"TableName": table, "Key": key("ctr"), "UpdateExpression": "ADD c :one",
                         "ExpressionAttributeValues": {":one": N(1)}}}]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="boto-token")
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="boto-token")
    items[0]["Update"]["ExpressionAttributeValues"][":one"] = N(2)
    with pytest.raises(ddb.exceptions.IdempotentParameterMismatchException) as caught:
        ddb.transact_write_items(TransactItems=items, ClientRequestToken="boto-token")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    item = ddb.get_item(TableName=table, Key=key("ctr"), ConsistentRead=True)["Item"]
    assert item == {"pk": S("ctr"), "c": N(1)}


def test_cancelled_request_does_not_use_its_token(call, table):
    request = {"TransactItems": [check(table, key("gate"), "attribute_exists(#o)",
                                       ExpressionAttributeNames={"#o": "open"}),
                                 add_one(table)],
               "ClientRequestToken": "token-cancel", "ReturnConsumedCapacity": "TOTAL"}
    assert_canceled(call("TransactWriteItems", request),
                    [failed(message=CHECK_FAILED), none()])
    put_item(call, table, {"pk": S("gate"), "open": {"BOOL": True}})
    assert call("TransactWriteItems", request) == (
        200, {"ConsumedCapacity": [capacity(table, 4.0)]})
    assert get(call, table, key("ctr")) == {"pk": S("ctr"), "c": N(1)}
    status, body = call("TransactWriteItems", request)  # now a replay
    assert status == 200, body
    (entry,) = body["ConsumedCapacity"]
    assert set(entry) == {"TableName", "CapacityUnits", "ReadCapacityUnits"}, entry
    assert get(call, table, key("ctr")) == {"pk": S("ctr"), "c": N(1)}


def test_rejected_request_does_not_use_its_token(call, table):
    status, body = call("TransactWriteItems", {
        "TransactItems": [add_one(table), put(table, {"pk": S("ctr")})],
        "ClientRequestToken": "token-rejected"})
    assert (status, body) == validation(DUPLICATE)
    assert call("TransactWriteItems", {"TransactItems": [add_one(table)],
                                       "ClientRequestToken": "token-rejected"}) == (200, {})
    assert get(call, table, key("ctr")) == {"pk": S("ctr"), "c": N(1)}


def test_json_key_order_does_not_matter_for_the_token(raw, call, table):
    first = ('{"ClientRequestToken": "token-order", "TransactItems": [{"Update": {'
             '"TableName": "%s", "Key": {"pk": {"S": "ctr"}}, "UpdateExpression": "ADD c :one", '
             '"ExpressionAttributeValues": {":one": {"N": "1"}}}}]}' % table)
    second = ('{"TransactItems": [{"Update": {"ExpressionAttributeValues": {":one": {"N": "1"}}, '
              '"UpdateExpression": "ADD c :one", "Key": {"pk": {"S": "ctr"}}, '
              '"TableName": "%s"}}], "ClientRequestToken": "token-order"}' % table)
    assert json.loads(first) == json.loads(second)
    status, _, body = raw("TransactWriteItems", first)
    assert (status, body) == (200, {})
    status, _, body = raw("TransactWriteItems", second)
    assert (status, body) == (200, {})
    assert get(call, table, key("ctr")) == {"pk": S("ctr"), "c": N(1)}


# --- TransactGetItems ------------------------------------------------------------------------

def test_get_responses_in_request_order(call, table, indexed):
    m = {"M": {"b": {"L": [N(1), N(2)]}}}
    a = put_item(call, table, {"pk": S("a"), "n": N(1), "s": S("str"), "m": m})
    put_item(call, table, {"pk": S("b"), "n": N(2), "s": S("str"), "m": m})
    put_item(call, table, {"pk": S("c"), "n": N(3)})
    i = put_item(call, indexed, {"pk": S("p"), "sk": S("1"), "gpk": S("g"), "gsk": N(1)})
    response = read(call,
                    get_action(indexed, key("p", "1")),
                    get_action(table, key("nope")),
                    get_action(table, key("b"), ProjectionExpression="#n, m.b[1], nonexist",
                               ExpressionAttributeNames={"#n": "n"}),
                    get_action(table, key("c"), ProjectionExpression="nonexist"),
                    get_action(table, key("a")))
    assert response == (200, {"Responses": [
        {"Item": i},
        {},
        {"Item": {"n": N(2), "m": {"M": {"b": {"L": [N(2)]}}}}},
        {"Item": {}},
        {"Item": a}]})


def test_get_sees_committed_transaction(call, table, other):
    assert write(call, put(table, {"pk": S("a"), "v": N(1)}),
                 put(other, {"pk": S("a"), "v": N(2)})) == (200, {})
    assert read(call, get_action(table, key("a")), get_action(other, key("a"))) == (200, {
        "Responses": [{"Item": {"pk": S("a"), "v": N(1)}}, {"Item": {"pk": S("a"), "v": N(2)}}]})


def test_get_capacity(call, table, other):
    put_item(call, table, {"pk": S("small")})
    put_item(call, table, {"pk": S("big"), "d": S(BIG)})  # 300,006 bytes: 74 units of 4 KB
    put_item(call, other, {"pk": S("a")})
    gets = [get_action(table, key("small")), get_action(other, key("a")),
            get_action(table, key("big"), ProjectionExpression="nonexist"),
            get_action(table, key("missing"))]
    status, body = read(call, *gets, ReturnConsumedCapacity="TOTAL")
    assert status == 200, body
    assert body["ConsumedCapacity"] == [capacity(table, 152.0, "ReadCapacityUnits"),
                                        capacity(other, 2.0, "ReadCapacityUnits")]
    status, body = read(call, *gets, ReturnConsumedCapacity="INDEXES")
    assert status == 200, body
    assert body["ConsumedCapacity"] == [
        capacity(table, 152.0, "ReadCapacityUnits",
                 Table={"CapacityUnits": 152.0, "ReadCapacityUnits": 152.0}),
        capacity(other, 2.0, "ReadCapacityUnits",
                 Table={"CapacityUnits": 2.0, "ReadCapacityUnits": 2.0})]
    status, body = read(call, *gets, ReturnConsumedCapacity="NONE")
    assert status == 200 and "ConsumedCapacity" not in body, body


def test_get_duplicate_key(call, table):
    response = read(call, get_action(table, key("a")), get_action(table, key("b")),
                    get_action(table, key("a"), ProjectionExpression="v"))
    assert response == validation(DUPLICATE)


def test_get_missing_table(call, table):
    response = read(call, get_action(table, key("a")), get_action("no_such_table", key("a")))
    assert response == (400, {"__type": NOT_FOUND, "message": "Requested resource not found"})


@pytest.mark.parametrize("bad_key", [{"pk": N(1)}, {"id": S("a")}, {"pk": S("a"), "x": S("b")}],
                         ids=["type", "name", "extra"])
def test_get_key_not_matching_schema(call, table, bad_key):
    response = read(call, get_action(table, key("a")), get_action(table, bad_key))
    assert_canceled(response, [none(), invalid(SCHEMA)])


def test_get_empty_key(call, table):
    response = read(call, get_action(table, {}))
    assert_canceled(response, [invalid(SCHEMA)])


def test_get_empty_string_key(call, table):
    assert read(call, get_action(table, {"pk": S("")})) == validation(EMPTY_KEY)


@pytest.mark.parametrize("request_,expected", [
    ({"TransactItems": []}, errors(constraint(
        "'[]'", "transactItems", "Member must have length greater than or equal to 1"))),
    ({}, errors(not_null("transactItems"))),
    ({"TransactItems": [{}]}, errors(not_null("transactItems.1.member.get"))),
    ({"TransactItems": [{"Get": {"TableName": "tbl"}}]},
     errors(not_null("transactItems.1.member.get.key"))),
    ({"TransactItems": [{"Get": {"Key": key("a")}}]},
     errors(not_null("transactItems.1.member.get.tableName"))),
    ({"TransactItems": [get_action("tbl", key("a")), put("tbl", {"pk": S("b")})]},
     errors(not_null("transactItems.2.member.get"))),
    ({"TransactItems": [get_action("tbl", key("a"))], "ReturnConsumedCapacity": "BOGUS"},
     errors(constraint("'BOGUS'", "returnConsumedCapacity", RCC_ENUM))),
    ({"TransactItems": [get_action("tbl", key("a"), ProjectionExpression="!!!")]},
     validation('Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"')),
    ({"TransactItems": [get_action("tbl", key("a"), ProjectionExpression="#x")]},
     validation("Invalid ProjectionExpression: An expression attribute name used in the "
                "document path is not defined; attribute name: #x")),
    ({"TransactItems": [get_action("tbl", key("a"), ExpressionAttributeNames={"#n": "n"})]},
     validation("ExpressionAttributeNames can only be specified when using expressions")),
], ids=["empty", "missing", "no_get", "no_key", "no_table", "put_in_get", "bad_rcc",
        "projection_syntax",
        "undefined_name", "names_without_projection"])
def test_get_request_constraints(call, request_, expected):
    assert call("TransactGetItems", request_) == expected


def test_get_more_than_100(call, table):
    gets = [get_action(table, key(f"k{i}")) for i in range(101)]
    status, body = read(call, *gets)
    assert status == 400 and body["__type"] == VALIDATION, body
    assert re.fullmatch(r"1 validation error detected: Value .* at 'transactItems' failed to "
                        r"satisfy constraint: Member must have length less than or equal to 100",
                        body["message"], re.DOTALL), body["message"]
    status, body = read(call, *gets[:100], ReturnConsumedCapacity="TOTAL")
    assert status == 200, body
    assert body["Responses"] == [{}] * 100
    assert body["ConsumedCapacity"] == [capacity(table, 200.0, "ReadCapacityUnits")]


def test_get_bad_enum_beats_missing_table_and_duplicate(call):
    response = read(call, get_action("no_such_table", key("a")),
                    get_action("no_such_table", key("a")), ReturnConsumedCapacity="BOGUS")
    assert response == errors(constraint("'BOGUS'", "returnConsumedCapacity", RCC_ENUM))


# --- The AWS CLI -----------------------------------------------------------------------------

def test_aws_cli_transact_write_and_get(aws, table, other, tmp_path):
    writes = tmp_path / "writes.json"
    writes.write_text(json.dumps([
        put(table, {"pk": S("a"), "v": N(1)}),
        put(other, {"pk": S("b"), "v": N(2)}),
        update(table, key("c"), "SET w = :w", ExpressionAttributeValues={":w": S("x")})]))
    code, out, err = aws("transact-write-items", "--transact-items", f"file://{writes}",
                         "--return-consumed-capacity", "TOTAL")
    assert code == 0, err
    assert out == {"ConsumedCapacity": [capacity(table, 4.0), capacity(other, 2.0)]}

    reads = tmp_path / "reads.json"
    reads.write_text(json.dumps([get_action(table, key("a")), get_action(other, key("b")),
                                 get_action(table, key("zz")),
                                 get_action(table, key("c"), ProjectionExpression="w")]))
    code, out, err = aws("transact-get-items", "--transact-items", f"file://{reads}")
    assert code == 0, err
    assert out == {"Responses": [{"Item": {"pk": S("a"), "v": N(1)}},
                                 {"Item": {"pk": S("b"), "v": N(2)}},
                                 {}, {"Item": {"w": S("x")}}]}

    # A failing condition cancels the whole transaction.
    writes.write_text(json.dumps([
        put(table, {"pk": S("d")}),
        check(other, key("b"), "v = :v", ExpressionAttributeValues={":v": N(3)})]))
    code, out, err = aws("transact-write-items", "--transact-items", f"file://{writes}")
    assert code != 0
    assert ("An error occurred (TransactionCanceledException) when calling the "
            "TransactWriteItems operation: Transaction cancelled, please refer cancellation "
            "reasons for specific reasons [None, ConditionalCheckFailed]") in err, err
    code, out, err = aws("get-item", "--table-name", table, "--key", json.dumps(key("d")))
    assert (code, out) == (0, {}), err
