"""Secondary indexes: a single-table design with three GSIs (one with a multi-attribute key) and
an LSI, kept in step by PutItem,
UpdateItem and DeleteItem; what index queries return; their LastEvaluatedKey; DescribeTable's
index statistics; wrong-typed index keys; a randomised comparison with a model; and table and
index agreeing after a kill -9 in the middle of writes."""

import http.client
import random
import signal
import threading
import time
from decimal import Decimal

import pytest

from conftest import KeepAliveClient, item_size, wait_for_table

VALIDATION = "com.amazon.coral.validate#ValidationException"
INVALID = "One or more parameter values were invalid: "

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


def validation(message):
    return 400, {"__type": VALIDATION, "message": message}


# --- The schema ---

TABLE_KEY = ("PK", "SK")
INDEXES = {
    # name: (hash attributes, range attributes, projected non-key attributes or None for ALL)
    "gsi1": (("GSI1PK",), ("GSI1SK",), None),
    "gsi2": (("GSI2PK",), (), ("status",)),
    "lsi1": (("PK",), ("LSI1SK",), ("title",)),
    # A multi-attribute key, KEYS_ONLY: sorted by (LSI1SK, GSI1SK) within (GSI2PK, GSI1PK).
    "gsi3": (("GSI2PK", "GSI1PK"), ("LSI1SK", "GSI1SK"), ()),
}


def schema_request(name):
    defs = [("PK", "S"), ("SK", "S"), ("GSI1PK", "S"), ("GSI1SK", "S"), ("GSI2PK", "S"),
            ("LSI1SK", "N")]
    return {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in defs],
        "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"},
                      {"AttributeName": "SK", "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [
            {"IndexName": "gsi1", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "GSI1PK", "KeyType": "HASH"},
                           {"AttributeName": "GSI1SK", "KeyType": "RANGE"}]},
            {"IndexName": "gsi2",
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["status"]},
             "KeySchema": [{"AttributeName": "GSI2PK", "KeyType": "HASH"}]},
            {"IndexName": "gsi3", "Projection": {"ProjectionType": "KEYS_ONLY"},
             "KeySchema": [{"AttributeName": n, "KeyType": t} for n, t in (
                 ("GSI2PK", "HASH"), ("GSI1PK", "HASH"), ("LSI1SK", "RANGE"),
                 ("GSI1SK", "RANGE"))]}],
        "LocalSecondaryIndexes": [
            {"IndexName": "lsi1",
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]},
             "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"},
                           {"AttributeName": "LSI1SK", "KeyType": "RANGE"}]}],
    }


def in_index(index, item):
    hashes, ranges, _ = INDEXES[index]
    return all(n in item for n in hashes + ranges)


def projected(index, item):
    """The index entry DynamoDB keeps for `item`, or None when the item is not indexed."""
    if not in_index(index, item):
        return None
    hashes, ranges, include = INDEXES[index]
    if include is None:
        return dict(item)
    names = set(TABLE_KEY) | set(hashes) | set(ranges) | set(include)
    return {n: v for n, v in item.items() if n in names}


def tkey(item):
    return (item["PK"]["S"], item["SK"]["S"])


class Api(KeepAliveClient):
    """Requests over one keep-alive connection to a server."""

    def query_index(self, table, index, value, limit=None, **extra):
        """`value`: the partition key's value, or a tuple of them for a multi-attribute key."""
        hashes = INDEXES[index][0]
        values = value if isinstance(value, tuple) else (value,)
        return self.items("Query", dict({
            "TableName": table, "IndexName": index,
            "KeyConditionExpression": " AND ".join(f"#h{i} = :h{i}" for i in range(len(hashes))),
            "ExpressionAttributeNames": {f"#h{i}": n for i, n in enumerate(hashes)},
            "ExpressionAttributeValues": {f":h{i}": v for i, v in enumerate(values)}},
            **extra), limit)

    def scan(self, table, index=None, limit=None):
        request = {"TableName": table}
        if index:
            request["IndexName"] = index
        return self.items("Scan", request, limit)



@pytest.fixture
def api(server):
    a = Api(server)
    yield a
    a.close()


@pytest.fixture
def app(api, ddb, table_name):
    api.ok("CreateTable", schema_request(table_name))
    wait_for_table(ddb, table_name)
    return table_name


def entries(api, table, index, value, **extra):
    return {tkey(i): i for i in api.query_index(table, index, value, **extra)}


USER = {"PK": S("USER#1"), "SK": S("PROFILE"), "GSI1PK": S("EMAIL#a@x"), "GSI1SK": S("USER#1"),
        "GSI2PK": S("ACTIVE"), "LSI1SK": N(5), "status": S("ok"), "title": S("Dr"),
        "bio": S("long text")}
USER_KEY = {"PK": S("USER#1"), "SK": S("PROFILE")}


def test_writes_keep_every_index_in_step(api, app):
    api.ok("PutItem", {"TableName": app, "Item": USER})
    assert entries(api, app, "gsi1", S("EMAIL#a@x")) == {("USER#1", "PROFILE"): USER}
    assert entries(api, app, "gsi2", S("ACTIVE")) == {
        ("USER#1", "PROFILE"): projected("gsi2", USER)}
    assert entries(api, app, "lsi1", S("USER#1")) == {
        ("USER#1", "PROFILE"): projected("lsi1", USER)}

    # Moving the item to another GSI partition: gone from the old one, present in the new.
    api.ok("UpdateItem", {"TableName": app, "Key": USER_KEY,
                          "UpdateExpression": "SET GSI1PK = :e, #s = :s",
                          "ExpressionAttributeNames": {"#s": "status"},
                          "ExpressionAttributeValues": {":e": S("EMAIL#b@x"), ":s": S("new")}})
    current = dict(USER, GSI1PK=S("EMAIL#b@x"), status=S("new"))
    assert entries(api, app, "gsi1", S("EMAIL#a@x")) == {}
    assert entries(api, app, "gsi1", S("EMAIL#b@x")) == {("USER#1", "PROFILE"): current}
    # A projected attribute's new value reaches the INCLUDE index.
    assert entries(api, app, "gsi2", S("ACTIVE"))[("USER#1", "PROFILE")]["status"] == S("new")

    # An attribute the index does not project changes nothing there.
    api.ok("UpdateItem", {"TableName": app, "Key": USER_KEY, "UpdateExpression": "SET bio = :b",
                          "ExpressionAttributeValues": {":b": S("short")}})
    current["bio"] = S("short")
    assert entries(api, app, "gsi2", S("ACTIVE")) == {
        ("USER#1", "PROFILE"): projected("gsi2", current)}
    assert entries(api, app, "gsi1", S("EMAIL#b@x")) == {("USER#1", "PROFILE"): current}

    # Removing the GSI key: the item leaves that (sparse) index only.
    api.ok("UpdateItem", {"TableName": app, "Key": USER_KEY, "UpdateExpression": "REMOVE GSI2PK"})
    del current["GSI2PK"]
    assert entries(api, app, "gsi2", S("ACTIVE")) == {}
    assert entries(api, app, "gsi1", S("EMAIL#b@x")) == {("USER#1", "PROFILE"): current}
    # Removing only the range key of gsi1 takes it out of gsi1 too.
    api.ok("UpdateItem", {"TableName": app, "Key": USER_KEY, "UpdateExpression": "REMOVE GSI1SK"})
    del current["GSI1SK"]
    assert entries(api, app, "gsi1", S("EMAIL#b@x")) == {}
    # Setting it back puts it back.
    api.ok("UpdateItem", {"TableName": app, "Key": USER_KEY,
                          "UpdateExpression": "SET GSI1SK = :k, GSI2PK = :a",
                          "ExpressionAttributeValues": {":k": S("X"), ":a": S("ACTIVE")}})
    current.update(GSI1SK=S("X"), GSI2PK=S("ACTIVE"))
    assert entries(api, app, "gsi1", S("EMAIL#b@x")) == {("USER#1", "PROFILE"): current}
    assert set(entries(api, app, "gsi2", S("ACTIVE"))) == {("USER#1", "PROFILE")}

    # LSI range key changes move the entry within the partition.
    other = {"PK": S("USER#1"), "SK": S("ORDER#1"), "LSI1SK": N(3), "title": S("o1")}
    api.ok("PutItem", {"TableName": app, "Item": other})
    lsi = api.query_index(app, "lsi1", S("USER#1"))
    assert [i["SK"]["S"] for i in lsi] == ["ORDER#1", "PROFILE"]
    api.ok("UpdateItem", {"TableName": app, "Key": USER_KEY, "UpdateExpression": "SET LSI1SK = :n",
                          "ExpressionAttributeValues": {":n": N(1)}})
    lsi = api.query_index(app, "lsi1", S("USER#1"))
    assert [(i["SK"]["S"], i["LSI1SK"]["N"]) for i in lsi] == [("PROFILE", "1"), ("ORDER#1", "3")]

    # A failed conditional write changes no index.
    status, body = api("PutItem", {"TableName": app, "Item": dict(USER, GSI1PK=S("EMAIL#c@x")),
                                   "ConditionExpression": "attribute_not_exists(PK)"})
    assert status == 400
    assert entries(api, app, "gsi1", S("EMAIL#c@x")) == {}

    # PutItem replacing the item without the GSI keys: out of both GSIs.
    api.ok("PutItem", {"TableName": app, "Item": dict(USER_KEY, LSI1SK=N(9), status=S("x"))})
    assert entries(api, app, "gsi1", S("EMAIL#b@x")) == {}
    assert entries(api, app, "gsi2", S("ACTIVE")) == {}
    assert [i["SK"]["S"] for i in api.query_index(app, "lsi1", S("USER#1"))] == [
        "ORDER#1", "PROFILE"]

    # DeleteItem: gone from every index.
    api.ok("PutItem", {"TableName": app, "Item": USER})
    api.ok("DeleteItem", {"TableName": app, "Key": USER_KEY})
    for index in INDEXES:
        assert all(tkey(i) != ("USER#1", "PROFILE") for i in api.scan(app, index)), index
    assert [tkey(i) for i in api.scan(app, "lsi1")] == [("USER#1", "ORDER#1")]
    assert api.scan(app, "gsi1") == [] and api.scan(app, "gsi2") == []


def test_index_queries_return_projected_attributes(api, app):
    api.ok("PutItem", {"TableName": app, "Item": USER})
    [gsi2] = api.query_index(app, "gsi2", S("ACTIVE"))
    assert gsi2 == {"PK": USER["PK"], "SK": USER["SK"], "GSI2PK": USER["GSI2PK"],
                    "status": USER["status"]}
    [lsi] = api.query_index(app, "lsi1", S("USER#1"))
    assert lsi == {"PK": USER["PK"], "SK": USER["SK"], "LSI1SK": USER["LSI1SK"],
                   "title": USER["title"]}
    assert api.query_index(app, "lsi1", S("USER#1"), Select="ALL_PROJECTED_ATTRIBUTES") == [lsi]
    assert api.query_index(app, "gsi1", S("EMAIL#a@x")) == [USER]
    # An LSI fetches the rest of the item from the table.
    assert api.query_index(app, "lsi1", S("USER#1"), Select="ALL_ATTRIBUTES") == [USER]
    assert api.query_index(app, "lsi1", S("USER#1"), ProjectionExpression="bio, title") == [
        {"bio": USER["bio"], "title": USER["title"]}]
    # A GSI cannot.
    status, body = api("Query", {"TableName": app, "IndexName": "gsi2",
                                 "KeyConditionExpression": "GSI2PK = :h",
                                 "ExpressionAttributeValues": {":h": S("ACTIVE")},
                                 "Select": "ALL_ATTRIBUTES"})
    assert (status, body) == validation(
        INVALID + "Select type ALL_ATTRIBUTES is not supported for global secondary index gsi2 "
                  "because its projection type is not ALL")
    # A GSI with ALL may be asked for ALL_ATTRIBUTES.
    assert api.query_index(app, "gsi1", S("EMAIL#a@x"), Select="ALL_ATTRIBUTES") == [USER]


def test_index_last_evaluated_key_and_duplicate_keys(api, app):
    # Ten items share one gsi1 key (hash and range) and one gsi2 key; duplicates are allowed.
    items = [{"PK": S(f"P{i % 3}"), "SK": S(f"S{i}"), "GSI1PK": S("same"), "GSI1SK": S("same"),
              "GSI2PK": S("dup"), "LSI1SK": N(7), "status": S(str(i))} for i in range(10)]
    for item in items:
        api.ok("PutItem", {"TableName": app, "Item": item})
    expected = sorted(tkey(i) for i in items)
    for index, value, key_names in [
            ("gsi1", S("same"), {"PK", "SK", "GSI1PK", "GSI1SK"}),
            ("gsi2", S("dup"), {"PK", "SK", "GSI2PK"}),
            ("lsi1", S("P0"), {"PK", "SK", "LSI1SK"})]:
        want = [k for k in expected if index != "lsi1" or k[0] == "P0"]
        for forward in (True, False):
            for limit in (1, 3):
                pages = api.pages("Query", {
                    "TableName": app, "IndexName": index,
                    "KeyConditionExpression": "#h = :h", "ScanIndexForward": forward,
                    "ExpressionAttributeNames": {"#h": INDEXES[index][0][0]},
                    "ExpressionAttributeValues": {":h": value}}, limit)
                seen = [tkey(i) for p in pages for i in p["Items"]]
                assert sorted(seen) == want and len(seen) == len(set(seen)), (index, forward)
                for page in pages[:-1]:
                    last = page["Items"][-1]
                    assert page["LastEvaluatedKey"] == {n: last[n] for n in key_names}
        # Reverse order is the forward order reversed, ties included.
        fwd = [tkey(i) for i in api.query_index(app, index, value)]
        rev = [tkey(i) for i in api.query_index(app, index, value, ScanIndexForward=False)]
        assert rev == fwd[::-1]
    # The same through a scan of the index.
    pages = api.pages("Scan", {"TableName": app, "IndexName": "gsi1"}, 4)
    assert sorted(tkey(i) for p in pages for i in p["Items"]) == expected
    assert set(pages[0]["LastEvaluatedKey"]) == {"PK", "SK", "GSI1PK", "GSI1SK"}


def check_describe_matches(api, table):
    description = api.describe(table)
    table_items = api.scan(table)
    assert description["ItemCount"] == len(table_items)
    assert description["TableSizeBytes"] >= sum(item_size(i) for i in table_items)
    indexes = {i["IndexName"]: i for i in description.get("GlobalSecondaryIndexes", []) +
               description.get("LocalSecondaryIndexes", [])}
    assert set(indexes) == set(INDEXES)
    for name, desc in indexes.items():
        found = api.scan(table, name)
        want = [projected(name, i) for i in table_items if in_index(name, i)]
        assert sorted(map(tkey, found)) == sorted(map(tkey, want)), name
        assert desc["ItemCount"] == len(found), name
        assert desc["IndexSizeBytes"] == sum(item_size(e) for e in want), name


def test_describe_table_index_statistics(api, app):
    check_describe_matches(api, app)
    items = [dict(USER, PK=S(f"USER#{i}"), GSI1PK=S(f"EMAIL#{i}")) for i in range(5)]
    items += [{"PK": S("X"), "SK": S("only-lsi"), "LSI1SK": N(42), "title": S("t" * 50)},
              {"PK": S("X"), "SK": S("only-gsi2"), "GSI2PK": S("g"), "bio": S("b" * 70)}]
    for item in items:
        api.ok("PutItem", {"TableName": app, "Item": item})
    check_describe_matches(api, app)
    api.ok("UpdateItem", {"TableName": app, "Key": {"PK": S("USER#0"), "SK": S("PROFILE")},
                          "UpdateExpression": "REMOVE GSI2PK SET title = :t",
                          "ExpressionAttributeValues": {":t": S("much longer title")}})
    api.ok("DeleteItem", {"TableName": app, "Key": {"PK": S("USER#1"), "SK": S("PROFILE")}})
    api.ok("PutItem", {"TableName": app, "Item": dict(USER, PK=S("USER#2"), LSI1SK=N(77))})
    check_describe_matches(api, app)
    described = {i["IndexName"]: i["ItemCount"] for i in
                 api.describe(app)["GlobalSecondaryIndexes"] +
                 api.describe(app)["LocalSecondaryIndexes"]}
    assert described == {"gsi1": 4, "gsi2": 4, "gsi3": 3, "lsi1": 5}


@pytest.mark.parametrize("attribute,value,message", [
    ("GSI1PK", N(1), "Type mismatch for Index Key GSI1PK Expected: S Actual: N IndexName: gsi1"),
    ("GSI1SK", {"B": "AA=="},
     "Type mismatch for Index Key GSI1SK Expected: S Actual: B IndexName: gsi1"),
    ("GSI2PK", {"SS": ["a"]},
     "Type mismatch for Index Key GSI2PK Expected: S Actual: SS IndexName: gsi2"),
    ("LSI1SK", S("5"), "Type mismatch for Index Key LSI1SK Expected: N Actual: S IndexName: lsi1"),
])
def test_wrong_typed_index_key_is_rejected_and_nothing_stored(api, app, attribute, value,
                                                              message):
    item = dict(USER, **{attribute: value})
    assert api("PutItem", {"TableName": app, "Item": item}) == validation(INVALID + message)
    assert api("GetItem", {"TableName": app, "Key": USER_KEY, "ConsistentRead": True}) == (200, {})
    for index in INDEXES:
        assert api.scan(app, index) == []
    assert api.describe(app)["ItemCount"] == 0
    # The same through UpdateItem on a new item.
    status, body = api("UpdateItem", {"TableName": app, "Key": USER_KEY,
                                      "UpdateExpression": "SET #a = :v, extra = :o",
                                      "ExpressionAttributeNames": {"#a": attribute},
                                      "ExpressionAttributeValues": {":v": value, ":o": S("o")}})
    assert (status, body) == validation(INVALID + message)
    assert api("GetItem", {"TableName": app, "Key": USER_KEY, "ConsistentRead": True}) == (200, {})
    # An existing item is left as it was.
    api.ok("PutItem", {"TableName": app, "Item": USER})
    assert api("PutItem", {"TableName": app, "Item": item}) == validation(INVALID + message)
    assert api.ok("GetItem", {"TableName": app, "Key": USER_KEY,
                              "ConsistentRead": True})["Item"] == USER
    assert entries(api, app, "gsi1", S("EMAIL#a@x")) == {("USER#1", "PROFILE"): USER}


# --- Randomised comparison with a model ---

PKS = ["p0", "p1", "p2"]
SKS = ["s0", "s1", "s2", "s3", "s4"]
GSI1_HASHES = ["g0", "g1", "g2"]
GSI2_HASHES = ["h0", "h1"]


def random_value(rng, name):
    if name == "GSI1PK":
        return S(rng.choice(GSI1_HASHES))
    if name == "GSI1SK":
        return S(rng.choice(["a", "b", "c"]))
    if name == "GSI2PK":
        return S(rng.choice(GSI2_HASHES))
    if name == "LSI1SK":
        return N(rng.randint(1, 4))
    if name == "title":
        return S("t" * rng.randint(1, 20))
    return rng.choice([S("x" * rng.randint(0, 10)), N(rng.randint(1, 999)),
                       {"M": {"k": S("v")}}, {"BOOL": True}])


OPTIONAL = ["GSI1PK", "GSI1SK", "GSI2PK", "LSI1SK", "status", "title", "other"]


def test_random_writes_match_a_model(api, app):
    rng = random.Random(20260101)
    model = {}
    counts = {"put": 0, "update": 0, "delete": 0, "rejected": 0}
    for step in range(300):
        key = {"PK": S(rng.choice(PKS)), "SK": S(rng.choice(SKS))}
        k = tkey(key)
        roll = rng.random()
        if roll < 0.4:
            item = dict(key)
            for name in OPTIONAL:
                if rng.random() < 0.6:
                    item[name] = random_value(rng, name)
            if rng.random() < 0.05:  # a wrong-typed index key: rejected, nothing changes
                item["GSI1PK"] = N(1)
                status, body = api("PutItem", {"TableName": app, "Item": item})
                assert status == 400 and "Type mismatch" in body["message"], body
                counts["rejected"] += 1
                continue
            api.ok("PutItem", {"TableName": app, "Item": item})
            model[k] = item
            counts["put"] += 1
        elif roll < 0.8:
            sets, removes = {}, []
            for name in OPTIONAL:
                r = rng.random()
                if r < 0.3:
                    sets[name] = random_value(rng, name)
                elif r < 0.45:
                    removes.append(name)
            parts = []
            names = {f"#{n}": n for n in list(sets) + removes}
            values = {f":{n}": v for n, v in sets.items()}
            if sets:
                parts.append("SET " + ", ".join(f"#{n} = :{n}" for n in sets))
            if removes:
                parts.append("REMOVE " + ", ".join(f"#{n}" for n in removes))
            request = {"TableName": app, "Key": key}
            if parts:
                request["UpdateExpression"] = " ".join(parts)
                request["ExpressionAttributeNames"] = names
            if values:
                request["ExpressionAttributeValues"] = values
            api.ok("UpdateItem", request)
            if k in model or sets or not parts:
                item = dict(model.get(k, key))
                item.update(sets)
                for name in removes:
                    item.pop(name, None)
                model[k] = item
            counts["update"] += 1
        else:
            api.ok("DeleteItem", {"TableName": app, "Key": key})
            model.pop(k, None)
            counts["delete"] += 1
    assert min(counts.values()) > 0, counts

    # The table.
    assert {tkey(i): i for i in api.scan(app)} == model
    # Every partition of every index, as sets of table keys, and the entries' contents.
    partitions = {"gsi1": [(S(h),) for h in GSI1_HASHES], "gsi2": [(S(h),) for h in GSI2_HASHES],
                  "lsi1": [(S(p),) for p in PKS],
                  "gsi3": [(S(a), S(b)) for a in GSI2_HASHES for b in GSI1_HASHES]}
    for index, values in partitions.items():
        hashes, ranges, _ = INDEXES[index]
        assert any(in_index(index, i) for i in model.values()), index  # something to check
        for value in values:
            want = {k: projected(index, i) for k, i in model.items()
                    if in_index(index, i) and tuple(i[h] for h in hashes) == value}
            found = api.query_index(app, index, value, ConsistentRead=index == "lsi1")
            assert {tkey(i): i for i in found} == want, (index, value)
            assert len(found) == len(want)
            # In index range-key order: the range attributes' values as a tuple.
            order = [tuple(Decimal(i[r]["N"]) if "N" in i[r] else i[r]["S"] for r in ranges)
                     for i in found]
            assert order == sorted(order), (index, value)
        assert sorted(map(tkey, api.scan(app, index, limit=7))) == sorted(
            k for k, i in model.items() if in_index(index, i)), index
    check_describe_matches(api, app)


# --- A kill -9 in the middle of indexed writes ---

def test_table_and_index_agree_after_kill_9(start_server, tmp_path):
    data = tmp_path / "data"
    srv = start_server(data)
    api = Api(srv)
    request = schema_request("crash")
    del request["LocalSecondaryIndexes"]
    request["GlobalSecondaryIndexes"] = [i for i in request["GlobalSecondaryIndexes"]
                                         if i["IndexName"] != "gsi3"]
    request["AttributeDefinitions"] = [d for d in request["AttributeDefinitions"]
                                       if d["AttributeName"] != "LSI1SK"]
    api.ok("CreateTable", request)
    wait_for_table(srv.client(), "crash")

    acked = {}     # key -> item (None: deleted), from writes the server acknowledged
    in_flight = {}  # key -> the state a write being sent when the server died would leave
    stop = threading.Event()
    errors = []
    done = [0]

    def writer():
        rng = random.Random(99)
        conn_api = Api(srv)
        try:
            for n in range(100000):
                if stop.is_set():
                    return
                key = {"PK": S(f"p{rng.randint(0, 40)}"), "SK": S(f"s{rng.randint(0, 5)}")}
                k = tkey(key)
                roll = rng.random()
                if roll < 0.6:
                    item = dict(key, GSI1PK=S(f"g{rng.randint(0, 9)}"),
                                GSI1SK=S(f"r{n}"), GSI2PK=S(f"h{rng.randint(0, 3)}"),
                                status=S("s" * rng.randint(0, 50)),
                                pad=S("x" * rng.randint(0, 500)))
                    in_flight.clear()
                    in_flight[k] = item
                    status, _ = conn_api("PutItem", {"TableName": "crash", "Item": item})
                elif roll < 0.85:
                    new = S(f"g{rng.randint(0, 9)}")
                    before = acked.get(k)
                    after = dict(before or key, GSI1PK=new)
                    after.pop("GSI2PK", None)
                    in_flight.clear()
                    in_flight[k] = after
                    status, _ = conn_api("UpdateItem", {
                        "TableName": "crash", "Key": key,
                        "UpdateExpression": "SET GSI1PK = :g REMOVE GSI2PK",
                        "ExpressionAttributeValues": {":g": new}})
                else:
                    in_flight.clear()
                    in_flight[k] = None
                    status, _ = conn_api("DeleteItem", {"TableName": "crash", "Key": key})
                assert status == 200
                acked[k] = in_flight[k]
                done[0] += 1
        except (OSError, http.client.HTTPException):
            return  # the server was killed
        except Exception as e:  # surfaced below
            errors.append(e)

    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.monotonic() + 10
    while done[0] < 1500 and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.02)
    assert srv.stop(signal.SIGKILL) == -signal.SIGKILL
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []
    assert done[0] >= 1500 and len(acked) >= 200

    again = start_server(data)
    api = Api(again)
    table_items = {tkey(i): i for i in api.scan("crash", limit=50)}
    # Every acknowledged write is there (the one in flight may or may not have landed).
    for k, state in acked.items():
        allowed = [state] + ([in_flight[k]] if k in in_flight else [])
        assert table_items.get(k) in allowed, k
    description = api.describe("crash")
    assert description["ItemCount"] == len(table_items)
    counts = {i["IndexName"]: i["ItemCount"] for i in description["GlobalSecondaryIndexes"]}
    for index in ("gsi1", "gsi2"):
        found = api.scan("crash", index, limit=50)
        by_key = {tkey(e): e for e in found}
        assert len(by_key) == len(found), index  # one entry per item
        want = {k: projected(index, i) for k, i in table_items.items() if in_index(index, i)}
        assert by_key == want, index
        assert counts[index] == len(found), index
        # And each entry is found under its own index key.
        hash_name = INDEXES[index][0][0]
        for value in {e[hash_name]["S"] for e in found}:
            got = api.query_index("crash", index, S(value))
            assert {tkey(e) for e in got} == {k for k, e in want.items()
                                               if e[hash_name] == S(value)}
    assert again.stop(signal.SIGTERM) == 0
