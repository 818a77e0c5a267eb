"""Multi-attribute GSI keys (DynamoDB, November 2025): a global secondary index's KeySchema
may hold up to 4 HASH and then up to 4 RANGE attributes. CreateTable and UpdateTable accept
and echo such schemas and refuse the malformed ones with DynamoDB's messages; an item is in
the index only with every key attribute; entries sort by the tuple of RANGE attributes;
Query needs `=` on every HASH attribute and a left-to-right prefix of the RANGE attributes;
pagination, Scan and parallel Scan, counts, capacity, transactions and a restart."""

import base64
import json
import re
import signal
import uuid
from decimal import Decimal

import pytest

from conftest import KeepAliveClient, item_size, wait_for_table

VALIDATION = "com.amazon.coral.validate#ValidationException"
INVALID = "One or more parameter values were invalid: "
NOT_VALID = "One or more parameter values are not valid. "

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731
B = lambda v: {"B": base64.b64encode(v).decode()}  # noqa: E731

TOO_MANY_HASH = INVALID + "The KeySchema exceeds the maximum allowed number of HASH key attributes"
TOO_MANY_RANGE = INVALID + "The KeySchema exceeds the maximum allowed number of RANGE key attributes"
HASH_AFTER_RANGE = (INVALID + "All HASH key attributes must precede RANGE key attributes in the "
                    "KeySchema")
FIRST_NOT_HASH = "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
DUPLICATE = "The KeySchema contains multiple key attributes with the same name"
NOT_SUPPORTED = "Query key condition not supported"
GAP = ("RANGE key attributes {} must have equality conditions specified in the query because a "
       "condition is present on key attribute {}")
MISSED = "Query condition missed key schema element: {}"
FILTER_ON_KEY = ("Filter Expression can only contain non-primary key attributes: Primary key "
                 "attribute: {}")
TOO_LONG = ("^1 validation error detected: Value '.*' at '{}' failed to satisfy constraint: "
            "Member must have length less than or equal to 2$")


def validation(message):
    return 400, {"__type": VALIDATION, "message": message}


def defs(*pairs):
    return [{"AttributeName": n, "AttributeType": t} for n, t in pairs]


def keys(*pairs):
    """keys(("h", "HASH"), ("a", "RANGE"), ...)"""
    return [{"AttributeName": n, "KeyType": k} for n, k in pairs]


def gsi(name, *schema, projection="ALL", non_key=None):
    proj = {"ProjectionType": projection}
    if non_key:
        proj["NonKeyAttributes"] = non_key
    return {"IndexName": name, "KeySchema": keys(*schema), "Projection": proj}


def H(*names):
    return [(n, "HASH") for n in names]


def R(*names):
    return [(n, "RANGE") for n in names]


def new_name(tag):
    return f"it_mak_{tag}_{uuid.uuid4().hex[:8]}"


class Api(KeepAliveClient):
    """Requests over one keep-alive connection to a server."""

    def put(self, table, item, **extra):
        return self.ok("PutItem", dict({"TableName": table, "Item": item}, **extra))

    def index_description(self, table, index):
        described = self.describe(table)
        return {i["IndexName"]: i for i in described.get("GlobalSecondaryIndexes", [])}[index]


@pytest.fixture
def api(server):
    a = Api(server)
    yield a
    a.close()


@pytest.fixture(scope="module")
def module_api(server):
    a = Api(server)
    yield a
    a.close()


def create(api, ddb, request):
    api.ok("CreateTable", request)
    return wait_for_table(ddb, request["TableName"])


# --- The shared schema ------------------------------------------------------------------
#
# Table key (pk S, sk N). GSIs:
#   multi:  HASH h1 (S), HASH h2 (N), RANGE a (S), RANGE b (N), RANGE c (S)
#   hashes: HASH h1, HASH h2 (no RANGE)
#   single: HASH g (S), a single-attribute index

MULTI = ["h1", "h2", "a", "b", "c"]
HASHES = ["h1", "h2"]
MAIN_DEFS = defs(("pk", "S"), ("sk", "N"), ("h1", "S"), ("h2", "N"), ("a", "S"), ("b", "N"),
                 ("c", "S"), ("g", "S"))


def main_request(name):
    return {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": MAIN_DEFS,
        "KeySchema": keys(("pk", "HASH"), ("sk", "RANGE")),
        "GlobalSecondaryIndexes": [
            gsi("multi", *H("h1", "h2"), *R("a", "b", "c")),
            gsi("hashes", *H("h1", "h2")),
            gsi("single", *H("g")),
        ],
    }


A_VALUES = ["X", "x", "\u00e9"]          # "X" < "x" < "é" by UTF-8 bytes
B_VALUES = ["-1.5", "2", "10"]           # numerically: -1.5 < 2 < 10
C_VALUES = ["c1", "c2", "d1"]


def main_items():
    """27 complete items in partition (P, 1), three in each of (P, 2) and (Q, 1), and items
    missing one key attribute each."""
    items = []
    n = 0
    for a in A_VALUES:
        for b in B_VALUES:
            for c in C_VALUES:
                n += 1
                items.append({"pk": S(f"p{n:02}"), "sk": N(n), "h1": S("P"), "h2": N(1),
                              "a": S(a), "b": N(b), "c": S(c), "payload": S("d" * n)})
    for h1, h2 in (("P", 2), ("Q", 1)):
        for i, c in enumerate(C_VALUES):
            n += 1
            items.append({"pk": S(f"o{n:02}"), "sk": N(n), "h1": S(h1), "h2": N(h2),
                          "a": S("x"), "b": N(2), "c": S(c)})
    full = {"h1": S("P"), "h2": N(1), "a": S("x"), "b": N(2), "c": S("c1")}
    for missing in MULTI:
        n += 1
        item = {"pk": S(f"s_{missing}"), "sk": N(n), **full}
        del item[missing]
        items.append(item)
    return items


def in_index(names, item):
    return all(n in item for n in names)


def order_key(item):
    return (item["a"]["S"].encode(), Decimal(item["b"]["N"]), item["c"]["S"].encode())


def partition(items, h1="P", h2="1"):
    """The complete items of a partition of `multi`, in index order."""
    found = [i for i in items if in_index(MULTI, i) and i["h1"]["S"] == h1
             and Decimal(i["h2"]["N"]) == Decimal(h2)]
    return sorted(found, key=order_key)


def pks(items):
    return [i["pk"]["S"] for i in items]


@pytest.fixture(scope="module")
def loaded(module_api, ddb):
    """The shared table with main_items(); tests only read it."""
    name = new_name("main")
    create(module_api, ddb, main_request(name))
    for item in main_items():
        module_api.put(name, item)
    return name


def query_request(table, kce, values, index="multi", **extra):
    request = {"TableName": table, "IndexName": index, "KeyConditionExpression": kce,
               "ExpressionAttributeValues": values}
    request.update(extra)
    return request


PV = {":h1": S("P"), ":h2": N(1)}
PKCE = "h1 = :h1 AND h2 = :h2"


# --- CreateTable and DescribeTable --------------------------------------------------------

def test_create_table_echoes_multi_attribute_key_schemas(api, ddb):
    name = new_name("echo")
    shapes = {
        # Declared out of alphabetical order: the service must not reorder them.
        "two_hashes": H("zb", "za"),
        "four_ranges": H("zh") + R("rd", "ra", "rc", "rb"),
        "four_by_four": H("h1", "h2", "h3", "h4") + R("r1", "r2", "r3", "r4"),
        "h2r": H("za") + R("r3", "h4"),
    }
    types = {"pk": "S", "zb": "S", "za": "N", "zh": "B", "rd": "S", "ra": "N", "rc": "B",
             "rb": "S", "h1": "S", "h2": "N", "h3": "B", "h4": "S", "r1": "N", "r2": "S",
             "r3": "B", "r4": "N"}
    request = {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
               "AttributeDefinitions": defs(*types.items()),
               "KeySchema": keys(("pk", "HASH")),
               "GlobalSecondaryIndexes": [gsi(n, *s) for n, s in shapes.items()]}
    created = api.ok("CreateTable", request)["TableDescription"]
    described = wait_for_table(ddb, name)
    for description in (created, api.describe(name)):
        by_name = {g["IndexName"]: g for g in description["GlobalSecondaryIndexes"]}
        assert set(by_name) == set(shapes)
        for index, schema in shapes.items():
            assert by_name[index]["KeySchema"] == keys(*schema), index
            assert by_name[index]["Projection"] == {"ProjectionType": "ALL"}
        assert description["KeySchema"] == keys(("pk", "HASH"))
        assert sorted(d["AttributeName"] for d in description["AttributeDefinitions"]) == \
            sorted(types)
        assert {d["AttributeName"]: d["AttributeType"]
                for d in description["AttributeDefinitions"]} == types
    assert all(g["IndexStatus"] == "ACTIVE" for g in described["GlobalSecondaryIndexes"])
    # Each index is usable: an item with every type.
    item = {"pk": S("1"), "h1": S("s"), "h2": N(2), "h3": B(b"\x01"), "h4": S("t"),
            "r1": N(-3), "r2": S("u"), "r3": B(b"\xff"), "r4": N("1e10")}
    api.put(name, item)
    body = api.ok("Query", {
        "TableName": name, "IndexName": "four_by_four",
        "KeyConditionExpression": "h4 = :h4 AND h3 = :h3 AND h2 = :h2 AND h1 = :h1 AND "
                                  "r1 = :r1 AND r2 = :r2 AND r3 = :r3 AND r4 = :r4",
        "ExpressionAttributeValues": {":h1": S("s"), ":h2": N(2), ":h3": B(b"\x01"),
                                      ":h4": S("t"), ":r1": N(-3), ":r2": S("u"),
                                      ":r3": B(b"\xff"), ":r4": N("1E+10")}})
    assert body["Count"] == 1 and body["Items"][0]["pk"] == S("1")


def parse_lists(message, pattern):
    match = re.fullmatch(pattern, message)
    assert match, message
    return [set(filter(None, (x.strip() for x in g.split(",")))) for g in match.groups()]


@pytest.mark.parametrize("schema,undefined", [
    (H("h") + R("a", "b", "c"), "c"),
    (H("h1", "h2", "h3", "h4") + R("r1", "r2", "r3", "r4"), "h3"),
    (H("h1", "h2"), "h1"),
])
def test_every_key_attribute_must_be_defined(call, schema, undefined):
    names = [n for n, _ in schema]
    request = {"TableName": new_name("undef"), "BillingMode": "PAY_PER_REQUEST",
               "AttributeDefinitions": defs(("pk", "S"), *[(n, "S") for n in names
                                                           if n != undefined]),
               "KeySchema": keys(("pk", "HASH")),
               "GlobalSecondaryIndexes": [gsi("idx", *schema)]}
    status, body = call("CreateTable", request)
    assert status == 400 and body["__type"] == VALIDATION, body
    prefix = INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
    assert body["message"].startswith(prefix), body
    listed_keys, listed_defs = parse_lists(
        body["message"], re.escape(prefix) + r"Keys: \[(.*)\], AttributeDefinitions: \[(.*)\]")
    assert listed_keys == set(names)
    assert listed_defs == {"pk"} | set(names) - {undefined}


def test_every_definition_must_be_used(call):
    schema = H("h1", "h2") + R("a", "b")
    request = {"TableName": new_name("unused"), "BillingMode": "PAY_PER_REQUEST",
               "AttributeDefinitions": defs(("pk", "S"), ("h1", "S"), ("h2", "N"), ("a", "S"),
                                            ("b", "N"), ("z", "S")),
               "KeySchema": keys(("pk", "HASH")),
               "GlobalSecondaryIndexes": [gsi("idx", *schema)]}
    status, body = call("CreateTable", request)
    assert status == 400 and body["__type"] == VALIDATION, body
    prefix = INVALID + "Some AttributeDefinitions are not used. "
    listed_defs, used = parse_lists(
        body["message"], re.escape(prefix) + r"AttributeDefinitions: \[(.*)\], keys used: \[(.*)\]")
    assert listed_defs == {"pk", "h1", "h2", "a", "b", "z"}
    assert used == {"pk", "h1", "h2", "a", "b"}


# --- Malformed GSI key schemas: CreateTable and UpdateTable ---------------------------------

GSI_SCHEMA_ERRORS = [
    ("five-hash", H("k1", "k2", "k3", "k4", "k5"), TOO_MANY_HASH),
    ("five-hash-with-range", H("k1", "k2", "k3", "k4", "k5") + R("r1"), TOO_MANY_HASH),
    ("five-range", H("h") + R("r1", "r2", "r3", "r4", "r5"), TOO_MANY_RANGE),
    ("hash-after-range", H("h") + R("a") + H("b"), HASH_AFTER_RANGE),
    ("hash-after-ranges", H("h1") + R("a", "b") + H("h2"), HASH_AFTER_RANGE),
    ("range-first", R("b") + H("a"), FIRST_NOT_HASH),
    ("range-first-long", R("a") + H("h1", "h2"), FIRST_NOT_HASH),
    ("range-only", R("a"), FIRST_NOT_HASH),
    ("ranges-only", R("a", "b", "c"), FIRST_NOT_HASH),
    ("duplicate-hash-range", H("a", "b") + R("a"), DUPLICATE),
    ("duplicate-ranges", H("h") + R("a", "b", "a"), DUPLICATE),
    ("duplicate-hashes", H("a", "a") + R("b"), DUPLICATE),
    ("duplicate-in-eight", H("h1", "h2", "h3", "h4") + R("r1", "r2", "h2", "r4"), DUPLICATE),
]


def gsi_attrs(schema):
    names = []
    for n, _ in schema:
        if n not in names:
            names.append(n)
    return [(n, "S") for n in names]


@pytest.mark.parametrize("schema,message", [c[1:] for c in GSI_SCHEMA_ERRORS],
                         ids=[c[0] for c in GSI_SCHEMA_ERRORS])
def test_create_table_refuses_malformed_gsi_key(call, schema, message):
    name = new_name("bad")
    request = {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
               "AttributeDefinitions": defs(("pk", "S"), *gsi_attrs(schema)),
               "KeySchema": keys(("pk", "HASH")),
               "GlobalSecondaryIndexes": [gsi("idx", *schema)]}
    assert call("CreateTable", request) == validation(message)
    status, body = call("DescribeTable", {"TableName": name})
    assert status == 400 and body["__type"].endswith("ResourceNotFoundException")


@pytest.mark.parametrize("schema,message", [c[1:] for c in GSI_SCHEMA_ERRORS],
                         ids=[c[0] for c in GSI_SCHEMA_ERRORS])
def test_update_table_refuses_malformed_gsi_key(api, ddb, schema, message):
    name = new_name("badupd")
    create(api, ddb, {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                      "AttributeDefinitions": defs(("pk", "S")),
                      "KeySchema": keys(("pk", "HASH"))})
    request = {"TableName": name, "AttributeDefinitions": defs(*gsi_attrs(schema)),
               "GlobalSecondaryIndexUpdates": [{"Create": gsi("idx", *schema)}]}
    assert api("UpdateTable", request) == validation(message)
    assert "GlobalSecondaryIndexes" not in api.describe(name)


@pytest.mark.parametrize("schema", [
    [("pk", "HASH"), ("sk", "RANGE"), ("x", "RANGE")],
    [("pk", "HASH"), ("x", "HASH"), ("sk", "RANGE")],
    [("pk", "HASH"), ("x", "HASH"), ("y", "HASH")],
])
def test_table_key_schema_stays_at_two_elements(call, schema):
    request = {"TableName": new_name("tbl3"), "BillingMode": "PAY_PER_REQUEST",
               "AttributeDefinitions": defs(*[(n, "S") for n, _ in schema]),
               "KeySchema": keys(*schema)}
    status, body = call("CreateTable", request)
    assert status == 400 and body["__type"] == VALIDATION, body
    assert re.match(TOO_LONG.format("keySchema"), body["message"]), body["message"]


def test_local_index_key_schema_stays_at_two_elements(call):
    request = {"TableName": new_name("lsi3"), "BillingMode": "PAY_PER_REQUEST",
               "AttributeDefinitions": defs(("pk", "S"), ("sk", "S"), ("x", "S"), ("y", "S")),
               "KeySchema": keys(("pk", "HASH"), ("sk", "RANGE")),
               "LocalSecondaryIndexes": [{"IndexName": "lsi",
                                          "KeySchema": keys(("pk", "HASH"), ("x", "RANGE"),
                                                            ("y", "RANGE")),
                                          "Projection": {"ProjectionType": "ALL"}}]}
    status, body = call("CreateTable", request)
    assert status == 400 and body["__type"] == VALIDATION, body
    assert re.match(TOO_LONG.format("localSecondaryIndexes.1.member.keySchema"),
                    body["message"]), body["message"]


def test_update_table_create_without_attribute_definitions(api, ddb):
    """The note (AQ 162): a GSI Create without AttributeDefinitions names the index."""
    name = new_name("nodefs")
    create(api, ddb, {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                      "AttributeDefinitions": defs(("pk", "S")),
                      "KeySchema": keys(("pk", "HASH"))})
    request = {"TableName": name, "GlobalSecondaryIndexUpdates": [
        {"Create": gsi("gsi3", *H("a", "b"), *R("c"))}]}
    assert api("UpdateTable", request) == validation(
        INVALID + "AttributeDefinitions is not specified for index: gsi3")
    assert "GlobalSecondaryIndexes" not in api.describe(name)


def test_update_table_creates_and_backfills_multi_attribute_index(api, ddb):
    name = new_name("backfill")
    create(api, ddb, {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                      "AttributeDefinitions": defs(("pk", "S")),
                      "KeySchema": keys(("pk", "HASH"))})
    items = []
    for i in range(12):
        item = {"pk": S(f"k{i:02}"), "t": S("T" if i % 3 else "U"), "n": N(i % 2),
                "x": S("x"), "y": N(-i)}
        if i == 4:
            del item["y"]
        if i == 7:
            del item["n"]
        items.append(item)
        api.put(name, item)
    schema = H("t", "n") + R("x", "y")
    body = api.ok("UpdateTable", {
        "TableName": name,
        "AttributeDefinitions": defs(("t", "S"), ("n", "N"), ("x", "S"), ("y", "N")),
        "GlobalSecondaryIndexUpdates": [{"Create": gsi("late", *schema)}]})
    assert body["TableDescription"]["GlobalSecondaryIndexes"][0]["KeySchema"] == keys(*schema)
    described = wait_for_table(ddb, name)
    late = described["GlobalSecondaryIndexes"][0]
    assert late["KeySchema"] == keys(*schema)
    names = ["t", "n", "x", "y"]
    expected = [i for i in items if in_index(names, i) and i["t"] == S("T") and i["n"] == N(1)]
    expected.sort(key=lambda i: Decimal(i["y"]["N"]))
    found = api.items("Query", query_request(name, "t = :t AND n = :n",
                                             {":t": S("T"), ":n": N(1)}, index="late"))
    assert found == expected
    assert sorted(pks(api.items("Scan", {"TableName": name, "IndexName": "late"}))) == \
        sorted(pks(i for i in items if in_index(names, i)))
    assert api.index_description(name, "late")["ItemCount"] == 10
    # Later writes keep it in step.
    api.ok("UpdateItem", {"TableName": name, "Key": {"pk": S("k04")},
                          "UpdateExpression": "SET y = :y", "ExpressionAttributeValues":
                          {":y": N(-100)}})
    found = api.items("Query", query_request(name, "t = :t AND n = :n AND x = :x AND y < :y",
                                             {":t": S("T"), ":n": N(0), ":y": N(-50),
                                              ":x": S("x")}, index="late"))
    assert pks(found) == ["k04"]


def test_table_key_attributes_inside_a_multi_attribute_key(api, ddb):
    """A GSI key may reuse the table's key attributes; UpdateTable needs definitions only for
    the attributes the table does not define yet. Deleting the index works as usual."""
    name = new_name("reuse")
    create(api, ddb, {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                      "AttributeDefinitions": defs(("pk", "S"), ("sk", "N"), ("t", "S")),
                      "KeySchema": keys(("pk", "HASH"), ("sk", "RANGE")),
                      "GlobalSecondaryIndexes": [gsi("by_t_pk", *H("t", "pk"), *R("sk"))]})
    for i in range(5):
        api.put(name, {"pk": S("p" if i < 3 else "q"), "sk": N(10 - i), "t": S("T"),
                       "u": N(i % 2)})
    found = api.items("Query", query_request(name, "t = :t AND pk = :p", {":t": S("T"),
                                                                          ":p": S("p")},
                                             index="by_t_pk"))
    assert [i["sk"]["N"] for i in found] == ["8", "9", "10"]
    schema = H("u", "t") + R("pk", "sk")
    body = api.ok("UpdateTable", {
        "TableName": name, "AttributeDefinitions": defs(("u", "N")),
        "GlobalSecondaryIndexUpdates": [{"Create": gsi("by_u", *schema)}]})
    created = {g["IndexName"]: g for g in body["TableDescription"]["GlobalSecondaryIndexes"]}
    assert created["by_u"]["KeySchema"] == keys(*schema)
    described = wait_for_table(ddb, name)
    assert {d["AttributeName"] for d in described["AttributeDefinitions"]} == \
        {"pk", "sk", "t", "u"}
    found = api.items("Query", query_request(name, "u = :u AND t = :t AND pk = :p AND sk > :s",
                                             {":u": N(0), ":t": S("T"), ":p": S("p"),
                                              ":s": N(7)}, index="by_u"))
    assert [(i["pk"]["S"], i["sk"]["N"]) for i in found] == [("p", "8"), ("p", "10")]
    api.ok("UpdateTable", {"TableName": name, "GlobalSecondaryIndexUpdates": [
        {"Delete": {"IndexName": "by_t_pk"}}]})
    described = wait_for_table(ddb, name)
    assert [g["IndexName"] for g in described["GlobalSecondaryIndexes"]] == ["by_u"]
    assert described["GlobalSecondaryIndexes"][0]["KeySchema"] == keys(*schema)
    status, body = api("Query", query_request(name, "t = :t AND pk = :p",
                                              {":t": S("T"), ":p": S("p")}, index="by_t_pk"))
    assert (status, body) == validation("The table does not have the specified index: by_t_pk")


# --- Items: sparse membership, types, empty values ---------------------------------------

@pytest.fixture
def main(api, ddb):
    name = new_name("t")
    create(api, ddb, main_request(name))
    return name


def index_pks(api, table, index="multi"):
    return sorted(pks(api.items("Scan", {"TableName": table, "IndexName": index})))


FULL = {"pk": S("k"), "sk": N(1), "h1": S("P"), "h2": N(1), "a": S("x"), "b": N(2), "c": S("c")}
FULL_KEY = {"pk": S("k"), "sk": N(1)}


@pytest.mark.parametrize("missing", MULTI)
def test_item_missing_any_key_attribute_is_not_indexed(api, main, missing):
    item = dict(FULL)
    del item[missing]
    api.put(main, item)
    assert index_pks(api, main) == []
    assert api.items("Query", query_request(main, PKCE, PV)) == []
    assert api.index_description(main, "multi")["ItemCount"] == 0
    assert index_pks(api, main, "hashes") == ([] if missing in HASHES else ["k"])
    # Adding the missing attribute puts it in the index; removing it takes it out.
    api.ok("UpdateItem", {"TableName": main, "Key": FULL_KEY,
                          "UpdateExpression": "SET #m = :v", "ExpressionAttributeNames":
                          {"#m": missing}, "ExpressionAttributeValues": {":v": FULL[missing]}})
    assert api.items("Query", query_request(main, PKCE, PV)) == [FULL]
    assert index_pks(api, main) == ["k"]
    assert api.index_description(main, "multi")["ItemCount"] == 1
    api.ok("UpdateItem", {"TableName": main, "Key": FULL_KEY,
                          "UpdateExpression": "REMOVE #m", "ExpressionAttributeNames":
                          {"#m": missing}})
    assert api.items("Query", query_request(main, PKCE, PV)) == []
    assert index_pks(api, main) == []
    assert api.index_description(main, "multi")["ItemCount"] == 0


WRONG = {"h1": N(1), "h2": S("1"), "a": N(5), "b": S("2"), "c": B(b"c")}
EXPECTED_TYPE = {"h1": "S", "h2": "N", "a": "S", "b": "N", "c": "S"}


@pytest.mark.parametrize("attr", MULTI)
def test_wrong_type_for_a_key_attribute_rejects_the_put(api, main, attr):
    item = dict(FULL, **{attr: WRONG[attr]})
    actual = next(iter(WRONG[attr]))
    # h1/h2 are also keys of "hashes"; an index named in either order is DynamoDB's choice,
    # but the attribute and types must be these.
    status, body = api("PutItem", {"TableName": main, "Item": item})
    assert status == 400 and body["__type"] == VALIDATION, body
    indexes = ["multi", "hashes"] if attr in HASHES else ["multi"]
    assert body["message"] in [
        INVALID + f"Type mismatch for Index Key {attr} Expected: {EXPECTED_TYPE[attr]} "
                  f"Actual: {actual} IndexName: {i}" for i in indexes], body
    assert api.ok("GetItem", {"TableName": main, "Key": FULL_KEY}) == {}
    assert index_pks(api, main) == []


@pytest.mark.parametrize("attr", ["h1", "a", "c"])
def test_empty_string_in_a_key_attribute_is_rejected(api, main, attr):
    item = dict(FULL, **{attr: S("")})
    status, body = api("PutItem", {"TableName": main, "Item": item})
    assert status == 400 and body["__type"] == VALIDATION, body
    indexes = ["multi", "hashes"] if attr in HASHES else ["multi"]
    assert body["message"] in [
        NOT_VALID + "A value specified for a secondary index key is not supported. The "
        "AttributeValue for a key attribute cannot contain an empty string value. "
        f"IndexName: {i}, IndexKey: {attr}" for i in indexes], body
    assert api.ok("GetItem", {"TableName": main, "Key": FULL_KEY}) == {}


def test_empty_binary_in_a_key_attribute_is_rejected(api, ddb):
    name = new_name("emptyb")
    create(api, ddb, {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                      "AttributeDefinitions": defs(("pk", "S"), ("h", "S"), ("x", "B"),
                                                   ("y", "B")),
                      "KeySchema": keys(("pk", "HASH")),
                      "GlobalSecondaryIndexes": [gsi("bin", *H("h", "x"), *R("y"))]})
    for attr in ("x", "y"):
        item = {"pk": S("1"), "h": S("h"), "x": B(b"\x01"), "y": B(b"\x02"), attr: B(b"")}
        status, body = api("PutItem", {"TableName": name, "Item": item})
        assert status == 400 and body["__type"] == VALIDATION, body
        assert "empty binary value" in body["message"] and f"IndexKey: {attr}" in \
            body["message"], body
    assert api.items("Scan", {"TableName": name}) == []


@pytest.mark.parametrize("attr", MULTI)
def test_update_item_setting_a_key_attribute_to_the_wrong_type(api, main, attr):
    api.put(main, FULL)
    assert api("UpdateItem", {"TableName": main, "Key": FULL_KEY,
                              "UpdateExpression": "SET #a = :v",
                              "ExpressionAttributeNames": {"#a": attr},
                              "ExpressionAttributeValues": {":v": WRONG[attr]}}) == validation(
        "The update expression attempted to update the secondary index key to unsupported type")
    assert api.ok("GetItem", {"TableName": main, "Key": FULL_KEY})["Item"] == FULL
    assert api.items("Query", query_request(main, PKCE, PV)) == [FULL]


def test_update_item_moves_an_item_within_the_index(api, main):
    api.put(main, FULL)
    api.put(main, dict(FULL, pk=S("j"), b=N(5)))
    assert pks(api.items("Query", query_request(main, PKCE, PV))) == ["k", "j"]
    api.ok("UpdateItem", {"TableName": main, "Key": FULL_KEY, "UpdateExpression": "SET b = :b",
                          "ExpressionAttributeValues": {":b": N(9)}})
    assert pks(api.items("Query", query_request(main, PKCE, PV))) == ["j", "k"]
    api.ok("UpdateItem", {"TableName": main, "Key": FULL_KEY, "UpdateExpression": "SET h2 = :n",
                          "ExpressionAttributeValues": {":n": N(7)}})
    assert pks(api.items("Query", query_request(main, PKCE, PV))) == ["j"]
    assert pks(api.items("Query", query_request(main, PKCE, dict(PV, **{":h2": N(7)})))) == ["k"]
    api.ok("DeleteItem", {"TableName": main, "Key": FULL_KEY})
    assert index_pks(api, main) == ["j"]


def test_keys_only_projection_holds_every_key_attribute(api, ddb):
    name = new_name("keysonly")
    create(api, ddb, {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                      "AttributeDefinitions": defs(("pk", "S"), ("h1", "S"), ("h2", "S"),
                                                   ("a", "N"), ("b", "S")),
                      "KeySchema": keys(("pk", "HASH")),
                      "GlobalSecondaryIndexes": [
                          gsi("keys", *H("h1", "h2"), *R("a", "b"), projection="KEYS_ONLY"),
                          gsi("inc", *H("h2", "h1"), *R("b"), projection="INCLUDE",
                              non_key=["x"])]})
    item = {"pk": S("1"), "h1": S("u"), "h2": S("v"), "a": N(1), "b": S("w"), "x": S("x"),
            "y": S("y")}
    api.put(name, item)
    values = {":h1": S("u"), ":h2": S("v")}
    found = api.items("Query", query_request(name, "h1 = :h1 AND h2 = :h2", values, index="keys"))
    assert found == [{k: item[k] for k in ("pk", "h1", "h2", "a", "b")}]
    found = api.items("Query", query_request(name, "h1 = :h1 AND h2 = :h2", values, index="inc"))
    assert found == [{k: item[k] for k in ("pk", "h1", "h2", "b", "x")}]


def test_numbers_are_keyed_by_value(api, main):
    """1, 1.0 and 10E-1 are one HASH value and one RANGE value."""
    api.put(main, dict(FULL, pk=S("one"), h2=N("1.00"), b=N("2.0")))
    api.put(main, dict(FULL, pk=S("two"), h2=N("10E-1"), b=N("0.2E1")))
    api.put(main, dict(FULL, pk=S("three"), h2=N("1"), b=N("2"), c=S("b")))
    for h2 in ("1", "1.0", "0.1E1"):
        found = api.items("Query", query_request(main, PKCE, {":h1": S("P"), ":h2": N(h2)}))
        assert pks(found) == ["three", "one", "two"] or pks(found) == ["three", "two", "one"]
        found = api.items("Query", query_request(
            main, PKCE + " AND a = :a AND b = :b AND c = :c",
            {":h1": S("P"), ":h2": N(h2), ":a": S("x"), ":b": N("20E-1"), ":c": S("c")}))
        assert sorted(pks(found)) == ["one", "two"]


def test_key_condition_with_attribute_names(api, main):
    api.put(main, FULL)
    found = api.items("Query", query_request(
        main, "#1 = :h1 AND #2 = :h2 AND #a = :a AND #b BETWEEN :b AND :b", dict(
            PV, **{":a": S("x"), ":b": N(2)}),
        ExpressionAttributeNames={"#1": "h1", "#2": "h2", "#a": "a", "#b": "b"}))
    assert found == [FULL]
    status, body = api("Query", query_request(
        main, "#1 = :h1 AND #2 = :h2 AND #b = :b", dict(PV, **{":b": N(2)}),
        ExpressionAttributeNames={"#1": "h1", "#2": "h2", "#b": "b"}))
    assert (status, body) == validation(GAP.format("a", "b"))


def test_batch_write_items_into_the_index(api, main):
    items = [dict(FULL, pk=S(f"b{i}"), c=S(f"c{9 - i}")) for i in range(5)]
    partial = dict(FULL, pk=S("b9"))
    del partial["a"]
    body = api.ok("BatchWriteItem", {"RequestItems": {main: [
        {"PutRequest": {"Item": i}} for i in items + [partial]]}})
    assert body["UnprocessedItems"] == {}
    assert pks(api.items("Query", query_request(main, PKCE, PV))) == \
        ["b4", "b3", "b2", "b1", "b0"]
    assert api("BatchWriteItem", {"RequestItems": {main: [
        {"PutRequest": {"Item": dict(FULL, pk=S("bad"), b=S("2"))}}]}}) == validation(
        INVALID + "Type mismatch for Index Key b Expected: N Actual: S IndexName: multi")
    api.ok("BatchWriteItem", {"RequestItems": {main: [
        {"DeleteRequest": {"Key": {"pk": S(f"b{i}"), "sk": N(1)}}} for i in (0, 2, 4)]}})
    assert pks(api.items("Query", query_request(main, PKCE, PV))) == ["b3", "b1"]


def test_index_query_capacity(module_api, loaded):
    body = module_api.ok("Query", query_request(loaded, PKCE + " AND a = :a AND b = :b",
                                                dict(PV, **{":a": S("x"), ":b": N(2)}),
                                                ReturnConsumedCapacity="INDEXES"))
    assert body["Count"] == 3
    assert body["ConsumedCapacity"] == {
        "TableName": loaded, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"multi": {"CapacityUnits": 0.5}}}


# --- Sort order ---------------------------------------------------------------------------

def test_paritysuite_example_order(api, ddb):
    """RANGE a, b, c, d (all S) sort as a tuple in schema order."""
    name = new_name("ps")
    create(api, ddb, {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                      "AttributeDefinitions": defs(*[(n, "S") for n in
                                                     ("pk", "h", "a", "b", "c", "d")]),
                      "KeySchema": keys(("pk", "HASH")),
                      "GlobalSecondaryIndexes": [gsi("gsi", *H("h"), *R("a", "b", "c", "d"))]})
    rows = {"p1": ("T", "live", "b", "r1"), "p2": ("T", "live", "a", "r2"),
            "p3": ("T", "live", "a", "r1"), "p4": ("T", "draft", "c", "r1"),
            "p5": ("F", "live", "a", "r0")}
    for pk, (a, b, c, d) in rows.items():
        api.put(name, {"pk": S(pk), "h": S("h"), "a": S(a), "b": S(b), "c": S(c), "d": S(d)})
    api.put(name, {"pk": S("p6"), "h": S("h"), "a": S("T"), "b": S("live"), "d": S("r1")})

    def run(kce, values=None, **extra):
        values = dict({":h": S("h")}, **(values or {}))
        return pks(api.items("Query", query_request(name, kce, values, index="gsi", **extra)))

    assert run("h = :h") == ["p5", "p4", "p3", "p2", "p1"]
    assert run("h = :h", ScanIndexForward=False) == ["p1", "p2", "p3", "p4", "p5"]
    assert run("h = :h AND a = :a", {":a": S("T")}, ScanIndexForward=False) == \
        ["p1", "p2", "p3", "p4"]
    assert run("b = :b AND h = :h AND a = :a", {":a": S("T"), ":b": S("live")}) == \
        ["p3", "p2", "p1"]
    assert run("h = :h AND a = :a AND b = :b AND c > :c",
               {":a": S("T"), ":b": S("live"), ":c": S("a")}) == ["p1"]
    assert run("h = :h AND a = :a AND b < :b", {":a": S("T"), ":b": S("live")}) == ["p4"]
    assert run("h = :h AND a = :a AND b = :b AND c = :c AND begins_with(d, :d)",
               {":a": S("T"), ":b": S("live"), ":c": S("a"), ":d": S("r")}) == ["p3", "p2"]
    assert run("h = :h AND a = :a AND b = :b AND c = :c AND d BETWEEN :x AND :y",
               {":a": S("T"), ":b": S("live"), ":c": S("a"), ":x": S("r2"), ":y": S("r9")}) == \
        ["p2"]


def test_mixed_types_sort_each_component_by_its_type(api, ddb):
    name = new_name("mixed")
    create(api, ddb, {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                      "AttributeDefinitions": defs(("pk", "S"), ("h", "S"), ("s", "S"),
                                                   ("n", "N"), ("bin", "B")),
                      "KeySchema": keys(("pk", "HASH")),
                      "GlobalSecondaryIndexes": [gsi("gsi", *H("h"), *R("s", "n", "bin"))]})
    rows = [("a", "10", b"\x00"), ("a", "2", b"\x00"), ("a", "-3.5", b"\x01"),
            ("a", "2", b"\xff"), ("a", "2", b"\x00\x00"), ("B", "100", b"\x00"),
            ("b", "1", b"\x00"), ("ab", "1", b"\x00"), ("a", "1E+2", b"\x7f"),
            ("\u00e9", "0", b"\x00"), ("a", "0.5", b"\x80")]
    items = []
    for i, (s, n, b) in enumerate(rows):
        item = {"pk": S(f"k{i:02}"), "h": S("h"), "s": S(s), "n": N(n), "bin": B(b)}
        items.append(item)
        api.put(name, item)
    expected = [i["pk"]["S"] for i in sorted(items, key=lambda i: (
        i["s"]["S"].encode(), Decimal(i["n"]["N"]), base64.b64decode(i["bin"]["B"])))]
    # 2 sorts before 10, "B" before "a" before "ab" before "b" before "é".
    assert expected[:2] == ["k05", "k02"] and expected[-1] == "k09"
    request = query_request(name, "h = :h", {":h": S("h")}, index="gsi")
    assert pks(api.items("Query", request)) == expected
    assert pks(api.items("Query", dict(request, ScanIndexForward=False))) == expected[::-1]
    assert pks(api.items("Query", request, limit=1)) == expected
    assert pks(api.items("Query", dict(request, ScanIndexForward=False), limit=2)) == \
        expected[::-1]
    # A range condition on the N component compares numerically.
    found = api.items("Query", query_request(name, "h = :h AND s = :s AND n > :n",
                                             {":h": S("h"), ":s": S("a"), ":n": N(3)},
                                             index="gsi"))
    assert pks(found) == ["k00", "k08"]


def test_component_boundaries_are_kept_apart(api, ddb):
    """("ab", "c") and ("a", "bc") are different keys, in HASH and in RANGE, and a shorter
    first component sorts first whatever follows it."""
    name = new_name("bound")
    create(api, ddb, {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                      "AttributeDefinitions": defs(*[(n, "S") for n in
                                                     ("pk", "x", "y", "r", "s")]),
                      "KeySchema": keys(("pk", "HASH")),
                      "GlobalSecondaryIndexes": [gsi("gsi", *H("x", "y"), *R("r", "s"))]})
    hashes = [("ab", "c"), ("a", "bc"), ("a\u0000", "x"), ("a", "\u0000x")]
    ranges = [("a", "zz"), ("a\u0000", "x"), ("a", "\u0000x"), ("ab", "c"), ("a", "bc"),
              ("a\u0001", "a")]
    n = 0
    for x, y in hashes:
        for r, s in ranges:
            n += 1
            api.put(name, {"pk": S(f"{n:02}"), "x": S(x), "y": S(y), "r": S(r), "s": S(s)})
    expected_ranges = sorted(ranges, key=lambda rs: (rs[0].encode(), rs[1].encode()))
    for x, y in hashes:
        found = api.items("Query", query_request(name, "x = :x AND y = :y",
                                                 {":x": S(x), ":y": S(y)}, index="gsi"))
        assert all(i["x"] == S(x) and i["y"] == S(y) for i in found), (x, y)
        assert [(i["r"]["S"], i["s"]["S"]) for i in found] == expected_ranges, (x, y)
    found = api.items("Query", query_request(name, "x = :x AND y = :y AND r = :r",
                                             {":x": S("a"), ":y": S("bc"), ":r": S("a")},
                                             index="gsi"))
    assert [i["s"]["S"] for i in found] == ["\u0000x", "bc", "zz"]
    found = api.items("Query", query_request(name, "x = :x AND y = :y AND r > :r",
                                             {":x": S("a"), ":y": S("bc"), ":r": S("a")},
                                             index="gsi"))
    assert [(i["r"]["S"], i["s"]["S"]) for i in found] == [
        ("a\u0000", "x"), ("a\u0001", "a"), ("ab", "c")]
    found = api.items("Query", query_request(name, "x = :x AND y = :y AND begins_with(r, :r)",
                                             {":x": S("a"), ":y": S("bc"), ":r": S("a")},
                                             index="gsi"))
    assert len(found) == len(ranges)


# --- Query: which conditions are accepted -------------------------------------------------

def ok_query(api, table, kce, values, **extra):
    return api.items("Query", query_request(table, kce, values, **extra))


def test_hash_only_query_returns_the_partition_in_order(module_api, loaded):
    items = main_items()
    assert ok_query(module_api, loaded, PKCE, PV) == partition(items)
    assert ok_query(module_api, loaded, PKCE, PV, ScanIndexForward=False) == \
        partition(items)[::-1]
    assert len(partition(items)) == 27
    for h1, h2 in (("P", "2"), ("Q", "1")):
        found = ok_query(module_api, loaded, PKCE, {":h1": S(h1), ":h2": N(h2)})
        assert found == partition(items, h1, h2) and len(found) == 3
    assert ok_query(module_api, loaded, PKCE, {":h1": S("Q"), ":h2": N(2)}) == []
    # The HASH-only index holds the same items plus those missing a RANGE attribute.
    found = ok_query(module_api, loaded, PKCE, PV, index="hashes")
    assert sorted(pks(found)) == sorted(pks(i for i in items if in_index(HASHES, i) and
                                            i["h1"] == S("P") and i["h2"] == N(1)))
    assert len(found) == 30


OPERATORS = [
    # condition on the last named RANGE attribute, its values, model predicate
    ("{x} = :v", [":v"], lambda v, o: v == o[0]),
    ("{x} < :v", [":v"], lambda v, o: v < o[0]),
    ("{x} <= :v", [":v"], lambda v, o: v <= o[0]),
    ("{x} > :v", [":v"], lambda v, o: v > o[0]),
    ("{x} >= :v", [":v"], lambda v, o: v >= o[0]),
    ("{x} BETWEEN :v AND :w", [":v", ":w"], lambda v, o: o[0] <= v <= o[1]),
    (":v < {x}", [":v"], lambda v, o: v > o[0]),
    ("begins_with({x}, :v)", [":v"], lambda v, o: v.startswith(o[0])),
]
OPERANDS = {"a": (["x", "\u00e9"], S, lambda v: v.encode()),
            "b": (["-1.5", "10"], N, Decimal),
            "c": (["c2", "d"], S, lambda v: v.encode())}
BEGINS = {"a": "x", "c": "c"}
POSITIONS = {"a": ("", {}), "b": (" AND a = :a", {":a": S("x")}),
             "c": (" AND b = :b AND a = :a", {":a": S("\u00e9"), ":b": N(2)})}


def operator_cases():
    for x in "abc":
        for condition, names, predicate in OPERATORS:
            if x == "b" and condition.startswith("begins_with"):
                continue  # not for N; see QUERY_ERRORS
            yield pytest.param(x, condition, names, predicate,
                               id=f"{x}:{condition.format(x=x)}")


@pytest.mark.parametrize("x,condition,names,predicate", list(operator_cases()))
@pytest.mark.parametrize("forward", [True, False], ids=["fwd", "back"])
def test_every_operator_on_the_last_range_attribute(module_api, loaded, x, condition, names,
                                                    predicate, forward):
    operands, enc, conv = OPERANDS[x]
    begins = condition.startswith("begins_with")
    if begins:
        operands = [BEGINS[x]]
    operands = operands[:len(names)]
    prefix, prefix_values = POSITIONS[x]
    values = dict(PV, **prefix_values, **{n: enc(o) for n, o in zip(names, operands)})
    kce = PKCE + prefix + " AND " + condition.format(x=x)

    def selected(item):
        if any(item[k] != prefix_values[":" + k] for k in "ab" if ":" + k in prefix_values):
            return False
        if begins:
            return predicate(item[x]["S"], operands)
        return predicate(conv(item[x]["N" if x == "b" else "S"]), [conv(o) for o in operands])

    expected = [i for i in partition(main_items()) if selected(i)]
    if not forward:
        expected.reverse()
    found = ok_query(module_api, loaded, kce, values, ScanIndexForward=forward)
    assert pks(found) == pks(expected)


def test_operator_results_are_not_empty(module_api, loaded):
    """A sanity check of the model data behind the operator tests."""
    found = ok_query(module_api, loaded, PKCE + " AND a = :a AND b = :b AND c BETWEEN :v AND :w",
                     dict(PV, **{":a": S("x"), ":b": N(2), ":v": S("c2"), ":w": S("d1")}))
    assert [(i["c"]["S"]) for i in found] == ["c2", "d1"]
    found = ok_query(module_api, loaded, PKCE + " AND a = :a AND b > :b",
                     dict(PV, **{":a": S("x"), ":b": N(2)}))
    assert [(i["b"]["N"], i["c"]["S"]) for i in found] == [("10", "c1"), ("10", "c2"),
                                                          ("10", "d1")]


def test_clauses_in_any_order(module_api, loaded):
    values = dict(PV, **{":a": S("x"), ":b": N(10), ":c": S("c2")})
    found = ok_query(module_api, loaded,
                     "c = :c AND h2 = :h2 AND b = :b AND h1 = :h1 AND a = :a", values)
    assert len(found) == 1 and found[0]["a"] == S("x") and found[0]["b"] == N(10) and \
        found[0]["c"] == S("c2")
    found = ok_query(module_api, loaded, "b > :b AND a = :a AND h2 = :h2 AND h1 = :h1",
                     dict(PV, **{":a": S("x"), ":b": N(2)}))
    assert len(found) == 3
    found = ok_query(module_api, loaded, "(h2 = :h2) AND (h1 = :h1)", PV)
    assert len(found) == 27


def kce_error(api, table, kce, values, index="multi", **extra):
    return api("Query", query_request(table, kce, values, index=index, **extra))


QUERY_ERRORS = [
    # Every HASH attribute with =.
    ("h1 = :h1", MISSED.format("h2")),
    ("h2 = :h2", MISSED.format("h1")),
    ("h1 = :h1 AND a = :a", MISSED.format("h2")),
    ("h2 = :h2 AND a = :a AND b = :b", MISSED.format("h1")),
    ("a = :a", MISSED.format("h1")),
    ("h1 = :h1 AND h2 > :h2", NOT_SUPPORTED),
    ("h1 = :h1 AND h2 <= :h2", NOT_SUPPORTED),
    ("h1 > :h1 AND h2 = :h2", NOT_SUPPORTED),
    ("h1 = :h1 AND h2 BETWEEN :h2 AND :b", NOT_SUPPORTED),
    ("begins_with(h1, :h1) AND h2 = :h2", NOT_SUPPORTED),
    ("h1 = :h1 AND h2 > :h2 AND a = :a", NOT_SUPPORTED),
    # RANGE conditions: a left-to-right prefix, = on all but the last.
    (PKCE + " AND a = :a AND c = :c", GAP.format("b", "c")),
    (PKCE + " AND a = :a AND b > :b AND c = :c", GAP.format("b", "c")),
    (PKCE + " AND b = :b", GAP.format("a", "b")),
    (PKCE + " AND c = :c", GAP.format("a", "c")),
    (PKCE + " AND b > :b", GAP.format("a", "b")),
    (PKCE + " AND a > :a AND b = :b", GAP.format("a", "b")),
    (PKCE + " AND begins_with(a, :a) AND b = :b AND c = :c", GAP.format("a", "b")),
    (PKCE + " AND a = :a AND b BETWEEN :b AND :b AND c > :c", GAP.format("b", "c")),
    ("c = :c AND a = :a AND h2 = :h2 AND h1 = :h1", GAP.format("b", "c")),
    # A condition on an attribute outside the key.
    (PKCE + " AND payload = :a", NOT_SUPPORTED),
    (PKCE + " AND a = :a AND payload = :a", NOT_SUPPORTED),
    # begins_with on an N component.
    (PKCE + " AND a = :a AND begins_with(b, :b)",
     "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
     "operator or function: begins_with, operand type: N"),
]
ALL_VALUES = dict(PV, **{":a": S("x"), ":b": N(2), ":c": S("c1")})


@pytest.mark.parametrize("kce,message", QUERY_ERRORS, ids=[c[0] for c in QUERY_ERRORS])
def test_key_condition_errors(module_api, loaded, kce, message):
    values = {k: v for k, v in ALL_VALUES.items() if k in kce}
    assert kce_error(module_api, loaded, kce, values) == validation(message)


def test_extra_condition_on_a_hash_only_multi_attribute_index(module_api, loaded):
    values = dict(PV, **{":a": S("x")})
    assert kce_error(module_api, loaded, PKCE + " AND a = :a", values, index="hashes") == \
        validation(NOT_SUPPORTED)
    assert kce_error(module_api, loaded, "h1 = :h1", {":h1": S("P")}, index="hashes") == \
        validation(MISSED.format("h2"))


def test_single_attribute_keys_still_take_at_most_two_conditions(module_api, loaded):
    values = {":a": S("x"), ":n": N(1)}
    message = "Conditions can be of length 1 or 2 only"
    assert module_api("Query", {"TableName": loaded, "KeyConditionExpression":
                                "pk = :a AND sk = :n AND h1 = :a",
                                "ExpressionAttributeValues": values}) == validation(message)
    assert kce_error(module_api, loaded, "g = :a AND h1 = :a AND a = :a", {":a": S("x")},
                     index="single") == validation(message)
    legacy = {n: {"ComparisonOperator": "EQ", "AttributeValueList": [S("x")]}
              for n in ("g", "h1", "a")}
    assert module_api("Query", {"TableName": loaded, "IndexName": "single",
                                "KeyConditions": legacy}) == validation(message)


def kc(**ops):
    return {name: {"ComparisonOperator": op, "AttributeValueList": v}
            for name, (op, v) in ops.items()}


def test_legacy_key_conditions(module_api, loaded):
    items = partition(main_items())

    def run(conditions, **extra):
        return module_api.items("Query", dict({"TableName": loaded, "IndexName": "multi",
                                               "KeyConditions": conditions}, **extra))

    assert run(kc(h1=("EQ", [S("P")]), h2=("EQ", [N(1)]))) == items
    assert run(kc(h1=("EQ", [S("P")]), h2=("EQ", [N(1)]), a=("EQ", [S("x")]),
                  b=("GT", [N(2)]))) == [i for i in items if i["a"] == S("x")
                                         and i["b"] == N(10)]
    assert run(kc(c=("BETWEEN", [S("c2"), S("d1")]), b=("EQ", [N(2)]), a=("EQ", [S("X")]),
                  h2=("EQ", [N(1)]), h1=("EQ", [S("P")])), ScanIndexForward=False) == \
        [i for i in items if i["a"] == S("X") and i["b"] == N(2)
         and i["c"]["S"] in ("c2", "d1")][::-1]
    assert run(kc(h1=("EQ", [S("P")]), h2=("EQ", [N(1)]), a=("EQ", [S("x")]),
                  b=("EQ", [N(-1.5)]), c=("BEGINS_WITH", [S("c")]))) == \
        [i for i in items if i["a"] == S("x") and i["b"] == N("-1.5")
         and i["c"]["S"].startswith("c")]
    assert run(kc(h1=("EQ", [S("P")]), h2=("EQ", [N(1)]), a=("LE", [S("x")]))) == \
        [i for i in items if i["a"]["S"] in ("X", "x")]


LEGACY_ERRORS = [
    (kc(h1=("EQ", [S("P")]), h2=("EQ", [N(1)]), a=("EQ", [S("x")]), c=("EQ", [S("c1")])),
     GAP.format("b", "c")),
    (kc(h1=("EQ", [S("P")]), h2=("EQ", [N(1)]), b=("EQ", [N(2)])), GAP.format("a", "b")),
    (kc(h1=("EQ", [S("P")]), h2=("EQ", [N(1)]), a=("GT", [S("x")]), b=("EQ", [N(2)])),
     GAP.format("a", "b")),
    (kc(h1=("EQ", [S("P")]), a=("EQ", [S("x")])), MISSED.format("h2")),
    (kc(h2=("EQ", [N(1)])), MISSED.format("h1")),
    (kc(h1=("EQ", [S("P")]), h2=("GT", [N(1)])), NOT_SUPPORTED),
    (kc(h1=("BEGINS_WITH", [S("P")]), h2=("EQ", [N(1)])), NOT_SUPPORTED),
    (kc(h1=("EQ", [S("P")]), h2=("EQ", [N(1)]), payload=("EQ", [S("x")])), NOT_SUPPORTED),
]


@pytest.mark.parametrize("conditions,message", LEGACY_ERRORS,
                         ids=[str(i) for i in range(len(LEGACY_ERRORS))])
def test_legacy_key_condition_errors(module_api, loaded, conditions, message):
    assert module_api("Query", {"TableName": loaded, "IndexName": "multi",
                                "KeyConditions": conditions}) == validation(message)


@pytest.mark.parametrize("attr", MULTI)
def test_filter_expression_on_an_index_key_attribute(module_api, loaded, attr):
    values = dict(PV, **{":v": ALL_VALUES[":" + attr]})
    assert kce_error(module_api, loaded, PKCE, values, FilterExpression=f"{attr} = :v") == \
        validation(FILTER_ON_KEY.format(attr))
    assert kce_error(module_api, loaded, PKCE, values,
                     FilterExpression="attribute_exists(payload) AND #k = :v",
                     ExpressionAttributeNames={"#k": attr}) == \
        validation(FILTER_ON_KEY.format(attr))


@pytest.mark.parametrize("attr", MULTI)
def test_query_filter_on_an_index_key_attribute(module_api, loaded, attr):
    conditions = kc(h1=("EQ", [S("P")]), h2=("EQ", [N(1)]))
    assert module_api("Query", {
        "TableName": loaded, "IndexName": "multi", "KeyConditions": conditions,
        "QueryFilter": kc(**{attr: ("EQ", [ALL_VALUES[":" + attr]])})}) == validation(
        f"QueryFilter can only contain non-primary key attributes: Primary key attribute: {attr}")


def test_filter_expression_on_table_key_and_other_attributes(module_api, loaded):
    items = partition(main_items())
    found = ok_query(module_api, loaded, PKCE, dict(PV, **{":p": S("p05"), ":n": N(20)}),
                     FilterExpression="pk > :p AND sk < :n")
    assert found == [i for i in items if i["pk"]["S"] > "p05" and int(i["sk"]["N"]) < 20]
    found = ok_query(module_api, loaded, PKCE, dict(PV, **{":n": N(25)}),
                     FilterExpression="size(payload) >= :n")
    assert pks(found) == pks(i for i in items if len(i["payload"]["S"]) >= 25)


def test_consistent_read_on_the_index_is_refused(module_api, loaded):
    assert kce_error(module_api, loaded, PKCE, PV, ConsistentRead=True) == validation(
        "Consistent reads are not supported on global secondary indexes")
    status, body = module_api("Scan", {"TableName": loaded, "IndexName": "multi",
                                       "ConsistentRead": True})
    assert (status, body) == validation(
        "Consistent reads are not supported on global secondary indexes")


# --- Pagination ----------------------------------------------------------------------------

def test_last_evaluated_key_holds_every_key_attribute(module_api, loaded):
    body = module_api.ok("Query", query_request(loaded, PKCE, PV, Limit=2))
    lek = body["LastEvaluatedKey"]
    assert sorted(lek) == sorted(["pk", "sk", "h1", "h2", "a", "b", "c"])
    second = body["Items"][1]
    assert lek == {k: second[k] for k in lek}
    body = module_api.ok("Query", query_request(loaded, PKCE, PV, index="hashes", Limit=2))
    assert sorted(body["LastEvaluatedKey"]) == ["h1", "h2", "pk", "sk"]
    body = module_api.ok("Scan", {"TableName": loaded, "IndexName": "multi", "Limit": 1})
    assert sorted(body["LastEvaluatedKey"]) == sorted(["pk", "sk", "h1", "h2", "a", "b", "c"])


@pytest.mark.parametrize("forward", [True, False], ids=["fwd", "back"])
@pytest.mark.parametrize("kce,extra,select", [
    (PKCE, {}, lambda i: True),
    (PKCE + " AND a = :a AND b > :b", {":a": S("x"), ":b": N(-1.5)},
     lambda i: i["a"] == S("x") and i["b"]["N"] != "-1.5"),
    (PKCE + " AND a = :a AND b = :b AND c >= :c", {":a": S("\u00e9"), ":b": N(10),
                                                   ":c": S("c2")},
     lambda i: i["a"] == S("\u00e9") and i["b"] == N(10) and i["c"]["S"] >= "c2"),
    (PKCE + " AND a < :a", {":a": S("y")}, lambda i: i["a"]["S"] in ("X", "x")),
], ids=["hash", "a-eq-b-gt", "c-ge", "a-lt"])
def test_limit_one_pages_through_each_item_once(module_api, loaded, forward, kce, extra,
                                                 select):
    expected = [i for i in partition(main_items()) if select(i)]
    if not forward:
        expected.reverse()
    assert expected
    pages = module_api.pages("Query", query_request(loaded, kce, dict(PV, **extra),
                                                    ScanIndexForward=forward), limit=1)
    found = [i for p in pages for i in p["Items"]]
    assert found == expected
    assert all(p["Count"] <= 1 for p in pages)
    assert len(pages) in (len(expected), len(expected) + 1)


def test_exclusive_start_key_resumes_after_the_full_key(module_api, loaded):
    items = partition(main_items())
    start = {k: items[10][k] for k in ("pk", "sk", "h1", "h2", "a", "b", "c")}
    found = ok_query(module_api, loaded, PKCE, PV, ExclusiveStartKey=start)
    assert found == items[11:]
    found = ok_query(module_api, loaded, PKCE, PV, ExclusiveStartKey=start,
                     ScanIndexForward=False)
    assert found == items[:10][::-1]


def test_exclusive_start_key_missing_a_key_attribute_is_invalid(module_api, loaded):
    items = partition(main_items())
    for missing in MULTI:
        start = {k: items[3][k] for k in ("pk", "sk", "h1", "h2", "a", "b", "c")
                 if k != missing}
        status, body = kce_error(module_api, loaded, PKCE, PV, ExclusiveStartKey=start)
        assert status == 400 and body["__type"] == VALIDATION, (missing, body)
        assert body["message"].startswith("The provided starting key is invalid"), body


def test_aws_cli_paginates_an_index_query(aws, loaded):
    code, out, err = aws("query", "--table-name", loaded, "--index-name", "multi",
                         "--key-condition-expression", "h1 = :h1 AND h2 = :h2",
                         "--expression-attribute-values", json.dumps(PV), "--page-size", "1")
    assert code == 0, err
    assert pks(out["Items"]) == pks(partition(main_items()))
    assert out["Count"] == 27
    code, out, err = aws("query", "--table-name", loaded, "--index-name", "multi",
                         "--key-condition-expression", "h1 = :h1 AND h2 = :h2 AND a = :a",
                         "--expression-attribute-values",
                         json.dumps(dict(PV, **{":a": S("x")})), "--page-size", "2",
                         "--no-scan-index-forward")
    assert code == 0, err
    assert pks(out["Items"]) == pks([i for i in partition(main_items())
                                     if i["a"] == S("x")][::-1])


# --- Scan --------------------------------------------------------------------------------

def test_scan_of_the_index_returns_only_indexed_items(module_api, loaded):
    items = main_items()
    indexed = sorted(pks(i for i in items if in_index(MULTI, i)))
    assert len(indexed) == 33
    assert sorted(pks(module_api.items("Scan", {"TableName": loaded, "IndexName": "multi"}))) \
        == indexed
    pages = module_api.pages("Scan", {"TableName": loaded, "IndexName": "multi"}, limit=1)
    found = pks(i for p in pages for i in p["Items"])
    assert sorted(found) == indexed and len(found) == len(set(found))
    hashed = sorted(pks(i for i in items if in_index(HASHES, i)))
    assert sorted(pks(module_api.items("Scan", {"TableName": loaded, "IndexName": "hashes"}))) \
        == hashed
    # Scan filters may use the index key attributes.
    found = module_api.items("Scan", {
        "TableName": loaded, "IndexName": "multi",
        "FilterExpression": "h1 = :h1 AND h2 = :h2 AND a = :a AND b > :b AND c <> :c",
        "ExpressionAttributeValues": {":h1": S("P"), ":h2": N(1), ":a": S("x"), ":b": N(2),
                                      ":c": S("c1")}}, limit=5)
    assert sorted(pks(found)) == sorted(pks(i for i in partition(items) if i["a"] == S("x") and
                                            i["b"] == N(10) and i["c"] != S("c1")))
    # Within one index partition the scan keeps the index order.
    part = [i["pk"]["S"] for i in module_api.items("Scan", {"TableName": loaded,
                                                            "IndexName": "multi"})
            if i["h1"] == S("P") and i["h2"] == N(1)]
    assert part == pks(partition(items))


def test_parallel_scan_of_the_index(module_api, loaded):
    indexed = sorted(pks(i for i in main_items() if in_index(MULTI, i)))
    everything = []
    for segment in range(4):
        request = {"TableName": loaded, "IndexName": "multi", "Segment": segment,
                   "TotalSegments": 4}
        whole = pks(module_api.items("Scan", request))
        paged = pks(module_api.items("Scan", request, limit=1))
        assert paged == whole, segment
        # A page boundary in the middle of the segment resumes in the same segment.
        if len(whole) >= 2:
            body = module_api.ok("Scan", dict(request, Limit=1))
            rest = pks(module_api.items("Scan", dict(
                request, ExclusiveStartKey=body["LastEvaluatedKey"])))
            assert pks(body["Items"]) + rest == whole
        everything += whole
    assert sorted(everything) == indexed


# --- Counts and capacity ------------------------------------------------------------------

def test_item_count_and_size_count_only_complete_keys(module_api, loaded):
    items = main_items()
    described = module_api.describe(loaded)
    assert described["ItemCount"] == len(items)
    indexes = {i["IndexName"]: i for i in described["GlobalSecondaryIndexes"]}
    for name, attrs in (("multi", MULTI), ("hashes", HASHES), ("single", ["g"])):
        indexed = [i for i in items if in_index(attrs, i)]
        assert indexes[name]["ItemCount"] == len(indexed), name
        assert indexes[name]["IndexSizeBytes"] == sum(item_size(i) for i in indexed), name
    assert indexes["multi"]["ItemCount"] == 33


def test_put_charges_the_multi_attribute_index(api, main):
    body = api.put(main, FULL, ReturnConsumedCapacity="INDEXES")
    assert body["ConsumedCapacity"] == {
        "TableName": main, "CapacityUnits": 3.0, "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"multi": {"CapacityUnits": 1.0},
                                   "hashes": {"CapacityUnits": 1.0}}}
    sparse = dict(FULL, pk=S("sparse"))
    del sparse["b"]
    body = api.put(main, sparse, ReturnConsumedCapacity="INDEXES")
    assert body["ConsumedCapacity"] == {
        "TableName": main, "CapacityUnits": 2.0, "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"hashes": {"CapacityUnits": 1.0}}}
    # A new RANGE value moves the entry: a delete and a put in that index.
    body = api.put(main, dict(FULL, c=S("other")), ReturnConsumedCapacity="INDEXES")
    assert body["ConsumedCapacity"] == {
        "TableName": main, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"multi": {"CapacityUnits": 2.0},
                                   "hashes": {"CapacityUnits": 1.0}}}
    body = api.put(main, dict(FULL, pk=S("big"), payload=S("x" * 1500)),
                   ReturnConsumedCapacity="TOTAL")
    assert body["ConsumedCapacity"] == {"TableName": main, "CapacityUnits": 6.0}


# --- Transactions --------------------------------------------------------------------------

def test_transact_write_items_fill_the_index(api, main):
    items = [dict(FULL, pk=S(f"t{i}"), sk=N(i), b=N(5 - i)) for i in range(4)]
    request = {"TransactItems": [{"Put": {"TableName": main, "Item": i}} for i in items],
               "ReturnConsumedCapacity": "INDEXES"}
    body = api.ok("TransactWriteItems", request)
    capacity = body["ConsumedCapacity"][0]
    # Transactional writes cost double on the table, not on the indexes.
    assert capacity["Table"]["CapacityUnits"] == 8.0
    assert capacity["GlobalSecondaryIndexes"] == {
        "multi": {"CapacityUnits": 4.0, "WriteCapacityUnits": 4.0},
        "hashes": {"CapacityUnits": 4.0, "WriteCapacityUnits": 4.0}}
    assert ok_query(api, main, PKCE, PV) == items[::-1]
    # An update that completes a key and a put that breaks one, in one transaction.
    partial = dict(FULL, pk=S("t9"), sk=N(9))
    del partial["c"]
    api.put(main, partial)
    api.ok("TransactWriteItems", {"TransactItems": [
        {"Update": {"TableName": main, "Key": {"pk": S("t9"), "sk": N(9)},
                    "UpdateExpression": "SET c = :c, b = :b",
                    "ExpressionAttributeValues": {":c": S("c"), ":b": N(0)}}},
        {"Put": {"TableName": main, "Item": {"pk": S("t0"), "sk": N(0), "h1": S("P")}}}]})
    assert pks(ok_query(api, main, PKCE, PV)) == ["t9", "t3", "t2", "t1"]
    # A wrong-typed key attribute refuses the whole transaction.
    status, body = api("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": main, "Item": dict(FULL, pk=S("t5"), a=N(1))}},
        {"Put": {"TableName": main, "Item": dict(FULL, pk=S("t6"))}}]})
    assert status == 400, body
    assert body == {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "Message": "Transaction cancelled, please refer cancellation reasons for specific "
                   "reasons [ValidationError, None]",
        "CancellationReasons": [
            {"Code": "ValidationError", "Message": INVALID + "Type mismatch for Index Key a "
                                                   "Expected: S Actual: N IndexName: multi"},
            {"Code": "None"}]}
    assert pks(ok_query(api, main, PKCE, PV)) == ["t9", "t3", "t2", "t1"]


# --- Persistence ----------------------------------------------------------------------------

def test_index_and_schema_survive_a_restart(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server(data)
    api = Api(first)
    client = first.client()
    name = "multi_restart"
    request = main_request(name)
    request["AttributeDefinitions"] = request["AttributeDefinitions"] + defs(
        ("q1", "S"), ("q2", "N"), ("q3", "B"), ("q4", "S"), ("r1", "N"), ("r2", "S"),
        ("r3", "B"), ("r4", "N"))
    request["GlobalSecondaryIndexes"].append(
        gsi("eight", *H("q4", "q3", "q2", "q1"), *R("r4", "r3", "r2", "r1")))
    create(api, client, request)
    items = main_items()
    for item in items:
        api.put(name, item)
    for i in range(3):
        api.put(name, {"pk": S(f"e{i}"), "sk": N(i), "q1": S("q"), "q2": N(2), "q3": B(b"3"),
                       "q4": S("4"), "r4": N(-i), "r3": B(b"\x00"), "r2": S("z"), "r1": N(1)})
    eight_kce = "q1 = :q1 AND q2 = :q2 AND q3 = :q3 AND q4 = :q4 AND r4 > :r4"
    eight_values = {":q1": S("q"), ":q2": N(2), ":q3": B(b"3"), ":q4": S("4"), ":r4": N(-5)}

    def answers(api):
        return [
            api.items("Query", query_request(name, PKCE, PV)),
            api.items("Query", query_request(name, PKCE + " AND a = :a AND b >= :b",
                                             dict(PV, **{":a": S("x"), ":b": N(2)}),
                                             ScanIndexForward=False), limit=2),
            sorted(pks(api.items("Query", query_request(name, PKCE, PV, index="hashes")))),
            api.items("Query", query_request(name, eight_kce, eight_values, index="eight")),
            sorted(pks(api.items("Scan", {"TableName": name, "IndexName": "multi"}))),
        ]

    before = answers(api)
    assert pks(before[0]) == pks(partition(items))
    assert pks(before[3]) == ["e2", "e1", "e0"]
    described = api.describe(name)
    api.close()
    assert first.stop(signal.SIGTERM) == 0

    second = start_server(data)
    api = Api(second)
    try:
        assert answers(api) == before
        after = api.describe(name)
        for key in ("KeySchema", "AttributeDefinitions", "ItemCount"):
            assert after[key] == described[key], key
        by_name = lambda d: {g["IndexName"]: g for g in d["GlobalSecondaryIndexes"]}  # noqa
        for index, desc in by_name(described).items():
            for key in ("KeySchema", "Projection", "ItemCount", "IndexSizeBytes",
                        "IndexStatus"):
                assert by_name(after)[index][key] == desc[key], (index, key)
        assert by_name(after)["eight"]["KeySchema"] == keys(
            *H("q4", "q3", "q2", "q1"), *R("r4", "r3", "r2", "r1"))
        # Still writable and kept in step.
        api.put(name, dict(items[0], pk=S("new"), a=S("\u00e9"), b=N(99), c=S("zz")))
        assert pks(api.items("Query", query_request(name, PKCE, PV)))[-1] == "new"
    finally:
        api.close()
