"""Query: every sort-key operator on S, N and B keys with DynamoDB's ordering, pagination
(Limit, ExclusiveStartKey, the 1 MB page), filters, projections, Select, the legacy
KeyConditions and QueryFilter, consumed capacity, the errors in DynamoDB's order, and the
AWS CLI's automatic pagination of query and scan."""

import base64
import http.client
import json
import math
import uuid
from decimal import Decimal

import pytest

from conftest import raw_request, select_error_cases

VALIDATION = "com.amazon.coral.validate#ValidationException"
NOT_FOUND = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
INVALID = "One or more parameter values were invalid: "
PREFIX = "1 validation error detected: "

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731
B = lambda v: {"B": base64.b64encode(v).decode()}  # noqa: E731


def validation(message):
    return 400, {"__type": VALIDATION, "message": message}


def new_name(tag):
    return f"it_query_{tag}_{uuid.uuid4().hex[:8]}"


def put_all(server, table, items):
    """PutItem for every item over one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        for item in items:
            status, _, body = raw_request(server.port, "PutItem",
                                          {"TableName": table, "Item": item}, conn=conn)
            assert status == 200, body
    finally:
        conn.close()


def query(call, table, kce=None, values=None, names=None, **extra):
    request = {"TableName": table}
    if kce is not None:
        request["KeyConditionExpression"] = kce
    if values is not None:
        request["ExpressionAttributeValues"] = values
    if names is not None:
        request["ExpressionAttributeNames"] = names
    request.update(extra)
    return call("Query", request)


def ok_query(call, table, kce=None, values=None, names=None, **extra):
    status, body = query(call, table, kce, values, names, **extra)
    assert status == 200, body
    return body


def all_pages(call, request, limit):
    """Follows LastEvaluatedKey to the end; returns the list of page bodies."""
    pages = []
    request = dict(request, Limit=limit)
    while True:
        status, body = call("Query", request)
        assert status == 200, body
        pages.append(body)
        assert len(pages) < 1000
        if "LastEvaluatedKey" not in body:
            return pages
        request["ExclusiveStartKey"] = body["LastEvaluatedKey"]


# --- Sort-key values per type, and their DynamoDB order ---

S_VALUES = ["1", "10", "2", "A", "B", "a", "aa", "ab", "b", "a\u0000b", "abc", "\u00e9",
            "\uff01", "\U0001F600", "~"]
N_VALUES = ["-99.1", "-10.1", "-9.9", "-9", "-1.01", "-1", "-0.9", "-0.1", "-0.09", "-0.01", "0",
            "0.01", "0.09", "0.1", "0.9", "1", "1.1", "1.9", "9", "9.1", "10.1", "10.9", "99.1",
            "1E+100", "-1E+100", "1E-130", "-1E-130",
            "9.9999999999999999999999999999999999999E+125",
            "-9.9999999999999999999999999999999999999E+125",
            "12345678901234567890123456789012345678"]
B_VALUES = [b"\x00", b"\x00\x00", b"\x00\x01", b"\x11\x22\x33", b"\x22", b"\x24", b"\x32", b"\x4f",
            b"\x70", b"\x7f", b"\x80", b"\xd4", b"\xd6", b"\xdb", b"\xea", b"\xf4", b"\xf5",
            b"\xff", b"\xff\x00", b"\xff\xff"]

TYPES = {
    # kind: (values, sort key, wire encoder, decoder of a returned value)
    "S": (S_VALUES, lambda v: v.encode("utf-8"), S, lambda av: av["S"]),
    "N": (N_VALUES, Decimal, N, lambda av: av["N"]),
    "B": (B_VALUES, bytes, B, lambda av: base64.b64decode(av["B"])),
}


@pytest.fixture(scope="module")
def typed_tables(server, make_table):
    """One table per sort-key type: partition "p" holds every value, "o" and "q" a few."""
    names = {}
    for kind, (values, _, enc, _) in TYPES.items():
        name = make_table(new_name("sk" + kind), ("pk", "S"), ("sk", kind))
        items = [{"pk": S("p"), "sk": enc(v), "v": N(i)} for i, v in enumerate(values)]
        items += [{"pk": S(p), "sk": enc(values[i])} for p in ("o", "q") for i in (0, 5)]
        put_all(server, name, items)
        names[kind] = name
    return names


def decoded(kind, body):
    values, _, _, dec = TYPES[kind]
    return [dec(item["sk"]) for item in body["Items"]]


def canon(kind, values):
    """Numbers compared by value (DynamoDB may normalise their text)."""
    return [Decimal(v) for v in values] if kind == "N" else list(values)


OPERATOR_CASES = [
    # kind, condition, operand values
    ("S", "sk = :v", ["aa"]), ("S", "sk = :v", ["zz"]), ("S", "sk < :v", ["a"]),
    ("S", "sk <= :v", ["a"]), ("S", "sk > :v", ["a"]), ("S", "sk >= :v", ["a"]),
    ("S", ":v < sk", ["a"]), ("S", ":v >= sk", ["ab"]),
    ("S", "sk BETWEEN :v AND :w", ["A", "aa"]), ("S", "sk BETWEEN :v AND :w", ["b", "b"]),
    ("S", "sk BETWEEN :v AND :w", ["\u00e0", "\U0001F601"]),
    ("S", "begins_with(sk, :v)", ["a"]), ("S", "begins_with(sk, :v)", ["ab"]),
    ("S", "begins_with(sk, :v)", ["a\u0000"]), ("S", "begins_with(sk, :v)", ["\u00e9"]),
    ("N", "sk = :v", ["-1.0"]), ("N", "sk = :v", ["5"]), ("N", "sk < :v", ["-1"]),
    ("N", "sk <= :v", ["-1"]), ("N", "sk > :v", ["-0.5"]), ("N", "sk >= :v", ["0.09"]),
    ("N", ":v > sk", ["0"]), ("N", "sk BETWEEN :v AND :w", ["-9.9", "1.1"]),
    ("N", "sk BETWEEN :v AND :w", ["-1E+101", "-1E-130"]),
    ("N", "sk BETWEEN :v AND :w", ["10", "9.9999999999999999999999999999999999999E+125"]),
    ("B", "sk = :v", [b"\x80"]), ("B", "sk < :v", [b"\x70"]), ("B", "sk <= :v", [b"\x70"]),
    ("B", "sk > :v", [b"\x7f"]), ("B", "sk >= :v", [b"\x00\x01"]),
    ("B", "sk BETWEEN :v AND :w", [b"\x00\x00", b"\xd6"]),
    ("B", "begins_with(sk, :v)", [b"\x00"]), ("B", "begins_with(sk, :v)", [b"\xff"]),
]


def expected_values(kind, condition, operands):
    values, key, _, _ = TYPES[kind]
    ops = [key(o) for o in operands]

    def matches(v):
        k = key(v)
        if condition.startswith("begins_with"):
            return (v.encode("utf-8") if kind == "S" else v).startswith(
                operands[0].encode("utf-8") if kind == "S" else operands[0])
        if "BETWEEN" in condition:
            return ops[0] <= k <= ops[1]
        return {"sk = :v": k == ops[0], "sk < :v": k < ops[0], "sk <= :v": k <= ops[0],
                "sk > :v": k > ops[0], "sk >= :v": k >= ops[0], ":v < sk": ops[0] < k,
                ":v >= sk": ops[0] >= k, ":v > sk": ops[0] > k}[condition]
    return sorted((v for v in values if matches(v)), key=key)


@pytest.mark.parametrize("kind,condition,operands", OPERATOR_CASES)
def test_sort_key_operators_and_order(call, typed_tables, kind, condition, operands):
    enc = TYPES[kind][2]
    values = {":p": S("p"), ":v": enc(operands[0])}
    if len(operands) > 1:
        values[":w"] = enc(operands[1])
    expected = expected_values(kind, condition, operands)
    body = ok_query(call, typed_tables[kind], "pk = :p AND " + condition, values)
    assert canon(kind, decoded(kind, body)) == canon(kind, expected)
    assert body["Count"] == body["ScannedCount"] == len(expected)
    assert "LastEvaluatedKey" not in body
    body = ok_query(call, typed_tables[kind], "pk = :p AND " + condition, values,
                    ScanIndexForward=False)
    assert canon(kind, decoded(kind, body)) == canon(kind, expected[::-1])


@pytest.mark.parametrize("kind", ["S", "N", "B"])
def test_whole_partition_in_order(call, typed_tables, kind):
    values, key, _, _ = TYPES[kind]
    body = ok_query(call, typed_tables[kind], "#k = :p", {":p": S("p")}, {"#k": "pk"})
    assert canon(kind, decoded(kind, body)) == canon(kind, sorted(values, key=key))
    # Every attribute comes back: the item is stored as written.
    assert all(set(item) == {"pk", "sk", "v"} for item in body["Items"])
    assert ok_query(call, typed_tables[kind], "pk = :p", {":p": S("none")}) == {
        "Items": [], "Count": 0, "ScannedCount": 0}


def test_number_sort_key_text(call, typed_tables):
    # Numbers come back in DynamoDB's canonical form: no trailing zeros.
    body = ok_query(call, typed_tables["N"], "pk = :p AND sk BETWEEN :a AND :b",
                    {":p": S("p"), ":a": N("-1.010"), ":b": N("-0.0100")})
    assert [i["sk"]["N"] for i in body["Items"]] == ["-1.01", "-1", "-0.9", "-0.1", "-0.09",
                                                     "-0.01"]
    body = ok_query(call, typed_tables["N"], "pk = :p AND sk BETWEEN :a AND :b",
                    {":p": S("p"), ":a": N("0.0100"), ":b": N("10.90")})
    assert [i["sk"]["N"] for i in body["Items"]] == ["0.01", "0.09", "0.1", "0.9", "1", "1.1",
                                                     "1.9", "9", "9.1", "10.1", "10.9"]


# --- Pagination ---

@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("limit", [1, 4, 7, 30])
def test_limit_pagination(call, typed_tables, forward, limit):
    values, key, _, _ = TYPES["N"]
    request = {"TableName": typed_tables["N"], "KeyConditionExpression": "pk = :p",
               "ExpressionAttributeValues": {":p": S("p")}, "ScanIndexForward": forward}
    pages = all_pages(call, request, limit)
    expected = sorted(values, key=key)
    if not forward:
        expected.reverse()
    seen = [Decimal(item["sk"]["N"]) for page in pages for item in page["Items"]]
    assert seen == [Decimal(v) for v in expected]  # each once, in order
    full, rest = divmod(len(values), limit)
    # A full page carries LastEvaluatedKey = the key of its last item, even when nothing follows.
    assert len(pages) == full + 1
    for page in pages[:-1]:
        assert page["Count"] == page["ScannedCount"] == limit
        assert page["LastEvaluatedKey"] == {"pk": S("p"), "sk": page["Items"][-1]["sk"]}
    assert pages[-1]["Count"] == rest
    assert "LastEvaluatedKey" not in pages[-1]


def test_pagination_within_range_condition(call, typed_tables):
    request = {"TableName": typed_tables["S"],
               "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
               "ExpressionAttributeValues": {":p": S("p"), ":a": S("A"), ":b": S("ab")}}
    expected = expected_values("S", "sk BETWEEN :v AND :w", ["A", "ab"])
    for forward in (True, False):
        pages = all_pages(call, dict(request, ScanIndexForward=forward), 2)
        seen = [item["sk"]["S"] for page in pages for item in page["Items"]]
        assert seen == (expected if forward else expected[::-1])


def test_exclusive_start_key_need_not_exist(call, typed_tables):
    table = typed_tables["S"]
    esk = {"pk": S("p"), "sk": S("a0")}  # between "a\0b" and "aa"; no such item
    body = ok_query(call, table, "pk = :p", {":p": S("p")}, ExclusiveStartKey=esk, Limit=3)
    assert [i["sk"]["S"] for i in body["Items"]] == ["aa", "ab", "abc"]
    body = ok_query(call, table, "pk = :p", {":p": S("p")}, ExclusiveStartKey=esk, Limit=3,
                    ScanIndexForward=False)
    assert [i["sk"]["S"] for i in body["Items"]] == ["a\u0000b", "a", "B"]
    assert body["LastEvaluatedKey"] == {"pk": S("p"), "sk": S("B")}
    # Starting from the last key: an empty page with no LastEvaluatedKey.
    body = ok_query(call, table, "pk = :p", {":p": S("p")},
                    ExclusiveStartKey={"pk": S("p"), "sk": S("\U0001F600")})
    assert body == {"Items": [], "Count": 0, "ScannedCount": 0}


@pytest.fixture(scope="module")
def flagged(server, make_table):
    """Partition "f": sk 1..6, flag "y" on 2 and 5; partition "n": nested documents."""
    name = make_table(new_name("flag"), ("pk", "S"), ("sk", "N"))
    items = [dict({"pk": S("f"), "sk": N(i), "n": N(i * 10), "s": S(f"s{i}")},
                  **({"flag": S("y")} if i in (2, 5) else {"flag": S("n")}))
             for i in range(1, 7)]
    items.append({"pk": S("n"), "sk": N(1), "top": S("t"), "other": N(9),
                  "m": {"M": {"x": {"L": [S("a"), S("b"), S("c")]}, "y": N(1),
                              "z": {"M": {"deep": S("d"), "no": S("no")}}}},
                  "l": {"L": [{"M": {"k": S("k0")}}, {"M": {"k": S("k1"), "j": S("j1")}}]}})
    put_all(server, name, items)
    return name


def test_limit_counts_evaluated_items_before_the_filter(call, flagged):
    request = {"TableName": flagged, "KeyConditionExpression": "pk = :p",
               "FilterExpression": "flag = :y",
               "ExpressionAttributeValues": {":p": S("f"), ":y": S("y")}}
    pages = all_pages(call, request, 2)
    summary = [(p["Count"], p["ScannedCount"], [int(i["sk"]["N"]) for i in p["Items"]],
                p.get("LastEvaluatedKey")) for p in pages]
    assert summary == [
        (1, 2, [2], {"pk": S("f"), "sk": N(2)}),
        (0, 2, [], {"pk": S("f"), "sk": N(4)}),  # LEK = last evaluated, not last returned
        (1, 2, [5], {"pk": S("f"), "sk": N(6)}),
        (0, 0, [], None),
    ]
    reverse = all_pages(call, dict(request, ScanIndexForward=False), 4)
    assert [(p["Count"], p["ScannedCount"], p.get("LastEvaluatedKey")) for p in reverse] == [
        (1, 4, {"pk": S("f"), "sk": N(3)}), (1, 2, None)]


def test_filter_expression(call, flagged):
    def sks(filter_expression, values, names=None):
        body = ok_query(call, flagged, "pk = :p", dict(values, **{":p": S("f")}), names,
                        FilterExpression=filter_expression)
        assert body["ScannedCount"] == 6
        assert body["Count"] == len(body["Items"])
        return [int(i["sk"]["N"]) for i in body["Items"]]
    assert sks("n > :a AND n <= :b", {":a": N(20), ":b": N(50)}) == [3, 4, 5]
    assert sks("#f = :y OR begins_with(s, :s)", {":y": S("y"), ":s": S("s6")},
               {"#f": "flag"}) == [2, 5, 6]
    assert sks("NOT (flag IN (:y, :z))", {":y": S("y"), ":z": S("zz")}) == [1, 3, 4, 6]
    assert sks("attribute_not_exists(nothing) AND size(s) = :two", {":two": N(2)}) == [
        1, 2, 3, 4, 5, 6]
    assert sks("n BETWEEN :a AND :b AND contains(s, :c)", {":a": N(10), ":b": N(60),
                                                             ":c": S("4")}) == [4]
    assert sks("attribute_type(n, :t)", {":t": S("S")}) == []


def test_projection_expression_with_nested_paths(call, flagged):
    body = ok_query(call, flagged, "pk = :p", {":p": S("n")}, {"#k": "sk", "#l": "l"},
                    ProjectionExpression="m.x[1], m.z.deep, top, #k, #l[1].k, m.nothing, nope")
    assert body["Items"] == [{"sk": N(1), "top": S("t"),
                              "m": {"M": {"x": {"L": [S("b")]}, "z": {"M": {"deep": S("d")}}}},
                              "l": {"L": [{"M": {"k": S("k1")}}]}}]
    assert body["Count"] == 1
    # The filter sees the whole item even when the projection leaves its attributes out.
    body = ok_query(call, flagged, "pk = :p", {":p": S("f"), ":y": S("y")},
                    ProjectionExpression="sk", FilterExpression="flag = :y")
    assert body["Items"] == [{"sk": N(2)}, {"sk": N(5)}]


def test_select_count_and_specific_attributes(call, flagged):
    body = ok_query(call, flagged, "pk = :p", {":p": S("f"), ":y": S("y")}, Select="COUNT",
                    FilterExpression="flag = :y")
    assert body == {"Count": 2, "ScannedCount": 6}  # no Items member at all
    body = ok_query(call, flagged, "pk = :p", {":p": S("f")}, Select="COUNT", Limit=4)
    assert body == {"Count": 4, "ScannedCount": 4, "LastEvaluatedKey": {"pk": S("f"), "sk": N(4)}}
    body = ok_query(call, flagged, "pk = :p", {":p": S("f")}, Select="SPECIFIC_ATTRIBUTES",
                    ProjectionExpression="n", Limit=2)
    assert body["Items"] == [{"n": N(10)}, {"n": N(20)}]
    body = ok_query(call, flagged, "pk = :p", {":p": S("f")}, Select="ALL_ATTRIBUTES", Limit=1)
    assert body["Items"] == [{"pk": S("f"), "sk": N(1), "n": N(10), "s": S("s1"),
                              "flag": S("n")}]


def test_legacy_key_conditions_and_query_filter(call, flagged):
    def legacy(**extra):
        request = {"TableName": flagged, "KeyConditions": {
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("f")]},
            "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(2), N(5)]}}}
        status, body = call("Query", dict(request, **extra))
        assert status == 200, body
        return body
    body = legacy()
    assert [int(i["sk"]["N"]) for i in body["Items"]] == [2, 3, 4, 5]
    body = legacy(QueryFilter={"flag": {"ComparisonOperator": "EQ",
                                        "AttributeValueList": [S("y")]}},
                  AttributesToGet=["sk", "flag"])
    assert body == {"Items": [{"sk": N(2), "flag": S("y")}, {"sk": N(5), "flag": S("y")}],
                    "Count": 2, "ScannedCount": 4}
    body = legacy(QueryFilter={"flag": {"ComparisonOperator": "EQ", "AttributeValueList": [S("y")]},
                               "n": {"ComparisonOperator": "GE", "AttributeValueList": [N(40)]}},
                  ConditionalOperator="OR", ScanIndexForward=False)
    assert [int(i["sk"]["N"]) for i in body["Items"]] == [5, 4, 2]
    body = legacy(QueryFilter={"nothing": {"ComparisonOperator": "NULL"}}, Select="COUNT",
                  Limit=3)
    assert body == {"Count": 3, "ScannedCount": 3,
                    "LastEvaluatedKey": {"pk": S("f"), "sk": N(4)}}
    for op, values, expected in [("LT", [N(3)], [1, 2]), ("GE", [N(5)], [5, 6]),
                                 ("EQ", [N(4)], [4]), ("LE", [N(1)], [1]), ("GT", [N(6)], [])]:
        status, body = call("Query", {"TableName": flagged, "KeyConditions": {
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("f")]},
            "sk": {"ComparisonOperator": op, "AttributeValueList": values}}})
        assert [int(i["sk"]["N"]) for i in body["Items"]] == expected, op


def test_legacy_begins_with_on_string_key(call, typed_tables):
    status, body = call("Query", {"TableName": typed_tables["S"], "KeyConditions": {
        "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("a")]},
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p")]}}})
    assert status == 200, body
    assert [i["sk"]["S"] for i in body["Items"]] == ["a", "a\u0000b", "aa", "ab", "abc"]


# --- The 1 MB page ---

BIG_ITEM_SIZE = 40012  # pk "p" (3 bytes) + sk "kNN" (5) + data (4 + 40000)


@pytest.fixture(scope="module")
def big_table(server, make_table):
    name = make_table(new_name("big"), ("pk", "S"), ("sk", "S"))
    put_all(server, name, [{"pk": S("p"), "sk": S(f"k{i:02d}"), "data": S("x" * 40000)}
                           for i in range(30)])
    return name


def test_one_megabyte_page(call, big_table):
    # 26 items are 1,040,312 bytes; the 27th crosses 1 MB (1,048,576) and is the last one read.
    first = 27
    assert (first - 1) * BIG_ITEM_SIZE < 1 << 20 <= first * BIG_ITEM_SIZE
    body = ok_query(call, big_table, "pk = :p", {":p": S("p")}, ReturnConsumedCapacity="TOTAL")
    assert (body["Count"], body["ScannedCount"]) == (first, first)
    assert [i["sk"]["S"] for i in body["Items"]] == [f"k{i:02d}" for i in range(first)]
    assert body["LastEvaluatedKey"] == {"pk": S("p"), "sk": S(f"k{first - 1:02d}")}
    units = math.ceil(first * BIG_ITEM_SIZE / 4096)
    assert body["ConsumedCapacity"] == {"TableName": big_table, "CapacityUnits": units / 2}
    body = ok_query(call, big_table, "pk = :p", {":p": S("p")}, ReturnConsumedCapacity="TOTAL",
                    ExclusiveStartKey=body["LastEvaluatedKey"], ConsistentRead=True)
    assert [i["sk"]["S"] for i in body["Items"]] == ["k27", "k28", "k29"]
    assert "LastEvaluatedKey" not in body
    assert body["ConsumedCapacity"]["CapacityUnits"] == math.ceil(3 * BIG_ITEM_SIZE / 4096)


def test_one_megabyte_page_applies_before_filter_and_projection(call, big_table):
    body = ok_query(call, big_table, "pk = :p", {":p": S("p")}, {"#d": "data"},
                    FilterExpression="attribute_not_exists(#d)")
    assert body == {"Items": [], "Count": 0, "ScannedCount": 27,
                    "LastEvaluatedKey": {"pk": S("p"), "sk": S("k26")}}
    body = ok_query(call, big_table, "pk = :p", {":p": S("p")}, ProjectionExpression="sk",
                    ScanIndexForward=False)
    assert body["Items"] == [{"sk": S(f"k{i:02d}")} for i in range(29, 2, -1)]
    assert body["LastEvaluatedKey"] == {"pk": S("p"), "sk": S("k03")}
    body = ok_query(call, big_table, "pk = :p", {":p": S("p")}, Select="COUNT", Limit=5)
    assert body == {"Count": 5, "ScannedCount": 5,
                    "LastEvaluatedKey": {"pk": S("p"), "sk": S("k04")}}


# --- Consumed capacity ---

@pytest.fixture(scope="module")
def indexed(server, make_table):
    """DynamoDB's own test schema: hash a, range b; LSIs on c (ALL) and d (INCLUDE c);
    GSIs on c (ALL) and c+d (INCLUDE e)."""
    name = make_table(
        new_name("idx"), ("a", "S"), ("b", "S"),
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in "abcd"],
        LocalSecondaryIndexes=[
            {"IndexName": "index1", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"},
                           {"AttributeName": "c", "KeyType": "RANGE"}]},
            {"IndexName": "index2",
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["c"]},
             "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"},
                           {"AttributeName": "d", "KeyType": "RANGE"}]}],
        GlobalSecondaryIndexes=[
            {"IndexName": "index3", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "c", "KeyType": "HASH"}]},
            {"IndexName": "index4",
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["e"]},
             "KeySchema": [{"AttributeName": "c", "KeyType": "HASH"},
                           {"AttributeName": "d", "KeyType": "RANGE"}]}])
    put_all(server, name, [
        {"a": S("cap"), "b": S("1"), "c": S("cap-c"), "d": S("1"), "e": S("e")},
        {"a": S("cap"), "b": S("2"), "c": S("cap-c2"), "d": S("2"), "big": S("x" * 4200)},
        {"a": S("cap"), "b": S("3"), "c": S("cap-c3"), "d": S("3"), "big": S("y" * 4200)},
    ])
    return name


@pytest.fixture(scope="module")
def capacity_table(server, make_table):
    name = make_table(new_name("cap"), ("pk", "S"), ("sk", "N"))
    put_all(server, name, [{"pk": S("c"), "sk": N(i), "d": S("z" * 1000)} for i in range(5)])
    return name


def test_capacity_rounds_the_page_once(call, capacity_table):
    # Five ~1 KB items: ~5 KB in all, 2 read units (per-item rounding would give 5).
    body = ok_query(call, capacity_table, "pk = :p", {":p": S("c")},
                    ReturnConsumedCapacity="TOTAL")
    assert body["ConsumedCapacity"] == {"TableName": capacity_table, "CapacityUnits": 1.0}
    body = ok_query(call, capacity_table, "pk = :p", {":p": S("c")}, ConsistentRead=True,
                    ReturnConsumedCapacity="INDEXES")
    assert body["ConsumedCapacity"] == {"TableName": capacity_table, "CapacityUnits": 2.0,
                                        "Table": {"CapacityUnits": 2.0}}
    # Filter, projection and COUNT do not reduce what was read.
    body = ok_query(call, capacity_table, "pk = :p", {":p": S("c"), ":no": S("no")},
                    ProjectionExpression="sk", FilterExpression="d = :no",
                    ReturnConsumedCapacity="TOTAL")
    assert body["ConsumedCapacity"]["CapacityUnits"] == 1.0 and body["Count"] == 0
    body = ok_query(call, capacity_table, "pk = :p", {":p": S("c")}, Select="COUNT",
                    ReturnConsumedCapacity="TOTAL")
    assert body["ConsumedCapacity"]["CapacityUnits"] == 1.0
    # Limit 1: one small item, half a unit.
    body = ok_query(call, capacity_table, "pk = :p", {":p": S("c")}, Limit=1,
                    ReturnConsumedCapacity="TOTAL")
    assert body["ConsumedCapacity"]["CapacityUnits"] == 0.5
    body = ok_query(call, capacity_table, "pk = :p", {":p": S("c")},
                    ReturnConsumedCapacity="NONE")
    assert "ConsumedCapacity" not in body


def test_index_query_capacity(call, indexed):
    table = indexed
    body = ok_query(call, table, "c = :c", {":c": S("cap-c")}, IndexName="index3",
                    ReturnConsumedCapacity="TOTAL")
    assert body["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 0.5}
    body = ok_query(call, table, "c = :c", {":c": S("cap-c")}, IndexName="index3",
                    ReturnConsumedCapacity="INDEXES")
    assert body["ConsumedCapacity"] == {
        "TableName": table, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"index3": {"CapacityUnits": 0.5}}}
    body = ok_query(call, table, "a = :a", {":a": S("cap")}, IndexName="index1",
                    ReturnConsumedCapacity="INDEXES", ConsistentRead=True)
    # index1 projects everything: the three items, ~8.5 KB, 3 units.
    assert body["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 3.0,
                                        "Table": {"CapacityUnits": 0.0},
                                        "LocalSecondaryIndexes": {"index1": {"CapacityUnits": 3.0}}}


def test_lsi_fetching_unprojected_attributes_charges_the_table(call, indexed):
    # index2 projects keys and c: its entries are small (1 unit); the items fetched
    # from the table for ALL_ATTRIBUTES are ~8.4 KB (3 units), rounded separately.
    body = ok_query(call, indexed, "a = :a", {":a": S("cap")}, IndexName="index2",
                    Select="ALL_ATTRIBUTES", ConsistentRead=True,
                    ReturnConsumedCapacity="INDEXES")
    assert body["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 4.0,
                                        "Table": {"CapacityUnits": 3.0},
                                        "LocalSecondaryIndexes": {"index2": {"CapacityUnits": 1.0}}}
    assert body["Items"][1]["big"] == S("x" * 4200)
    body = ok_query(call, indexed, "a = :a", {":a": S("cap")}, IndexName="index2",
                    Select="ALL_ATTRIBUTES", ReturnConsumedCapacity="TOTAL")
    assert body["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 2.0}


# --- Errors ---

@pytest.fixture(scope="module")
def hash_table(make_table):
    return make_table(new_name("hash"), ("a", "S"))


KC_A = {"a": {"ComparisonOperator": "EQ", "AttributeValueList": [S("x")]}}
MIX = "Can not use both expression and non-expression parameters in the same request: "
A = {":a": S("x")}


def kc(**ops):
    """Legacy KeyConditions: kc(a=("EQ", [S("x")]), ...)."""
    return {name: {"ComparisonOperator": op, **({"AttributeValueList": v} if v is not None
                                                 else {})}
            for name, (op, v) in ops.items()}


# Checks DynamoDB makes before it looks the table up (section 1b of the research).
BEFORE_LOOKUP = [
    ({"KeyConditions": KC_A, "KeyConditionExpression": "a = :a"},
     MIX + "Non-expression parameters: {KeyConditions} Expression parameters: "
     "{KeyConditionExpression}"),
    ({"AttributesToGet": ["a"], "QueryFilter": kc(c=("EQ", [S("x")])),
      "ConditionalOperator": "AND", "KeyConditions": KC_A, "ProjectionExpression": "a",
      "FilterExpression": "c = :a", "KeyConditionExpression": "a = :a",
      "ExpressionAttributeValues": A},
     MIX + "Non-expression parameters: {AttributesToGet, QueryFilter, ConditionalOperator, "
     "KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, "
     "KeyConditionExpression}"),
    ({"QueryFilter": kc(c=("EQ", [S("x")])), "FilterExpression": "c = :a",
      "KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A},
     MIX + "Non-expression parameters: {QueryFilter} Expression parameters: "
     "{FilterExpression, KeyConditionExpression}"),
    ({"AttributesToGet": ["c"], "ProjectionExpression": "c", "KeyConditionExpression": "a = :a",
      "ExpressionAttributeValues": A},
     MIX + "Non-expression parameters: {AttributesToGet} Expression parameters: "
     "{ProjectionExpression, KeyConditionExpression}"),
    ({"AttributesToGet": ["c"], "KeyConditions": KC_A, "ProjectionExpression": ""},
     MIX + "Non-expression parameters: {AttributesToGet, KeyConditions} Expression parameters: "
     "{ProjectionExpression}"),
    ({"KeyConditions": KC_A, "ExpressionAttributeNames": {"#a": "a"}},
     "ExpressionAttributeNames can only be specified when using expressions"),
    ({"KeyConditions": KC_A, "ExpressionAttributeValues": A},
     "ExpressionAttributeValues can only be specified when using expressions: "
     "FilterExpression and KeyConditionExpression are null"),
    ({"KeyConditions": KC_A, "AttributesToGet": ["c", "d", "c"]},
     INVALID + "Duplicate value in attribute name: c"),
    ({}, "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
         "request."),
    ({"ProjectionExpression": "c"},
     "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
     "request."),
    ({"KeyConditionExpression": ""}, "Invalid KeyConditionExpression: The expression can not be "
                                     "empty;"),
    ({"KeyConditionExpression": "a = :a", "FilterExpression": "", "ExpressionAttributeValues": A},
     "Invalid FilterExpression: The expression can not be empty;"),
    ({"KeyConditionExpression": "a = :a", "ProjectionExpression": "",
      "ExpressionAttributeValues": A},
     "Invalid ProjectionExpression: The expression can not be empty;"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeNames": {},
      "ExpressionAttributeValues": A}, "ExpressionAttributeNames must not be empty"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": {}},
     "ExpressionAttributeValues must not be empty"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeNames": {"a": "a"},
      "ExpressionAttributeValues": A},
     'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": {":a": S("x"),
                                                                        ":b": S("y")}},
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"),
    # KeyConditionExpression shape.
    ({"KeyConditionExpression": "a = :a OR b = :a", "ExpressionAttributeValues": A},
     "Invalid operator used in KeyConditionExpression: OR"),
    ({"KeyConditionExpression": "NOT a = :a", "ExpressionAttributeValues": A},
     "Invalid operator used in KeyConditionExpression: NOT"),
    ({"KeyConditionExpression": "a <> :a", "ExpressionAttributeValues": A},
     "Invalid operator used in KeyConditionExpression: <>"),
    ({"KeyConditionExpression": "a IN (:a)", "ExpressionAttributeValues": A},
     "Invalid operator used in KeyConditionExpression: IN"),
    ({"KeyConditionExpression": "a = :a AND contains(b, :a)", "ExpressionAttributeValues": A},
     "Invalid operator used in KeyConditionExpression: contains"),
    ({"KeyConditionExpression": "attribute_exists(a)"},
     "Invalid operator used in KeyConditionExpression: attribute_exists"),
    ({"KeyConditionExpression": "attribute_not_exists(a)"},
     "Invalid operator used in KeyConditionExpression: attribute_not_exists"),
    ({"KeyConditionExpression": "attribute_type(a, :t)",
      "ExpressionAttributeValues": {":t": S("S")}},
     "Invalid operator used in KeyConditionExpression: attribute_type"),
    ({"KeyConditionExpression": "size(a) = :a", "ExpressionAttributeValues": A},
     "KeyConditionExpressions cannot contain nested operations"),
    ({"KeyConditionExpression": "a = :a AND b > size(c)", "ExpressionAttributeValues": A},
     "KeyConditionExpressions cannot contain nested operations"),
    ({"KeyConditionExpression": ":a BETWEEN a AND :b",
      "ExpressionAttributeValues": {":a": S("x"), ":b": S("y")}},
     "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
     "attribute as its first operand"),
    ({"KeyConditionExpression": "begins_with(:a, a)", "ExpressionAttributeValues": A},
     "Invalid condition in KeyConditionExpression: begins_with operator must have the key "
     "attribute as its first operand"),
    ({"KeyConditionExpression": "a = :a AND b > c", "ExpressionAttributeValues": A},
     "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
     "condition"),
    ({"KeyConditionExpression": "a = :a AND begins_with(b, c)", "ExpressionAttributeValues": A},
     "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
     "condition"),
    ({"KeyConditionExpression": "a.d = :a", "ExpressionAttributeValues": A},
     "KeyConditionExpressions cannot have conditions on nested attributes"),
    ({"KeyConditionExpression": "a = :a AND b[0] > :a", "ExpressionAttributeValues": A},
     "KeyConditionExpressions cannot have conditions on nested attributes"),
    ({"KeyConditionExpression": ":b > :a AND a < :b",
      "ExpressionAttributeValues": {":a": S("x"), ":b": S("y")}},
     "Invalid condition in KeyConditionExpression: No key attribute specified"),
    ({"KeyConditionExpression": "a = :a AND a = :a", "ExpressionAttributeValues": A},
     "KeyConditionExpressions must only contain one condition per key"),
    ({"KeyConditionExpression": "a = :a AND b BETWEEN :n AND :s",
      "ExpressionAttributeValues": {":a": S("x"), ":n": N(1), ":s": S("a")}},
     "Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower "
     "and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: "
     "AttributeValue: {S:a}"),
    ({"KeyConditionExpression": "a = :a AND b BETWEEN :n AND :b",
      "ExpressionAttributeValues": {":a": S("x"), ":n": N(5), ":b": B(b"\xff\xfe\x00")}},
     "Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower "
     "and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: "
     "AttributeValue: {B:java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]}"),
    ({"KeyConditionExpression": "a = :a AND b BETWEEN :b AND :c",
      "ExpressionAttributeValues": {":a": S("x"), ":b": S("b"), ":c": S("a")}},
     "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater "
     "than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound "
     "operand: AttributeValue: {S:a}"),
    ({"KeyConditionExpression": "a = :a AND begins_with(b, :n)",
      "ExpressionAttributeValues": {":a": S("x"), ":n": N(1)}},
     "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
     "operator or function: begins_with, operand type: N"),
    ({"KeyConditions": kc(a=("EQ", [S("x")]), b=("BEGINS_WITH", [N(1)]))},
     INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"),
    # Number of conditions.
    ({"KeyConditions": {}}, "Conditions can be of length 1 or 2 only"),
    ({"KeyConditions": {n: {"ComparisonOperator": "EQ", "AttributeValueList": [S("x")]}
                        for n in "abcdefghi"}},
     "Conditions can be of length 1 or 2 only"),
    # QueryFilter's legacy rules (section 7).
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("EQ", None))},
     INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("NULL", [S("x")]))},
     INVALID + "Invalid number of argument(s) for the NULL ComparisonOperator"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("BETWEEN", [S("x")]))},
     INVALID + "Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("LT", [{"BOOL": True}]))},
     INVALID + "ComparisonOperator LT is not valid for BOOL AttributeValue type"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("CONTAINS", [{"SS": ["x"]}]))},
     INVALID + "ComparisonOperator CONTAINS is not valid for SS AttributeValue type"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("BEGINS_WITH", [N(1)]))},
     INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("BETWEEN", [S("x"), N(1)]))},
     INVALID + "AttributeValues inside AttributeValueList must be of same type"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("BETWEEN", [N(2), N(1)]))},
     "The BETWEEN condition was provided a range where the lower bound is greater than the "
     "upper bound"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("EQ", [{}]))},
     "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("EQ", [{"S": "x", "N": "1"}]))},
     "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
     "supported datatypes"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("EQ", [{"N": "b"}]))},
     "The parameter cannot be converted to a numeric value: b"),
    ({"KeyConditions": KC_A, "QueryFilter": kc(c=("EQ", [{"SS": []}]))},
     INVALID + "An string set  may not be empty"),
    ({"KeyConditions": KC_A, "ConditionalOperator": "OR"},
     "ConditionalOperator cannot be used without Filter or Expected"),
    # ExclusiveStartKey values.
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A,
      "ExclusiveStartKey": {"a": {}}},
     "The provided starting key is invalid: Supplied AttributeValue is empty, must contain "
     "exactly one of the supported datatypes"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A,
      "ExclusiveStartKey": {"a": {"S": "x", "N": "1"}}},
     "The provided starting key is invalid: Supplied AttributeValue has more than one "
     "datatypes set, must contain exactly one of the supported datatypes"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A,
      "ExclusiveStartKey": {"a": {"NULL": False}}},
     "The provided starting key is invalid: " + INVALID +
     "Null attribute value types must have the value of true"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A,
      "ExclusiveStartKey": {"a": {"SS": []}}},
     "The provided starting key is invalid: " + INVALID + "An string set  may not be empty"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A,
      "ExclusiveStartKey": {"a": {"BS": []}}},
     "The provided starting key is invalid: " + INVALID + "Binary sets should not be empty"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A,
      "ExclusiveStartKey": {"a": {"NS": []}}},
     INVALID + "An number set  may not be empty"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A,
      "ExclusiveStartKey": {"a": {"SS": ["a", "a"]}}},
     INVALID + "Input collection [a, a] contains duplicates."),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A,
      "ExclusiveStartKey": {"a": {"N": "b"}}},
     "The parameter cannot be converted to a numeric value: b"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A,
      "ExclusiveStartKey": {"a": {"NS": ["1", "1"]}}},
     "Input collection contains duplicates"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A,
      "ExclusiveStartKey": {"a": {"N": "1e126"}}},
     "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    # Constraints (section 1a).
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A, "Limit": 0},
     PREFIX + "Value '0' at 'limit' failed to satisfy constraint: Member must have value "
              "greater than or equal to 1"),
    ({"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": A, "Select": "count"},
     PREFIX + "Value 'count' at 'select' failed to satisfy constraint: Member must satisfy enum "
              "value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"),
]


@pytest.mark.parametrize("extra,message", BEFORE_LOOKUP)
def test_errors_before_table_lookup(call, indexed, extra, message):
    assert call("Query", dict({"TableName": indexed}, **extra)) == validation(message)
    # The same request on a missing table fails the same way: these come before the lookup.
    assert call("Query", dict({"TableName": "it_query_no_such_table"}, **extra)) == validation(
        message)


# 3 to 8 conditions can suit an index with a multi-attribute key, so they are counted against
# the queried key, after the table lookup.
@pytest.mark.parametrize("extra", [
    {"KeyConditions": kc(a=("EQ", [S("x")]), b=("EQ", [S("x")]), c=("EQ", [S("x")]))},
    {"KeyConditionExpression": ":a = a and b = :a and :a = c", "ExpressionAttributeValues": A},
])
def test_single_attribute_keys_take_at_most_two_conditions(call, indexed, extra):
    assert call("Query", dict({"TableName": indexed}, **extra)) == validation(
        "Conditions can be of length 1 or 2 only")
    status, body = call("Query", dict({"TableName": "it_query_no_such_table"}, **extra))
    assert body["__type"].endswith("ResourceNotFoundException")


def test_table_is_looked_up_before_schema_checks(call):
    for extra in ({"KeyConditionExpression": "z = :a", "ExpressionAttributeValues": A},
                  {"KeyConditionExpression": "a > :a", "ExpressionAttributeValues": A,
                   "IndexName": "whatever"}):
        assert call("Query", dict({"TableName": "it_query_no_such_table"}, **extra)) == (
            400, {"__type": NOT_FOUND, "message": "Requested resource not found"})


SCHEMA_ERRORS = [
    # table "h" (hash a) or "r" (hash a, range b, indexes), request, message
    ("r", {"IndexName": "whatever", "KeyConditionExpression": "a = :a"},
     "The table does not have the specified index: whatever"),
    ("r", {"IndexName": "whatever", "KeyConditionExpression": "a = :a",
           "ExclusiveStartKey": {"z": S("x")}},
     "The table does not have the specified index: whatever"),
    ("r", {"IndexName": "index3", "KeyConditionExpression": "c = :a", "ConsistentRead": True},
     "Consistent reads are not supported on global secondary indexes"),
    ("r", {"IndexName": "index4", "KeyConditionExpression": "c = :a", "ConsistentRead": True},
     "Consistent reads are not supported on global secondary indexes"),
    # ExclusiveStartKey: its size, then each queried key attribute with its conditions.
    ("r", {"KeyConditionExpression": "a = :a", "ExclusiveStartKey": {"a": S("x")}},
     "The provided starting key is invalid"),
    ("r", {"KeyConditionExpression": "a = :a",
           "ExclusiveStartKey": {"a": S("x"), "b": S("x"), "c": S("x")}},
     "The provided starting key is invalid"),
    ("r", {"IndexName": "index3", "KeyConditionExpression": "c = :a",
           "ExclusiveStartKey": {"c": S("x")}},
     "The provided starting key is invalid"),
    ("r", {"KeyConditionExpression": "a = :a", "ExclusiveStartKey": {"a": S("x"), "c": S("x")}},
     "The provided starting key is invalid"),
    ("r", {"KeyConditionExpression": "a = :a", "ExclusiveStartKey": {"b": S("x"), "c": S("x")}},
     "The provided starting key is invalid"),
    ("r", {"KeyConditionExpression": "a = :a", "ExclusiveStartKey": {"a": N(1), "b": S("x")}},
     "The provided key element does not match the schema"),
    ("r", {"KeyConditionExpression": "a = :a", "ExclusiveStartKey": {"a": S("x"), "b": N(1)}},
     "The provided key element does not match the schema"),
    ("r", {"IndexName": "index1", "KeyConditionExpression": "a = :a",
           "ExclusiveStartKey": {"a": S("x"), "b": N(1), "c": S("x")}},
     "The provided starting key is invalid: The provided key element does not match the schema"),
    ("r", {"IndexName": "index4", "KeyConditionExpression": "c = :a",
           "ExclusiveStartKey": {"a": S("x"), "b": S("x"), "c": S("x"), "d": N(1)}},
     "The provided key element does not match the schema"),
    ("r", {"KeyConditionExpression": "a = :a", "ExclusiveStartKey": {"a": S("y"), "b": S("x")}},
     "The provided starting key is outside query boundaries based on provided conditions"),
    ("r", {"KeyConditionExpression": "a = :a AND b > :b",
           "ExpressionAttributeValues": {":a": S("x"), ":b": S("m")},
           "ExclusiveStartKey": {"a": S("x"), "b": S("c")}},
     "The provided starting key does not match the range key predicate"),
    ("r", {"KeyConditionExpression": "a = :a AND b > :b",
           "ExpressionAttributeValues": {":a": S("x"), ":b": S("m")},
           "ExclusiveStartKey": {"a": S("y"), "b": S("c")}},
     "The provided starting key does not match the range key predicate"),
    ("r", {"KeyConditionExpression": "a = :a AND b = :a",
           "ExclusiveStartKey": {"a": S("y"), "b": S("x")}},
     "The query can return at most one row and cannot be restarted"),
    ("r", {"IndexName": "index4", "KeyConditionExpression": "c = :a AND d = :a",
           "ExclusiveStartKey": {"a": S("x"), "b": S("x"), "c": S("y"), "d": S("x")}},
     "The query can return at most one row and cannot be restarted"),
    # Conditions against the key schema.
    ("h", {"KeyConditionExpression": "a = :a AND b = :a"}, "Query key condition not supported"),
    ("h", {"KeyConditionExpression": "y = :a AND z = :a"}, "Query key condition not supported"),
    ("h", {"KeyConditionExpression": "b = :a"}, "Query condition missed key schema element: a"),
    ("r", {"KeyConditionExpression": "b = :a"}, "Query condition missed key schema element: a"),
    ("r", {"KeyConditionExpression": "a = :a AND z = :a"},
     "Query condition missed key schema element: b"),
    ("r", {"IndexName": "index1", "KeyConditionExpression": "a = :a AND b = :a"},
     "Query condition missed key schema element: c"),
    ("r", {"IndexName": "index3", "KeyConditionExpression": "a = :a"},
     "Query condition missed key schema element: c"),
    ("r", {"IndexName": "index3", "KeyConditionExpression": "c = :a AND d = :a"},
     "Query key condition not supported"),
    ("r", {"IndexName": "index4", "KeyConditionExpression": "d = :a"},
     "Query condition missed key schema element: c"),
    ("r", {"KeyConditionExpression": "a > :a"}, "Query key condition not supported"),
    ("r", {"KeyConditionExpression": "begins_with(a, :a)"}, "Query key condition not supported"),
    ("r", {"KeyConditionExpression": "a BETWEEN :a AND :b",
           "ExpressionAttributeValues": {":a": S("x"), ":b": S("y")}},
     "Query key condition not supported"),
    ("r", {"KeyConditionExpression": "a = :n", "ExpressionAttributeValues": {":n": N(1)}},
     INVALID + "Condition parameter type does not match schema type"),
    ("r", {"KeyConditionExpression": "a = :a AND :n < b",
           "ExpressionAttributeValues": {":a": S("x"), ":n": N(1)}},
     INVALID + "Condition parameter type does not match schema type"),
    ("r", {"KeyConditions": kc(a=("EQ", [S("x")]), b=("NE", [S("x")]))},
     "Attempted conditional constraint is not an indexable operation"),
    ("r", {"KeyConditions": kc(a=("NULL", None))},
     "Attempted conditional constraint is not an indexable operation"),
    ("r", {"KeyConditions": kc(a=("EQ", [S("x")]), b=("NOT_NULL", None))},
     "Attempted conditional constraint is not an indexable operation"),
    ("r", {"KeyConditions": kc(a=("EQ", [S("x")]), b=("CONTAINS", [S("x")]))},
     "Attempted conditional constraint is not an indexable operation"),
    ("r", {"KeyConditions": kc(a=("EQ", [S("x")]), b=("NOT_CONTAINS", [S("x")]))},
     "Attempted conditional constraint is not an indexable operation"),
    ("r", {"KeyConditions": kc(a=("IN", [S("x")]))},
     "Attempted conditional constraint is not an indexable operation"),
    ("r", {"KeyConditions": kc(a=("EQ", [N(1)]))},
     INVALID + "Condition parameter type does not match schema type"),
    ("r", {"KeyConditions": kc(a=("GT", [S("x")]))}, "Query key condition not supported"),
    # Projections and filters on key attributes.
    ("r", {"KeyConditionExpression": "a = :a", "ProjectionExpression": "a.x"},
     "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
     "allowed: Key: a"),
    ("r", {"KeyConditionExpression": "a = :a", "ProjectionExpression": "c, d[0]"},
     "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
     "allowed: IndexKey: d"),
    ("r", {"KeyConditionExpression": "a = :a", "FilterExpression": "b = :a"},
     "Filter Expression can only contain non-primary key attributes: Primary key attribute: b"),
    ("r", {"KeyConditionExpression": "a = :a", "FilterExpression": "attribute_exists(a.b)"},
     "Filter Expression can only contain non-primary key attributes: Primary key attribute: a"),
    ("r", {"KeyConditionExpression": "a = :a", "FilterExpression": "a[1] = :a"},
     "Filter Expression can only contain non-primary key attributes: Primary key attribute: a"),
    ("r", {"KeyConditionExpression": "a = :a", "FilterExpression": "e = :a OR #b = :a",
           "ExpressionAttributeNames": {"#b": "b"}},
     "Filter Expression can only contain non-primary key attributes: Primary key attribute: b"),
    ("r", {"KeyConditionExpression": "a = :a", "FilterExpression": "d[1] = :a"},
     "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
     "allowed: IndexKey: d"),
    ("r", {"IndexName": "index4", "KeyConditionExpression": "c = :a", "FilterExpression": "d = :a"},
     "Filter Expression can only contain non-primary key attributes: Primary key attribute: d"),
    ("r", {"IndexName": "index1", "KeyConditionExpression": "a = :a", "FilterExpression": "c = :a"},
     "Filter Expression can only contain non-primary key attributes: Primary key attribute: c"),
    ("r", {"KeyConditions": kc(a=("EQ", [S("x")])), "QueryFilter": kc(b=("EQ", [S("x")]))},
     "QueryFilter can only contain non-primary key attributes: Primary key attribute: b"),
    ("h", {"KeyConditions": kc(a=("EQ", [S("x")])),
           "QueryFilter": kc(c=("EQ", [S("x")]), a=("NOT_NULL", None))},
     "QueryFilter can only contain non-primary key attributes: Primary key attribute: a"),
    # Select on an index that does not project everything.
    ("r", {"IndexName": "index4", "KeyConditionExpression": "c = :a", "Select": "ALL_ATTRIBUTES"},
     INVALID + "Select type ALL_ATTRIBUTES is not supported for global secondary index index4 "
               "because its projection type is not ALL"),
    # A global index holds only what it projects.
    ("r", {"IndexName": "index4", "KeyConditionExpression": "c = :a",
           "ProjectionExpression": "z, e, y"},
     INVALID + "Global secondary index index4 does not project [z, y]"),
    ("r", {"IndexName": "index4", "KeyConditions": kc(c=("EQ", [S("x")])),
           "AttributesToGet": ["z"]},
     INVALID + "Global secondary index index4 does not project [z]"),
]


@pytest.mark.parametrize("which,extra,message", SCHEMA_ERRORS)
def test_errors_after_table_lookup(call, indexed, hash_table, which, extra, message):
    request = {"TableName": indexed if which == "r" else hash_table}
    if "KeyConditionExpression" in extra and "ExpressionAttributeValues" not in extra:
        request["ExpressionAttributeValues"] = A
    request.update(extra)
    assert call("Query", request) == validation(message)


def test_local_index_filter_on_unprojected_attribute_returns_projection(call, indexed):
    # index2 projects c: the filter reads big from the table, the answer stays projected.
    body = ok_query(call, indexed, "a = :a", {":a": S("cap")}, IndexName="index2",
                    FilterExpression="attribute_exists(big)")
    assert body["Count"] == 2
    assert all(set(item) == {"a", "b", "c", "d"} for item in body["Items"])


def test_filters_allowed_on_base_table_keys_in_index_queries(call, indexed):
    # Querying an index, only the index's own key attributes are off limits to the filter.
    body = ok_query(call, indexed, "c = :c", {":c": S("cap-c"), ":b": S("1")},
                    IndexName="index4", FilterExpression="a = :c OR b = :b")
    assert [i["b"] for i in body["Items"]] == [S("1")]
    body = ok_query(call, indexed, "a = :a", {":a": S("cap"), ":b": S("2")}, IndexName="index1",
                    FilterExpression="b = :b")
    assert [i["b"] for i in body["Items"]] == [S("2")]
    body = ok_query(call, indexed, "a = :a", {":a": S("cap")}, IndexName="index1",
                    Select="ALL_ATTRIBUTES")
    assert body["Count"] == 3


SELECT_ERRORS = select_error_cases("c", "index1")


@pytest.mark.parametrize("extra,message", SELECT_ERRORS)
def test_select_errors_carry_the_constraint_prefix(call, indexed, extra, message):
    request = {"TableName": indexed}
    if "AttributesToGet" in extra:
        request["KeyConditions"] = KC_A
    else:
        request.update(KeyConditionExpression="a = :a", ExpressionAttributeValues=A)
    assert call("Query", dict(request, **extra)) == validation(PREFIX + message)


def test_boto3_query_paginator(ddb, typed_tables):
    paginator = ddb.get_paginator("query")
    pages = list(paginator.paginate(TableName=typed_tables["S"],
                                    KeyConditionExpression="pk = :p",
                                    ExpressionAttributeValues={":p": S("p")},
                                    PaginationConfig={"PageSize": 4}))
    seen = [i["sk"]["S"] for p in pages for i in p["Items"]]
    assert seen == sorted(S_VALUES, key=lambda v: v.encode("utf-8"))


# --- The AWS CLI's automatic pagination ---

@pytest.fixture(scope="module")
def cli_table(server, make_table):
    name = make_table(new_name("cli"), ("pk", "S"), ("sk", "N"))
    put_all(server, name, [{"pk": S(p), "sk": N(i)} for p in ("p", "q") for i in range(11)])
    return name


def _keys(items):
    return [(i["pk"]["S"], int(i["sk"]["N"])) for i in items]


@pytest.mark.parametrize("command", ["query", "scan"])
def test_aws_cli_pagination(aws, cli_table, command):
    def run(*arguments):
        code, out, err = aws(*arguments)
        assert code == 0, err
        return out

    args = [command, "--table-name", cli_table]
    if command == "query":
        args += ["--key-condition-expression", "pk = :p",
                 "--expression-attribute-values", json.dumps({":p": S("p")})]
    expected = [("p", i) for i in range(11)]
    if command == "scan":
        expected += [("q", i) for i in range(11)]
    # --page-size: the CLI follows LastEvaluatedKey itself and prints everything.
    out = run(*args, "--page-size", "3")
    assert sorted(_keys(out["Items"])) == sorted(expected)
    assert len(out["Items"]) == out["Count"] == len(expected)
    assert "NextToken" not in out
    # --max-items: a NextToken, then --starting-token to the end.
    seen = []
    out = run(*args, "--max-items", "5", "--page-size", "3")
    seen += _keys(out["Items"])
    assert len(out["Items"]) == 5 and "NextToken" in out
    rounds = 0
    while "NextToken" in out:
        rounds += 1
        assert rounds < 10
        out = run(*args, "--max-items", "5", "--page-size", "3", "--starting-token",
                  out["NextToken"])
        seen += _keys(out["Items"])
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    if command == "query":
        assert seen == expected  # in sort-key order
