"""Data plane: PutItem, GetItem and DeleteItem, their validation, limits and capacity."""

import base64
import uuid

import pytest

from conftest import item_size, number_size, value_size

VALIDATION = "com.amazon.coral.validate#ValidationException"
NOT_FOUND = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
INVALID = "One or more parameter values were invalid: "
NOT_VALID = "One or more parameter values are not valid. "
MAX_ITEM = 409600


def validation(message):
    return 400, {"__type": VALIDATION, "message": message}


def b64(data):
    return base64.b64encode(data).decode()


# Item size as DynamoDB counts it (reference §7): conftest's number_size, value_size, item_size.

def padded_item(key, size, pad_attr="pad", **attrs):
    """`key` + `attrs` + an S attribute `pad_attr` sized so the item is exactly `size` bytes."""
    item = dict(key, **attrs)
    item[pad_attr] = {"S": ""}
    item[pad_attr] = {"S": "x" * (size - item_size(item))}
    assert item_size(item) == size
    return item


def test_item_size_rules_match_the_reference_examples():
    # Keeps the helper honest: the examples of reference §7.
    for text, size in [("12.3456", 4), ("1e125", 2), ("11e124", 2), ("11111e121", 4),
                       ("1111111e119", 5), ("1.2", 3), ("12", 2), ("-12.3456", 5),
                       ("123456", 4), ("0.5", 2), ("100", 2), ("-1", 3), ("0", 1)]:
        assert number_size(text) == size, text
    assert number_size("1" * 38 + "e88") == 20
    assert value_size({"L": [{"S": "a"}, {"N": "1"}]}) == 8
    assert value_size({"M": {"x": {"S": "ab"}}}) == 7
    assert value_size({"M": {"x": {"L": [{"M": {}}]}}}) == 12
    assert value_size({"NS": ["1", "-12.5"]}) == 6


# --- Tables -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tables(make_table):
    suffix = uuid.uuid4().hex[:8]
    return {
        "hash": make_table(f"items_hash_{suffix}"),
        "range": make_table(f"items_range_{suffix}", ("pk", "S"), ("sk", "S")),
        "binary": make_table(f"items_binary_{suffix}", ("pk", "B"), ("sk", "B")),
        "number": make_table(f"items_number_{suffix}", ("pk", "N")),
        "a": make_table(f"items_a_{suffix}", ("a", "S")),
        "indexed": make_table(
            f"items_indexed_{suffix}", ("pk", "S"), ("sk", "S"),
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                  for n in ("pk", "sk", "l", "g")],
            LocalSecondaryIndexes=[{"IndexName": "lsi_l", "Projection": {"ProjectionType": "ALL"},
                                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                  {"AttributeName": "l", "KeyType": "RANGE"}]}],
            GlobalSecondaryIndexes=[{"IndexName": "gsi_g", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}]),
    }


@pytest.fixture
def key(request):
    """A fresh partition key value."""
    return f"k_{request.node.name[:40]}_{uuid.uuid4().hex[:8]}"


def put(call, table, item, **extra):
    return call("PutItem", dict({"TableName": table, "Item": item}, **extra))


def get(call, table, key_, **extra):
    return call("GetItem", dict({"TableName": table, "Key": key_, "ConsistentRead": True}, **extra))


def delete(call, table, key_, **extra):
    return call("DeleteItem", dict({"TableName": table, "Key": key_}, **extra))


def canonical(value):
    """Sorts set members, which DynamoDB returns in no particular order."""
    if isinstance(value, dict):
        return {k: (sorted(v) if k in ("SS", "NS", "BS") else canonical(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


# --- Round trips --------------------------------------------------------------------------

ROUND_TRIP_VALUES = {
    "S": {"S": "hello"},
    "S-unicode": {"S": "ünïcødé ✓ 😀 \u0000 \"quoted\" \\"},
    "S-empty": {"S": ""},
    "N-int": {"N": "42"},
    "N-negative-decimal": {"N": "-3.14"},
    "N-big": {"N": "12345678901234567890123456789012345678"},
    "N-tiny": {"N": "0.000000000000000000000000000000000000000000001"},
    "B": {"B": b64(b"\x00\x01\xfe\xff binary")},
    "B-empty": {"B": ""},
    "BOOL-true": {"BOOL": True},
    "BOOL-false": {"BOOL": False},
    "NULL": {"NULL": True},
    "SS": {"SS": ["a", "b", "ç"]},
    "SS-with-empty": {"SS": ["", "x"]},
    "NS": {"NS": ["1", "2.5", "-3", "1000"]},
    "BS": {"BS": [b64(b"\x01"), b64(b"\x02\x03")]},
    "BS-with-empty": {"BS": ["", b64(b"z")]},
    "L": {"L": [{"S": "a"}, {"N": "1"}, {"BOOL": False}, {"NULL": True}, {"L": []}, {"M": {}}]},
    "L-empty": {"L": []},
    "M": {"M": {"s": {"S": "x"}, "n": {"N": "7"}, "empty": {"S": ""}}},
    "M-empty": {"M": {}},
    "nested": {"M": {"a": {"L": [{"M": {"b": {"SS": ["c", "d"]}, "e": {"BS": [b64(b"f")]}}},
                                 {"L": [{"NS": ["1", "2"]}, {"B": b64(b"g")}]}]}}},
}


@pytest.mark.parametrize("value", ROUND_TRIP_VALUES.values(), ids=ROUND_TRIP_VALUES.keys())
def test_put_get_delete_round_trip(call, tables, key, value):
    item = {"pk": {"S": key}, "v": value}
    assert put(call, tables["hash"], item) == (200, {})
    status, body = get(call, tables["hash"], {"pk": {"S": key}})
    assert status == 200
    assert canonical(body) == canonical({"Item": item})
    assert delete(call, tables["hash"], {"pk": {"S": key}}) == (200, {})
    assert get(call, tables["hash"], {"pk": {"S": key}}) == (200, {})


def test_item_with_every_type_at_once(call, tables, key):
    item = {"pk": {"S": key}, **{name.replace("-", "_"): value
                                 for name, value in ROUND_TRIP_VALUES.items()}}
    assert put(call, tables["hash"], item) == (200, {})
    status, body = get(call, tables["hash"], {"pk": {"S": key}})
    assert canonical(body) == canonical({"Item": item})


def test_boto3_round_trip(ddb, tables, key):
    item = {"pk": {"S": key}, "b": {"B": b"\x00\xff"}, "bs": {"BS": [b"x", b"y"]},
            "ns": {"NS": ["1", "2"]}, "m": {"M": {"l": {"L": [{"N": "1.50"}]}}}}
    ddb.put_item(TableName=tables["hash"], Item=item)
    got = ddb.get_item(TableName=tables["hash"], Key={"pk": {"S": key}})["Item"]
    assert got["b"] == {"B": b"\x00\xff"}
    assert sorted(got["bs"]["BS"]) == [b"x", b"y"]
    assert sorted(got["ns"]["NS"]) == ["1", "2"]
    assert got["m"] == {"M": {"l": {"L": [{"N": "1.5"}]}}}


def test_binary_keys(call, tables):
    key_ = {"pk": {"B": b64(b"\x00\x01")}, "sk": {"B": b64(b"\xff")}}
    assert put(call, tables["binary"], dict(key_, v={"S": "bin"})) == (200, {})
    assert get(call, tables["binary"], key_) == (200, {"Item": dict(key_, v={"S": "bin"})})
    other = {"pk": {"B": b64(b"\x00\x01")}, "sk": {"B": b64(b"\xfe")}}
    assert get(call, tables["binary"], other) == (200, {})


def test_put_replaces_the_whole_item(call, tables, key):
    put(call, tables["hash"], {"pk": {"S": key}, "a": {"S": "1"}, "b": {"S": "2"}})
    put(call, tables["hash"], {"pk": {"S": key}, "c": {"S": "3"}})
    assert get(call, tables["hash"], {"pk": {"S": key}}) == (
        200, {"Item": {"pk": {"S": key}, "c": {"S": "3"}}})


def test_range_keys_are_distinct_items(call, tables, key):
    for sk in ("a", "b"):
        put(call, tables["range"], {"pk": {"S": key}, "sk": {"S": sk}, "v": {"S": sk * 2}})
    assert get(call, tables["range"], {"pk": {"S": key}, "sk": {"S": "b"}})[1] == {
        "Item": {"pk": {"S": key}, "sk": {"S": "b"}, "v": {"S": "bb"}}}
    delete(call, tables["range"], {"pk": {"S": key}, "sk": {"S": "a"}})
    assert get(call, tables["range"], {"pk": {"S": key}, "sk": {"S": "a"}}) == (200, {})
    assert "Item" in get(call, tables["range"], {"pk": {"S": key}, "sk": {"S": "b"}})[1]


def test_eventually_consistent_get(call, tables, key):
    put(call, tables["hash"], {"pk": {"S": key}})
    assert call("GetItem", {"TableName": tables["hash"], "Key": {"pk": {"S": key}}}) == (
        200, {"Item": {"pk": {"S": key}}})


# --- Numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("given,returned", [
    ("-0015.789e6", "-15789000"),
    ("1.50", "1.5"),
    ("0001.000e-130", "0." + "0" * 129 + "1"),
    ("1E-130", "0." + "0" * 129 + "1"),
    ("9.9999999999999999999999999999999999999E+125", "9" * 38 + "0" * 88),
    ("100", "100"),
    ("0.0", "0"),
    ("000", "0"),
    ("1e3", "1000"),
    ("-1.0", "-1"),
    ("0.00012300", "0.000123"),
    ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ("-1.2345678901234567890123456789012345678", "-1.2345678901234567890123456789012345678"),
    ("1234567890123456789012345678901234567800000", "1234567890123456789012345678901234567800000"),
])
def test_numbers_are_normalised(call, tables, key, given, returned):
    put(call, tables["hash"], {"pk": {"S": key}, "n": {"N": given}, "ns": {"NS": [given, "3"]}})
    item = get(call, tables["hash"], {"pk": {"S": key}})[1]["Item"]
    assert item["n"] == {"N": returned}
    assert sorted(item["ns"]["NS"]) == sorted([returned, "3"])


def test_number_keys_compare_by_value(call, tables):
    number = str(uuid.uuid4().int % 10**12)
    put(call, tables["number"], {"pk": {"N": number + ".000"}, "v": {"S": "x"}})
    assert get(call, tables["number"], {"pk": {"N": number}}) == (
        200, {"Item": {"pk": {"N": number}, "v": {"S": "x"}}})
    assert get(call, tables["number"], {"pk": {"N": f"{number}0e-1"}})[1]["Item"]["v"] == {"S": "x"}


# --- AttributeValue validation (§5.2) -----------------------------------------------------

EMPTY_VALUE = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
NESTING = ("Nesting Levels have exceeded supported limits: Attributes in the item have nested "
           "levels beyond supported limit")

INVALID_VALUES = {
    "empty": ({}, EMPTY_VALUE),
    "unknown-member": ({"X": "1"}, EMPTY_VALUE),
    "lower-case-member": ({"s": "1"}, EMPTY_VALUE),
    "empty-in-map": ({"M": {"a": {}}}, EMPTY_VALUE),
    "empty-in-list": ({"L": [{}]}, EMPTY_VALUE),
    "unknown-in-list": ({"L": [{"a": {}}]}, EMPTY_VALUE),
    "two-types": ({"S": "a", "N": "1"},
                  "Supplied AttributeValue has more than one datatypes set, must contain exactly "
                  "one of the supported datatypes"),
    "two-types-nested": ({"L": [{"S": "a", "BOOL": True}]},
                         "Supplied AttributeValue has more than one datatypes set, must contain "
                         "exactly one of the supported datatypes"),
    "null-false": ({"NULL": False}, INVALID + "Null attribute value types must have the value of true"),
    "empty-ss": ({"SS": []}, INVALID + "An string set  may not be empty"),
    "empty-ns": ({"NS": []}, INVALID + "An number set  may not be empty"),
    "empty-bs": ({"BS": []}, INVALID + "Binary sets should not be empty"),
    "empty-ss-nested": ({"M": {"x": {"SS": []}}}, INVALID + "An string set  may not be empty"),
    "duplicate-ss": ({"SS": ["a", "a"]}, INVALID + "Input collection [a, a] contains duplicates."),
    "duplicate-bs": ({"BS": ["Yg==", "Yg=="]},
                     INVALID + "Input collection [Yg==, Yg==]of type BS contains duplicates."),
    "duplicate-ns": ({"NS": ["1", "1"]}, "Input collection contains duplicates"),
    "empty-number": ({"N": ""}, "The parameter cannot be converted to a numeric value"),
    "empty-number-in-set": ({"NS": ["1", ""]}, "The parameter cannot be converted to a numeric value"),
    "not-a-number": ({"N": "b"}, "The parameter cannot be converted to a numeric value: b"),
    "39-digits": ({"N": "123456789012345678901234567890123456789"},
                  "Attempting to store more than 38 significant digits in a Number"),
    "39-digits-negative-fraction": ({"N": "-1.23456789012345678901234567890123456789"},
                                    "Attempting to store more than 38 significant digits in a "
                                    "Number"),
    "overflow": ({"N": "1e126"}, "Number overflow. Attempting to store a number with magnitude "
                                 "larger than supported range"),
    "negative-overflow": ({"N": "-1e126"}, "Number overflow. Attempting to store a number with "
                                           "magnitude larger than supported range"),
    "underflow": ({"N": "1e-131"}, "Number underflow. Attempting to store a number with "
                                   "magnitude smaller than supported range"),
}


@pytest.mark.parametrize("value,message", INVALID_VALUES.values(), ids=INVALID_VALUES.keys())
def test_invalid_attribute_values_in_put_item(call, tables, key, value, message):
    assert put(call, tables["hash"], {"pk": {"S": key}, "v": value}) == validation(message)
    assert get(call, tables["hash"], {"pk": {"S": key}}) == (200, {})


@pytest.mark.parametrize("name", ["empty", "two-types", "null-false", "empty-ss", "duplicate-ns",
                                  "not-a-number", "overflow"])
@pytest.mark.parametrize("operation", ["GetItem", "DeleteItem"])
def test_invalid_attribute_values_in_key(call, tables, operation, name):
    value, message = INVALID_VALUES[name]
    assert call(operation, {"TableName": tables["hash"], "Key": {"pk": value}}) == \
        validation(message)


def test_attribute_values_are_checked_before_the_table_lookup(call, table_name):
    assert put(call, table_name, {"pk": {"S": "a"}, "v": {"SS": []}}) == validation(
        INVALID + "An string set  may not be empty")


def _nest(depth):
    """A value whose scalar leaf sits under `depth` alternating maps and lists."""
    value = {"S": "leaf"}
    for level in range(depth):
        value = {"M": {"m": value}} if level % 2 else {"L": [value]}
    return value


def test_nesting_depth_limit(call, tables, key):
    deepest = {"pk": {"S": key}, "v": _nest(31)}
    assert put(call, tables["hash"], deepest) == (200, {})
    assert get(call, tables["hash"], {"pk": {"S": key}}) == (200, {"Item": deepest})
    assert put(call, tables["hash"], {"pk": {"S": key}, "v": _nest(32)}) == validation(NESTING)
    assert put(call, tables["hash"], {"pk": {"S": key}, "v": _nest(60)}) == validation(NESTING)


# --- Key errors (§5.3) --------------------------------------------------------------------

@pytest.mark.parametrize("item", [{}, {"v": {"S": "x"}}, {"PK": {"S": "x"}}],
                         ids=["empty", "other-attribute", "wrong-case"])
def test_put_item_missing_hash_key(call, tables, item):
    assert put(call, tables["hash"], item) == validation(INVALID + "Missing the key pk in the item")


def test_put_item_missing_range_key(call, tables, key):
    assert put(call, tables["range"], {"pk": {"S": key}}) == validation(
        INVALID + "Missing the key sk in the item")


@pytest.mark.parametrize("value", [
    {"N": "1"}, {"B": "YQ=="}, {"BOOL": True}, {"NULL": True}, {"SS": ["a"]}, {"NS": ["1"]},
    {"BS": ["YQ=="]}, {"M": {}}, {"L": []}], ids=lambda v: next(iter(v)))
def test_put_item_key_type_mismatch(call, tables, value):
    actual = next(iter(value))
    assert put(call, tables["hash"], {"pk": value}) == validation(
        INVALID + f"Type mismatch for key pk expected: S actual: {actual}")


def test_put_item_range_key_type_mismatch(call, tables, key):
    assert put(call, tables["binary"], {"pk": {"B": "YQ=="}, "sk": {"S": "a"}}) == validation(
        INVALID + "Type mismatch for key sk expected: B actual: S")


def test_put_item_index_key_type_mismatch(call, tables, key):
    assert put(call, tables["indexed"], {"pk": {"S": key}, "sk": {"S": "a"},
                                         "g": {"N": "1"}}) == validation(
        INVALID + "Type mismatch for Index Key g Expected: S Actual: N IndexName: gsi_g")


def test_empty_string_key(call, tables, key):
    message = (NOT_VALID + "The AttributeValue for a key attribute cannot contain an empty string "
                           "value. Key: {}")
    assert put(call, tables["hash"], {"pk": {"S": ""}}) == validation(message.format("pk"))
    assert put(call, tables["range"], {"pk": {"S": key}, "sk": {"S": ""}}) == validation(
        message.format("sk"))
    assert get(call, tables["hash"], {"pk": {"S": ""}}) == validation(message.format("pk"))
    assert delete(call, tables["hash"], {"pk": {"S": ""}}) == validation(message.format("pk"))


def test_empty_binary_key(call, tables):
    message = NOT_VALID + ("The AttributeValue for a key attribute cannot contain an empty binary "
                           "value. Key: {}")
    assert put(call, tables["binary"], {"pk": {"B": ""}, "sk": {"B": "YQ=="}}) == validation(
        message.format("pk"))
    assert put(call, tables["binary"], {"pk": {"B": "YQ=="}, "sk": {"B": ""}}) == validation(
        message.format("sk"))


@pytest.mark.parametrize("table,key_", [
    ("hash", {}),
    ("hash", {"pk": {"S": "a"}, "extra": {"S": "b"}}),
    ("hash", {"other": {"S": "a"}}),
    ("hash", {"pk": {"N": "1"}}),
    ("hash", {"pk": {"SS": ["a"]}}),
    ("range", {"pk": {"S": "a"}}),
    ("range", {"sk": {"S": "a"}}),
    ("range", {"pk": {"S": "a"}, "sk": {"N": "1"}}),
], ids=["empty", "extra", "other-name", "wrong-type", "set", "range-missing", "hash-missing",
        "range-wrong-type"])
@pytest.mark.parametrize("operation", ["GetItem", "DeleteItem"])
def test_key_does_not_match_schema(call, tables, operation, table, key_):
    assert call(operation, {"TableName": tables[table], "Key": key_}) == validation(
        "The provided key element does not match the schema")


HASH_TOO_BIG = INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"
RANGE_TOO_BIG = INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"


@pytest.mark.parametrize("operation", ["PutItem", "GetItem", "DeleteItem"])
def test_hash_key_size_limit(call, tables, operation):
    field = "Item" if operation == "PutItem" else "Key"
    for value, ok in [({"S": "x" * 2048}, True), ({"S": "x" * 2049}, False),
                      ({"S": "é" * 1024}, True), ({"S": "é" * 1024 + "x"}, False)]:
        status, body = call(operation, {"TableName": tables["hash"], field: {"pk": value}})
        assert (status, body) == ((200, body) if ok else validation(HASH_TOO_BIG)), len(value["S"])
    for value, ok in [({"B": b64(b"\x01" * 2048)}, True), ({"B": b64(b"\x01" * 2049)}, False)]:
        key_ = {"pk": value, "sk": {"B": "AQ=="}}
        status, body = call(operation, {"TableName": tables["binary"], field: key_})
        assert (status, body) == ((200, body) if ok else validation(HASH_TOO_BIG))


@pytest.mark.parametrize("operation", ["PutItem", "GetItem", "DeleteItem"])
def test_range_key_size_limit(call, tables, key, operation):
    field = "Item" if operation == "PutItem" else "Key"
    for sk, ok in [("y" * 1024, True), ("y" * 1025, False), ("ü" * 512, True),
                   ("ü" * 512 + "y", False)]:
        status, body = call(operation, {"TableName": tables["range"],
                                        field: {"pk": {"S": key}, "sk": {"S": sk}}})
        assert (status, body) == ((200, body) if ok else validation(RANGE_TOO_BIG))


def test_max_size_keys_round_trip(call, tables):
    item = {"pk": {"S": "h" * 2048}, "sk": {"S": "r" * 1024}, "v": {"N": "1"}}
    assert put(call, tables["range"], item) == (200, {})
    assert get(call, tables["range"], {"pk": item["pk"], "sk": item["sk"]}) == (200, {"Item": item})


# --- Item size limit (§5.4) ---------------------------------------------------------------

def test_item_size_limit_simple(call, tables, key):
    item = padded_item({"pk": {"S": key}}, MAX_ITEM)
    assert put(call, tables["hash"], item) == (200, {})
    assert get(call, tables["hash"], {"pk": {"S": key}}) == (200, {"Item": item})
    too_big = padded_item({"pk": {"S": key}}, MAX_ITEM + 1)
    assert put(call, tables["hash"], too_big) == validation(
        "Item size has exceeded the maximum allowed size")
    assert get(call, tables["hash"], {"pk": {"S": key}}) == (200, {"Item": item})


def test_item_size_limit_counts_every_type(call, tables, key):
    attrs = {
        "number": {"N": "-12.3456"}, "big": {"N": "1" * 38 + "e88"},
        "bin": {"B": b64(b"\x00" * 33)}, "flag": {"BOOL": True}, "nothing": {"NULL": True},
        "strings": {"SS": ["ab", "c", "ü"]}, "numbers": {"NS": ["1", "-12.5", "100"]},
        "binaries": {"BS": ["AQI=", "Ag=="]},
        "list": {"L": [{"S": "a"}, {"N": "1"}, {"L": []}, {"M": {"x": {"S": "ab"}}}]},
        "map": {"M": {"x": {"L": [{"M": {}}]}, "ключ": {"S": "значение"}}},
        "a" * 1000: {"S": "long attribute name"},
    }
    item = padded_item({"pk": {"S": key}}, MAX_ITEM, **attrs)
    assert put(call, tables["hash"], item) == (200, {})
    too_big = padded_item({"pk": {"S": key}}, MAX_ITEM + 1, **attrs)
    assert put(call, tables["hash"], too_big) == validation(
        "Item size has exceeded the maximum allowed size")


def test_item_size_counts_utf8_bytes(call, tables, key):
    base = {"pk": {"S": key}}
    filler = MAX_ITEM - item_size(dict(base, pad={"S": ""}))
    ok = dict(base, pad={"S": "é" * (filler // 2) + "x" * (filler % 2)})
    assert item_size(ok) == MAX_ITEM
    assert put(call, tables["hash"], ok) == (200, {})
    too_big = dict(base, pad={"S": "é" * (filler // 2) + "x" * (filler % 2 + 1)})
    assert put(call, tables["hash"], too_big) == validation(
        "Item size has exceeded the maximum allowed size")


def test_item_size_is_checked_before_the_table_lookup(call, table_name):
    assert put(call, table_name, padded_item({"pk": {"S": "a"}}, MAX_ITEM + 1)) == validation(
        "Item size has exceeded the maximum allowed size")
    assert put(call, table_name, padded_item({"pk": {"S": "a"}}, MAX_ITEM)) == (
        400, {"__type": NOT_FOUND, "message": "Requested resource not found"})


# --- ReturnValues -------------------------------------------------------------------------

def test_return_values_all_old(call, tables, key):
    table, key_ = tables["hash"], {"pk": {"S": key}}
    first = dict(key_, v={"S": "first"})
    second = dict(key_, v={"N": "2"})
    assert put(call, table, first, ReturnValues="ALL_OLD") == (200, {})
    assert put(call, table, second, ReturnValues="ALL_OLD") == (200, {"Attributes": first})
    assert put(call, table, second, ReturnValues="NONE") == (200, {})
    assert delete(call, table, key_, ReturnValues="ALL_OLD") == (200, {"Attributes": second})
    assert delete(call, table, key_, ReturnValues="ALL_OLD") == (200, {})
    assert delete(call, table, key_, ReturnValues="NONE") == (200, {})


@pytest.mark.parametrize("return_values", ["ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"])
def test_return_values_not_allowed_for_put_and_delete(call, tables, key, return_values):
    message = "ReturnValues can only be ALL_OLD or NONE"
    assert put(call, tables["hash"], {"pk": {"S": key}},
               ReturnValues=return_values) == validation(message)
    assert delete(call, tables["hash"], {"pk": {"S": key}},
                  ReturnValues=return_values) == validation(message)
    # This rule comes before the item's own validation.
    assert put(call, tables["hash"], {"pk": {"S": key}, "v": {}},
               ReturnValues=return_values) == validation(message)


def test_unknown_return_values(call, tables, key):
    assert put(call, tables["hash"], {"pk": {"S": key}}, ReturnValues="hi") == validation(
        "1 validation error detected: Value 'hi' at 'returnValues' failed to satisfy constraint: "
        "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")


# --- Constraint errors --------------------------------------------------------------------

def _entries(body):
    assert body["__type"] == VALIDATION, body
    head, _, rest = body["message"].partition(" detected: ")
    return head, sorted(rest.split("; "))


def _entry(value, path, constraint):
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


PATTERN = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"


def test_put_item_constraint_errors(call):
    status, body = call("PutItem", {"TableName": "abc;", "ReturnConsumedCapacity": "hi",
                                    "ReturnItemCollectionMetrics": "hi", "ReturnValues": "hi"})
    assert status == 400
    assert _entries(body) == ("5 validation errors", sorted([
        _entry("hi", "returnConsumedCapacity",
               "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
        _entry("abc;", "tableName", PATTERN),
        _entry(None, "item", "Member must not be null"),
        _entry("hi", "returnValues",
               "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, "
               "UPDATED_NEW]"),
        _entry("hi", "returnItemCollectionMetrics", "Member must satisfy enum value set: [SIZE, NONE]"),
    ]))


def test_get_item_constraint_errors(call):
    status, body = call("GetItem", {"TableName": "abc;", "ReturnConsumedCapacity": "hi",
                                    "AttributesToGet": []})
    assert status == 400
    assert _entries(body) == ("4 validation errors", sorted([
        _entry("[]", "attributesToGet", "Member must have length greater than or equal to 1"),
        _entry("hi", "returnConsumedCapacity",
               "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
        _entry(None, "key", "Member must not be null"),
        _entry("abc;", "tableName", PATTERN),
    ]))


@pytest.mark.parametrize("operation,request_body,entries", [
    ("PutItem", {"Item": {"pk": {"S": "a"}}}, [_entry(None, "tableName", "Member must not be null")]),
    ("GetItem", {"TableName": "", "Key": {"pk": {"S": "a"}}}, [
        _entry("", "tableName", PATTERN),
        _entry("", "tableName", "Member must have length greater than or equal to 3")]),
    ("DeleteItem", {"TableName": "a;", "Key": {"pk": {"S": "a"}}}, [
        _entry("a;", "tableName", PATTERN),
        _entry("a;", "tableName", "Member must have length greater than or equal to 3")]),
    ("DeleteItem", {"TableName": "t" * 256, "Key": {"pk": {"S": "a"}}}, [
        _entry("t" * 256, "tableName", "Member must have length less than or equal to 255")]),
    ("DeleteItem", {"TableName": "abc"}, [_entry(None, "key", "Member must not be null")]),
])
def test_item_table_name_and_required_members(call, operation, request_body, entries):
    status, body = call(operation, request_body)
    assert status == 400
    count = len(entries)
    assert _entries(body) == (f"{count} validation error{'s' if count > 1 else ''}",
                              sorted(entries))


def test_constraints_come_before_attribute_value_checks(call):
    status, body = call("PutItem", {"TableName": "a;", "Item": {"v": {}}})
    assert _entries(body) == ("2 validation errors", sorted([
        _entry("a;", "tableName", PATTERN),
        _entry("a;", "tableName", "Member must have length greater than or equal to 3")]))


# --- Missing table ------------------------------------------------------------------------

@pytest.mark.parametrize("operation,request_body", [
    ("PutItem", {"Item": {"pk": {"S": "a"}}}),
    ("PutItem", {"Item": {}}),
    ("GetItem", {"Key": {"pk": {"S": "a"}}}),
    ("GetItem", {"Key": {}}),
    ("DeleteItem", {"Key": {"pk": {"S": "a"}}, "ReturnValues": "ALL_OLD"}),
])
def test_item_operations_on_missing_table(call, table_name, operation, request_body):
    assert call(operation, dict(request_body, TableName=table_name)) == (
        400, {"__type": NOT_FOUND, "message": "Requested resource not found"})


# --- ConsumedCapacity (§6.5) --------------------------------------------------------------

def _capacity(body):
    return body["ConsumedCapacity"]


@pytest.mark.parametrize("size,units", [(100, 1), (1024, 1), (1025, 2), (2048, 2), (2049, 3)])
def test_put_item_capacity(call, tables, key, size, units):
    table = tables["hash"]
    status, body = put(call, table, padded_item({"pk": {"S": key}}, size),
                       ReturnConsumedCapacity="TOTAL")
    assert status == 200
    capacity = _capacity(body)
    assert capacity["TableName"] == table
    assert capacity["CapacityUnits"] == units
    assert "Table" not in capacity


def test_put_item_capacity_counts_the_larger_of_old_and_new(call, tables, key):
    table = tables["hash"]
    put(call, table, padded_item({"pk": {"S": key}}, 3000))
    status, body = put(call, table, {"pk": {"S": key}}, ReturnConsumedCapacity="TOTAL")
    assert _capacity(body)["CapacityUnits"] == 3
    status, body = put(call, table, {"pk": {"S": key}}, ReturnConsumedCapacity="TOTAL")
    assert _capacity(body)["CapacityUnits"] == 1


def test_delete_item_capacity(call, tables, key):
    table = tables["hash"]
    put(call, table, padded_item({"pk": {"S": key}}, 2049))
    status, body = delete(call, table, {"pk": {"S": key}}, ReturnConsumedCapacity="TOTAL")
    assert (status, _capacity(body)["TableName"], _capacity(body)["CapacityUnits"]) == (200, table, 3)
    status, body = delete(call, table, {"pk": {"S": key}}, ReturnConsumedCapacity="TOTAL")
    assert _capacity(body)["CapacityUnits"] == 1


def _get_capacity(call, table, key_, consistent, **extra):
    status, body = call("GetItem", dict({"TableName": table, "Key": key_,
                                         "ConsistentRead": consistent,
                                         "ReturnConsumedCapacity": "TOTAL"}, **extra))
    assert status == 200, body
    assert _capacity(body)["TableName"] == table
    return _capacity(body)["CapacityUnits"]


def test_get_item_capacity_boundaries(call, tables):
    # The worked examples of reference §7 (verified against DynamoDB).
    table = tables["a"]
    exact = {"a": {"S": "a" * 10}, "b": {"S": "b" * 4071}, "c": {"N": "12.3456"},
             "d": {"B": "AQI="}, "e": {"BS": ["AQI=", "Ag==", "AQ=="]}}
    over = {"a": {"S": "b" * 10}, "b": {"S": "b" * 4073}, "c": {"N": "12.3456"},
            "d": {"B": "AQI="}, "e": {"BS": ["AQI=", "Ag=="]}}
    assert (item_size(exact), item_size(over)) == (4096, 4097)
    put(call, table, exact)
    put(call, table, over)
    assert _get_capacity(call, table, {"a": exact["a"]}, False) == 0.5
    assert _get_capacity(call, table, {"a": exact["a"]}, True) == 1
    assert _get_capacity(call, table, {"a": over["a"]}, False) == 1
    assert _get_capacity(call, table, {"a": over["a"]}, True) == 2
    # A projection does not make the read cheaper.
    assert _get_capacity(call, table, {"a": over["a"]}, True, ProjectionExpression="c") == 2
    assert _get_capacity(call, table, {"a": over["a"]}, False, AttributesToGet=["a"]) == 1


def test_get_missing_item_capacity(call, tables, key):
    assert _get_capacity(call, tables["hash"], {"pk": {"S": key}}, False) == 0.5
    assert _get_capacity(call, tables["hash"], {"pk": {"S": key}}, True) == 1


def test_get_large_item_capacity(call, tables, key):
    put(call, tables["hash"], padded_item({"pk": {"S": key}}, 300000))
    assert _get_capacity(call, tables["hash"], {"pk": {"S": key}}, True) == 74  # ceil(300000/4096)
    assert _get_capacity(call, tables["hash"], {"pk": {"S": key}}, False) == 37


def test_no_consumed_capacity_unless_asked(call, tables, key):
    assert put(call, tables["hash"], {"pk": {"S": key}}, ReturnConsumedCapacity="NONE") == (200, {})
    assert get(call, tables["hash"], {"pk": {"S": key}}, ReturnConsumedCapacity="NONE") == (
        200, {"Item": {"pk": {"S": key}}})
    assert delete(call, tables["hash"], {"pk": {"S": key}}) == (200, {})


def test_capacity_with_indexes_on_table_without_indexes(call, tables, key):
    table = tables["hash"]
    status, body = put(call, table, {"pk": {"S": key}}, ReturnConsumedCapacity="INDEXES")
    capacity = _capacity(body)
    assert (capacity["TableName"], capacity["CapacityUnits"],
            capacity["Table"]["CapacityUnits"]) == (table, 1, 1)
    assert "LocalSecondaryIndexes" not in capacity and "GlobalSecondaryIndexes" not in capacity
    status, body = get(call, table, {"pk": {"S": key}}, ConsistentRead=False,
                       ReturnConsumedCapacity="INDEXES")
    capacity = _capacity(body)
    assert (capacity["TableName"], capacity["CapacityUnits"],
            capacity["Table"]["CapacityUnits"]) == (table, 0.5, 0.5)
    status, body = delete(call, table, {"pk": {"S": key}}, ReturnConsumedCapacity="INDEXES")
    assert _capacity(body)["Table"]["CapacityUnits"] == 1


def test_capacity_with_indexes_counts_index_writes(call, tables, key):
    table = tables["indexed"]
    item = {"pk": {"S": key}, "sk": {"S": "s"}, "l": {"S": "l"}, "g": {"S": "g"}}
    status, body = put(call, table, item, ReturnConsumedCapacity="INDEXES")
    assert status == 200, body
    capacity = _capacity(body)
    assert (capacity["TableName"], capacity["CapacityUnits"],
            capacity["Table"]["CapacityUnits"]) == (table, 3, 1)
    assert {k: v["CapacityUnits"] for k, v in capacity["LocalSecondaryIndexes"].items()} == \
        {"lsi_l": 1}
    assert {k: v["CapacityUnits"] for k, v in capacity["GlobalSecondaryIndexes"].items()} == \
        {"gsi_g": 1}
    status, body = put(call, table, item, ReturnConsumedCapacity="TOTAL")
    assert "Table" not in _capacity(body)


# --- ProjectionExpression, AttributesToGet ------------------------------------------------

@pytest.fixture
def stored(call, tables, key):
    item = {"pk": {"S": key}, "a": {"S": "A"}, "b": {"N": "2"}, "c": {"L": [{"S": "x"}]},
            "d": {"M": {"e": {"S": "E"}}}}
    assert put(call, tables["hash"], item) == (200, {})
    return tables["hash"], {"pk": {"S": key}}, item


def test_projection_expression(call, stored):
    table, key_, item = stored
    assert get(call, table, key_, ProjectionExpression="a, c") == (
        200, {"Item": {"a": item["a"], "c": item["c"]}})
    # "missing" is one of DynamoDB's reserved words, so the absent attribute is named otherwise.
    assert get(call, table, key_, ProjectionExpression="#x, d, absent_attr",
               ExpressionAttributeNames={"#x": "b"}) == (
        200, {"Item": {"b": item["b"], "d": item["d"]}})
    assert get(call, table, key_, ProjectionExpression="pk") == (200, {"Item": {"pk": key_["pk"]}})
    assert get(call, table, key_, ProjectionExpression="a, missing") == (400, {
        "__type": VALIDATION, "message": "Invalid ProjectionExpression: Attribute name is a "
                                         "reserved keyword; reserved keyword: missing"})


def test_nested_projection_keeps_the_item_shape(call, tables, key):
    item = {"pk": {"S": key},
            "m": {"M": {"x": {"S": "1"}, "y": {"S": "2"},
                        "l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"M": {"z": {"N": "3"}}}]}}},
            "odd1": {"S": "o"}}
    assert put(call, tables["hash"], item) == (200, {})
    status, body = get(call, tables["hash"], {"pk": {"S": key}},
                       ProjectionExpression="m.l[3].z, m.x, m.l[1], m.nothere, odd1[0]")
    assert (status, body) == (200, {"Item": {"m": {"M": {
        "x": {"S": "1"}, "l": {"L": [{"S": "b"}, {"M": {"z": {"N": "3"}}}]}}}}})
    status, body = get(call, tables["hash"], {"pk": {"S": key}}, ProjectionExpression="m.x, m")
    assert status == 400 and body["message"] == (
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
        "or rewrite one of these paths; path one: [m, x], path two: [m]")


def test_attributes_to_get(call, stored):
    table, key_, item = stored
    assert get(call, table, key_, AttributesToGet=["b", "nothing", "pk"]) == (
        200, {"Item": {"b": item["b"], "pk": item["pk"]}})


def test_projection_of_missing_item(call, tables, key):
    assert get(call, tables["hash"], {"pk": {"S": key}}, ProjectionExpression="a") == (200, {})


@pytest.mark.parametrize("extra,message", [
    ({"ProjectionExpression": "#a", "ExpressionAttributeNames": {"#a": "a", "#b": "b"}},
     "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"),
    ({"ProjectionExpression": "a", "ExpressionAttributeNames": {"#a": "a", "#b": "b"}},
     "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}"),
    ({"ProjectionExpression": "#a"},
     "Invalid ProjectionExpression: An expression attribute name used in the document path is "
     "not defined; attribute name: #a"),
    ({"ProjectionExpression": "a, #zz", "ExpressionAttributeNames": {"#a": "a"}},
     "Invalid ProjectionExpression: An expression attribute name used in the document path is "
     "not defined; attribute name: #zz"),
    ({"ProjectionExpression": "a", "AttributesToGet": ["a"]},
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"),
    ({"AttributesToGet": ["a", "b", "a"]},
     INVALID + "Duplicate value in attribute name: a"),
    ({"ExpressionAttributeNames": {"#a": "a"}},
     "ExpressionAttributeNames can only be specified when using expressions"),
    ({"ProjectionExpression": "a", "ExpressionAttributeNames": {}},
     "ExpressionAttributeNames must not be empty"),
    ({"ProjectionExpression": "a", "ExpressionAttributeNames": {"a": "a"}},
     'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'),
    ({"ProjectionExpression": ""}, "Invalid ProjectionExpression: The expression can not be empty;"),
], ids=["unused-name", "two-unused-names", "undefined-name", "undefined-second-name",
        "both-styles", "duplicate-attributes-to-get", "names-without-expression", "empty-names",
        "invalid-name-key", "empty-expression"])
def test_projection_errors(call, stored, extra, message):
    table, key_, _ = stored
    assert get(call, table, key_, **extra) == validation(message)


@pytest.mark.parametrize("operation,field", [("PutItem", "Item"), ("DeleteItem", "Key")])
def test_expression_attributes_without_expressions(call, tables, key, operation, field):
    base = {"TableName": tables["hash"], field: {"pk": {"S": key}}}
    assert call(operation, dict(base, ExpressionAttributeNames={"#a": "a"})) == validation(
        "ExpressionAttributeNames can only be specified when using expressions")
    assert call(operation, dict(base, ExpressionAttributeValues={":a": {"S": "a"}})) == validation(
        "ExpressionAttributeValues can only be specified when using expressions: "
        "ConditionExpression is null")


def test_projection_errors_come_before_the_table_lookup(call, table_name):
    assert get(call, table_name, {"pk": {"S": "a"}}, ProjectionExpression="#a") == validation(
        "Invalid ProjectionExpression: An expression attribute name used in the document path is "
        "not defined; attribute name: #a")
