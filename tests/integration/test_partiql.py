"""PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

Expected texts are DynamoDB's (its PartiQL documentation and answers captured from it); see
docs/compatibility.md for the few that are not confirmed.
"""

import base64
import json
import uuid

import pytest

WELL_FORMED = "Statement wasn't well formed, can't be processed: "
VALIDATION = "com.amazon.coral.validate#ValidationException"


@pytest.fixture
def orders(make_table, table_name):
    """A table keyed (pk S, sk N) with a GSI on (g S, sk N) and an LSI on (pk, l S)."""
    return make_table(
        table_name, ("pk", "S"), ("sk", "N"),
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"},
                              {"AttributeName": "g", "AttributeType": "S"},
                              {"AttributeName": "l", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "by_g",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                          {"AttributeName": "sk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}],
        LocalSecondaryIndexes=[{
            "IndexName": "by_l",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "l", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}])


def execute(call, statement, **extra):
    return call("ExecuteStatement", {"Statement": statement, **extra})


def ok(call, statement, **extra):
    status, body = execute(call, statement, **extra)
    assert status == 200, body
    return body


def error(call, statement, **extra):
    """(exception name, message) of a refused statement."""
    status, body = execute(call, statement, **extra)
    assert status == 400, body
    return body["__type"].split("#")[1], body.get("message", body.get("Message"))


def fill(call, table, partitions=("a", "b"), per_partition=5):
    for pk in partitions:
        for sk in range(per_partition):
            ok(call, f"INSERT INTO \"{table}\" VALUE {{'pk': '{pk}', 'sk': {sk}, "
                     f"'g': 'g{sk % 2}', 'v': 'v{sk}', 'n': {sk * 10}}}")


def items(body):
    return body["Items"]


def sks(body):
    return [int(i["sk"]["N"]) for i in body["Items"]]


# --- INSERT ----------------------------------------------------------------------------------

def test_insert_writes_every_literal_type(call, ddb, orders):
    body = ok(call, f"""INSERT INTO "{orders}" VALUE {{'pk': 'a', 'sk': 1.50e1, 's': 'it''s',
        'n': -12.500, 't': true, 'f': FALSE, 'z': null, 'lst': [1, 'x', [true]],
        'm': {{'k': {{'deep': 'er'}}}}, 'ss': <<'x', 'y'>>, 'ns': <<1, 2.5>>, 'b': ?}}""",
              Parameters=[{"B": base64.b64encode(b"\x00\x01").decode()}])
    assert body == {"Items": []}
    item = ddb.get_item(TableName=orders, Key={"pk": {"S": "a"}, "sk": {"N": "15"}})["Item"]
    assert item["s"] == {"S": "it's"}
    assert item["n"] == {"N": "-12.5"}
    assert item["t"] == {"BOOL": True} and item["f"] == {"BOOL": False}
    assert item["z"] == {"NULL": True}
    assert item["lst"] == {"L": [{"N": "1"}, {"S": "x"}, {"L": [{"BOOL": True}]}]}
    assert item["m"] == {"M": {"k": {"M": {"deep": {"S": "er"}}}}}
    assert sorted(item["ss"]["SS"]) == ["x", "y"]
    assert sorted(item["ns"]["NS"]) == ["1", "2.5"]
    assert item["b"] == {"B": b"\x00\x01"}


def test_insert_of_an_existing_item_is_duplicate(call, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'v': 'first'}}")
    status, body = execute(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'v': 'x'}}")
    assert status == 400
    assert body == {"__type": "com.amazonaws.dynamodb.v20120810#DuplicateItemException",
                    "message": "Duplicate primary key exists in table"}
    assert items(ok(call, f"SELECT v FROM \"{orders}\" WHERE pk = 'a'")) == [{"v": {"S": "first"}}]


def test_insert_with_parameters_and_an_item_parameter(call, ddb, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': ?, 'sk': ?, 'v': ?}}",
       Parameters=[{"S": "p"}, {"N": "7"}, {"M": {"x": {"S": "y"}}}])
    ok(call, f"INSERT INTO \"{orders}\" VALUE ?",
       Parameters=[{"M": {"pk": {"S": "p"}, "sk": {"N": "8"}}}])
    got = ddb.query(TableName=orders, KeyConditionExpression="pk = :p",
                    ExpressionAttributeValues={":p": {"S": "p"}})["Items"]
    assert [i["sk"]["N"] for i in got] == ["7", "8"]
    assert got[0]["v"] == {"M": {"x": {"S": "y"}}}


def test_insert_validates_the_item(call, orders):
    assert error(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a'}}") == (
        "ValidationException", "Key attribute should be present in the item: Key sk")
    assert error(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 'x'}}") == (
        "ValidationException",
        "Key attribute's data type should match its data type in table's schema: Key sk")
    statement = f"INSERT INTO \"{orders}\" VALUE 'x'"
    assert error(call, statement) == (
        "ValidationException",
        "Unsupported format in item expression. Please use struct format {...} to express item "
        f"values for insert statement. at 1:{statement.index(chr(39) + 'x') + 1}:3")
    # The rest as PutItem checks an item.
    assert error(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': '', 'sk': 1}}") == (
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: pk")
    assert error(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'g': 5}}")[1] == (
        "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S "
        "Actual: N IndexName: by_g")
    statement = f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'a': 1, 'a': 2}}"
    assert error(call, statement) == (
        "ValidationException",
        f"Duplicate keys in tuple. Key: a under root at 1:{statement.rindex(chr(39) + 'a') + 1}:3")


def test_set_literal_errors(call, orders):
    base = f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 's': "
    assert error(call, base + "<<>>}") == (
        "ValidationException", f"Empty bags are not supported at 1:{len(base) + 1}:2")
    assert error(call, base + "<<1, 'a'>>}") == (
        "ValidationException",
        "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags")
    assert error(call, base + "<<'a', 'a'>>}") == (
        "ValidationException",
        "One or more parameter values were invalid: Input collection [a, a] contains duplicates.")


# --- SELECT ----------------------------------------------------------------------------------

def test_select_query_with_sort_key_conditions(call, orders):
    fill(call, orders)
    q = f"SELECT * FROM \"{orders}\" WHERE pk = 'a'"
    assert sks(ok(call, q)) == [0, 1, 2, 3, 4]
    assert sks(ok(call, q + " AND sk > 2")) == [3, 4]
    assert sks(ok(call, q + " AND sk BETWEEN 1 AND 3")) == [1, 2, 3]
    assert sks(ok(call, q + " AND 2 >= sk")) == [0, 1, 2]
    # A second condition on the sort key, and conditions on other attributes, filter.
    assert sks(ok(call, q + " AND sk > 0 AND sk < 3")) == [1, 2]
    assert sks(ok(call, q + " AND v IN ['v1', 'v4'] AND NOT n = 40")) == [1]
    assert sks(ok(call, q + " AND begins_with(v, 'v3')")) == [3]


def test_select_scan_and_filters(call, orders):
    fill(call, orders)
    body = ok(call, f"SELECT * FROM \"{orders}\" WHERE n >= 30 OR v = 'v0'")
    assert sorted((i["pk"]["S"], int(i["sk"]["N"])) for i in items(body)) == [
        ("a", 0), ("a", 3), ("a", 4), ("b", 0), ("b", 3), ("b", 4)]
    assert len(items(ok(call, f"SELECT * FROM \"{orders}\""))) == 10
    assert len(items(ok(call, f"SELECT * FROM \"{orders}\" WHERE sk > 2"))) == 4
    assert len(items(ok(call, f"SELECT * FROM \"{orders}\" WHERE x IS MISSING"))) == 10
    assert len(items(ok(call, f"SELECT * FROM \"{orders}\" WHERE v IS NOT MISSING AND "
                              f"v IS STRING AND attribute_type(n, 'N')"))) == 10
    assert len(items(ok(call, f"SELECT * FROM \"{orders}\" WHERE size(v) = 2"))) == 10
    assert items(ok(call, f"SELECT * FROM \"{orders}\" WHERE contains(v, 'zz')")) == []
    assert error(call, f"SELECT * FROM \"{orders}\" WHERE attribute_type(v, 'Q')") == (
        "ValidationException",
        "Invalid attribute type name found; type: Q, valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}")
    assert error(call, f"SELECT * FROM \"{orders}\" WHERE n + 1 = 2") == (
        "ValidationException", "Unsupported operator in Condition Expression. Operator: +")
    assert error(call, f"SELECT * FROM \"{orders}\" WHERE v LIKE 'v%'") == (
        "ValidationException", "Unsupported operator in Condition Expression. Operator: like")
    statement = f"SELECT * FROM \"{orders}\" WHERE nope(v)"
    assert error(call, statement) == (
        "ValidationException", f"Unrecognized function: nope at 1:{statement.index('nope') + 1}:4")
    assert error(call, f"SELECT COUNT(*) FROM \"{orders}\"") == (
        "ValidationException", "Unexpected path component at 1:8:5")


def test_select_in_on_the_partition_key_queries_each(call, orders):
    fill(call, orders, partitions=("a", "b", "c"), per_partition=3)
    body = ok(call, f"SELECT pk, sk FROM \"{orders}\" WHERE pk IN ['c', 'a'] AND sk < 2")
    assert [(i["pk"]["S"], i["sk"]["N"]) for i in items(body)] == [
        ("c", "0"), ("c", "1"), ("a", "0"), ("a", "1")]
    body = ok(call, f"SELECT pk, sk FROM \"{orders}\" WHERE pk = 'a' OR pk = 'b'")
    assert len(items(body)) == 6


def test_order_by(call, orders):
    fill(call, orders)
    q = f"SELECT sk FROM \"{orders}\" WHERE pk = 'a'"
    assert sks(ok(call, q + " ORDER BY sk DESC")) == [4, 3, 2, 1, 0]
    assert sks(ok(call, q + " ORDER BY sk")) == [0, 1, 2, 3, 4]
    assert error(call, f"SELECT * FROM \"{orders}\" ORDER BY sk") == (
        "ValidationException",
        "Must have WHERE clause in the statement when using ORDER BY clause.")
    assert error(call, q + " ORDER BY v") == (
        "ValidationException", "Attribute v in ORDER BY clause must be part of the primary key")
    assert error(call, f"SELECT * FROM \"{orders}\" WHERE v = 'x' ORDER BY sk") == (
        "ValidationException",
        "Must have at least one non-optional hash key condition in WHERE clause when using "
        "ORDER BY clause.")


def test_projection_names_values_by_their_leaf(call, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'profile': "
             f"{{'sub': 'x', 'more': {{'deep': 1}}}}, 'tags': ['t0', 't1', 't2'], 'v': 'v'}}")
    body = ok(call, f"SELECT profile.sub, tags[1], profile.more.deep, v, absent "
                    f"FROM \"{orders}\" WHERE pk = 'a'")
    assert items(body) == [{"sub": {"S": "x"}, "tags[1]": {"S": "t1"}, "deep": {"N": "1"},
                            "v": {"S": "v"}}]


def test_limit_and_next_token_walk_every_item_once(call, orders):
    fill(call, orders, partitions=("a", "b", "c"), per_partition=4)
    for statement in (f"SELECT * FROM \"{orders}\"",
                      f"SELECT * FROM \"{orders}\" WHERE pk = 'b'",
                      f"SELECT * FROM \"{orders}\" WHERE pk IN ['c', 'a', 'b'] AND sk > 0",
                      f"SELECT * FROM \"{orders}\" WHERE pk = 'a' AND v <> 'v1'"):
        seen, token, pages = [], None, 0
        while True:
            extra = {"Limit": 3, **({"NextToken": token} if token else {})}
            body = ok(call, statement, **extra)
            pages += 1
            assert len(items(body)) <= 3
            seen += [(i["pk"]["S"], i["sk"]["N"]) for i in items(body)]
            token = body.get("NextToken")
            if "LastEvaluatedKey" in body:
                assert token is not None
            if token is None:
                break
        unpaged = [(i["pk"]["S"], i["sk"]["N"]) for i in items(ok(call, statement))]
        assert seen == unpaged, statement
        assert len(set(seen)) == len(seen)
        assert pages >= 2, statement


def test_next_token_errors(call, orders):
    fill(call, orders)
    token = ok(call, f"SELECT * FROM \"{orders}\"", Limit=1)["NextToken"]
    assert error(call, f"SELECT * FROM \"{orders}\" WHERE sk > 0", NextToken=token) == (
        "ValidationException", "NextToken does not match request")
    assert error(call, f"SELECT * FROM \"{orders}\"", NextToken="bm90IGEgdG9rZW4=") == (
        "ValidationException", "Invalid NextToken")
    assert error(call, f"SELECT * FROM \"{orders}\"", NextToken="!!!") == (
        "ValidationException", "Invalid NextToken")


def test_select_from_an_index(call, orders):
    fill(call, orders)
    ok(call, f"UPDATE \"{orders}\" SET l = 'L' WHERE pk = 'a' AND sk = 2")
    body = ok(call, f"SELECT pk, sk FROM \"{orders}\".\"by_g\" WHERE g = 'g1'")
    assert sorted((i["pk"]["S"], int(i["sk"]["N"])) for i in items(body)) == [
        ("a", 1), ("a", 3), ("b", 1), ("b", 3)]
    assert len(items(ok(call, f"SELECT * FROM \"{orders}\".\"by_g\""))) == 10
    # A local index reaches attributes it does not project.
    assert items(ok(call, f"SELECT v FROM \"{orders}\".\"by_l\" WHERE pk = 'a'",
                    ConsistentRead=True)) == [{"v": {"S": "v2"}}]
    assert error(call, f"SELECT * FROM \"{orders}\".\"nope\"") == (
        "ValidationException", "The table does not have the specified index")
    assert error(call, f"SELECT * FROM \"{orders}\".\"by_g\" WHERE g = 'g1'",
                 ConsistentRead=True) == (
        "ValidationException", "Strongly consistent read is not supported on Global Secondary Indexes")


def test_select_capacity(call, orders):
    fill(call, orders)
    body = ok(call, f"SELECT * FROM \"{orders}\" WHERE pk = 'a'", ReturnConsumedCapacity="TOTAL",
              ConsistentRead=True)
    assert body["ConsumedCapacity"] == {"TableName": orders, "CapacityUnits": 1.0}
    body = ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'z', 'sk': 1}}",
              ReturnConsumedCapacity="TOTAL")
    assert body["ConsumedCapacity"] == {"TableName": orders, "CapacityUnits": 1.0}
    assert "ConsumedCapacity" not in ok(call, f"SELECT * FROM \"{orders}\"")


# --- UPDATE ----------------------------------------------------------------------------------

def test_update_set_remove_and_functions(call, ddb, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'n': 5, 'lst': [1], "
             f"'ss': <<'x'>>, 'gone': 1, 'm': {{'k': 1}}}}")
    ok(call, f"""UPDATE "{orders}" SET n = n + 10 SET lst = list_append(lst, [2, 3])
                 SET ss = set_add(ss, <<'y', 'z'>>) SET m.k = 2, fresh = 'f' REMOVE gone
                 WHERE pk = 'a' AND sk = 1""")
    ok(call, f"UPDATE \"{orders}\" SET ss = set_delete(ss, <<'x'>>) SET n = 1 - n "
             f"WHERE pk = 'a' AND sk = 1")
    item = ddb.get_item(TableName=orders, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"]
    assert item["n"] == {"N": "-14"}
    assert item["lst"] == {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]}
    assert sorted(item["ss"]["SS"]) == ["y", "z"]
    assert item["m"] == {"M": {"k": {"N": "2"}}}
    assert item["fresh"] == {"S": "f"}
    assert "gone" not in item


def test_update_returning(call, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'n': 1, 'o': 'o'}}")
    where = "WHERE pk = 'a' AND sk = 1"
    assert items(ok(call, f"UPDATE \"{orders}\" SET n = 2 {where} RETURNING MODIFIED OLD *")) == \
        [{"n": {"N": "1"}}]
    assert items(ok(call, f"UPDATE \"{orders}\" SET n = 3 {where} RETURNING MODIFIED NEW *")) == \
        [{"n": {"N": "3"}}]
    assert items(ok(call, f"UPDATE \"{orders}\" SET n = 4 {where} RETURNING ALL OLD *")) == \
        [{"pk": {"S": "a"}, "sk": {"N": "1"}, "n": {"N": "3"}, "o": {"S": "o"}}]
    assert items(ok(call, f"UPDATE \"{orders}\" SET n = 5 {where} RETURNING ALL NEW *")) == \
        [{"pk": {"S": "a"}, "sk": {"N": "1"}, "n": {"N": "5"}, "o": {"S": "o"}}]
    assert ok(call, f"UPDATE \"{orders}\" SET n = 6 {where}") == {"Items": []}


def test_update_of_a_missing_item_fails_and_creates_nothing(call, ddb, orders):
    assert error(call, f"UPDATE \"{orders}\" SET v = 1 WHERE pk = 'x' AND sk = 1") == (
        "ConditionalCheckFailedException", "The conditional request failed")
    assert "Item" not in ddb.get_item(TableName=orders, Key={"pk": {"S": "x"}, "sk": {"N": "1"}})


def test_update_condition_and_return_values_on_failure(call, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'state': 'open'}}")
    statement = f"UPDATE \"{orders}\" SET state = 'closed' WHERE pk = 'a' AND sk = 1 AND state = ?"
    status, body = execute(call, statement, Parameters=[{"S": "closed"}],
                           ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert status == 400
    assert body["__type"].endswith("#ConditionalCheckFailedException")
    assert body["Item"] == {"pk": {"S": "a"}, "sk": {"N": "1"}, "state": {"S": "open"}}
    ok(call, statement, Parameters=[{"S": "open"}])
    assert items(ok(call, f"SELECT state FROM \"{orders}\" WHERE pk = 'a'")) == [
        {"state": {"S": "closed"}}]


def test_update_errors(call, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'n': 1, 's': <<'x'>>}}")
    assert error(call, f"UPDATE \"{orders}\" SET v = 1 WHERE pk = 'a'") == (
        "ValidationException",
        "Where clause does not contain a mandatory equality on all key attributes")
    assert error(call, f"UPDATE \"{orders}\" SET v = 1 WHERE pk = 'a' OR sk = 1")[1] == (
        "Where clause does not contain a mandatory equality on all key attributes")
    assert error(call, f"UPDATE \"{orders}\" SET pk = 'b' WHERE pk = 'a' AND sk = 1") == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute "
        "is part of the key")
    assert error(call, f"UPDATE \"{orders}\" SET n = n + 'x' WHERE pk = 'a' AND sk = 1") == (
        "ValidationException",
        "Incorrect operand type for operator or function; operator or function: +, operand "
        "type: S")
    assert error(call, f"UPDATE \"{orders}\" SET s = set_add(s, <<1>>) WHERE pk = 'a' AND sk = 1") == (
        "ValidationException", "An operand in the update expression has an incorrect data type")
    assert error(call, f"UPDATE \"{orders}\" SET t = set_add(s, <<'y'>>) "
                       f"WHERE pk = 'a' AND sk = 1")[1].startswith(
        "The first argument to SET_ADD must equal the assignment value")
    assert error(call, f"UPDATE \"{orders}\" SET s = set_add(s, 'y') "
                       f"WHERE pk = 'a' AND sk = 1")[1].startswith(
        "The second argument to SET_ADD must be a value with type SET")
    assert error(call, f"UPDATE \"{orders}\" SET s = nope(s) WHERE pk = 'a' AND sk = 1")[1] \
        .startswith("Unrecognized function: nope")


# --- DELETE ----------------------------------------------------------------------------------

def test_delete(call, ddb, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'v': 'x'}}")
    # A false extra predicate refuses; a missing item is no error.
    assert error(call, f"DELETE FROM \"{orders}\" WHERE pk = 'a' AND sk = 1 AND v = 'y'") == (
        "ConditionalCheckFailedException", "The conditional request failed")
    assert ok(call, f"DELETE FROM \"{orders}\" WHERE pk = 'a' AND sk = 9 AND v = 'y'") == \
        {"Items": []}
    body = ok(call, f"DELETE FROM \"{orders}\" WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *")
    assert items(body) == [{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "x"}}]
    assert "Item" not in ddb.get_item(TableName=orders, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})
    assert ok(call, f"DELETE FROM \"{orders}\" WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *") == \
        {"Items": []}
    assert error(call, f"DELETE FROM \"{orders}\" WHERE pk = 'a' AND sk = 1 "
                       f"RETURNING MODIFIED OLD *") == (
        "ValidationException",
        "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed "
        "in DELETE statements.")
    assert error(call, f"DELETE FROM \"{orders}\" WHERE v = 'x'")[1] == (
        "Where clause does not contain a mandatory equality on all key attributes")


# --- Statement-level errors ------------------------------------------------------------------

def test_syntax_errors(call, orders):
    cases = {
        "SLECT * FROM t": WELL_FORMED + "Expected data manipulation",
        f"SELECT * FROM \"{orders}\" WHERE": WELL_FORMED + "Unexpected term",
        f"SELECT * FROM \"{orders}\" WHERE pk = 'a' AND":
            WELL_FORMED + "Missing right-hand side expression of infix operator",
        f"SELECT * FROM \"{orders}\" WHERE pk = 'a' x": WELL_FORMED + "Unexpected token after expression",
        "DELETE FROM WHERE pk = 'a'": WELL_FORMED + "Expected identifier for simple path",
        f"SELECT * FROM \"{orders}\" o": "Aliasing is not supported",
        f"SELECT * FROM \"{orders}\" WHERE # x": WELL_FORMED,
    }
    for statement, message in cases.items():
        status, body = execute(call, statement)
        assert (status, body) == (400, {"__type": VALIDATION, "message": message}), statement


def test_missing_table_and_exists_outside_transactions(call):
    assert error(call, "SELECT * FROM \"no_such_table\" WHERE pk = 'a'") == (
        "ResourceNotFoundException", "Requested resource not found")
    assert error(call, "INSERT INTO \"no_such_table\" VALUE {'pk': 'a'}") == (
        "ResourceNotFoundException", "Requested resource not found")
    assert error(call, "EXISTS(SELECT * FROM \"no_such_table\" WHERE pk = 'a' AND v = 1)") == (
        "ValidationException", "EXISTS can only be used in ExecuteTransaction write requests.")


def test_parameters_and_request_constraints(call, orders):
    assert error(call, f"SELECT * FROM \"{orders}\" WHERE pk = ?") == (
        "ValidationException", "Number of parameters in request and statement don't match.")
    assert error(call, f"SELECT * FROM \"{orders}\" WHERE pk = ?",
                 Parameters=[{"S": "a"}, {"S": "b"}])[1] == (
        "Number of parameters in request and statement don't match.")
    assert error(call, f"SELECT * FROM \"{orders}\"", Parameters=[]) == (
        "ValidationException",
        "1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1")
    assert error(call, f"SELECT * FROM \"{orders}\"", Limit=0)[1] == (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1")
    long_statement = f"SELECT * FROM \"{orders}\" WHERE v = '{'x' * 8200}'"
    assert error(call, long_statement)[1].endswith(
        "at 'statement' failed to satisfy constraint: Member must have length less than or "
        "equal to 8192")
    status, body = call("ExecuteStatement", {})
    assert (status, body["message"]) == (400, (
        "1 validation error detected: Value null at 'statement' failed to satisfy constraint: "
        "Member must not be null"))
    status, body = call("ExecuteStatement", {"Statement": 5})
    assert status == 400 and body["__type"].endswith("#SerializationException")
    assert error(call, f"SELECT * FROM \"{orders}\" WHERE pk = ?",
                 Parameters=[{"N": "x"}])[0] == "ValidationException"


# --- BatchExecuteStatement -------------------------------------------------------------------

def test_batch_writes_answer_each_statement(call, ddb, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1}}")
    status, body = call("BatchExecuteStatement", {"Statements": [
        {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 2}}"},
        {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1}}"},
        {"Statement": f"UPDATE \"{orders}\" SET v = ? WHERE pk = 'a' AND sk = 1",
         "Parameters": [{"S": "set"}]},
        {"Statement": f"UPDATE \"{orders}\" SET v = 1 WHERE pk = 'a' AND sk = 99"},
        {"Statement": "SLECT"},
        {"Statement": "INSERT INTO \"no_such_table\" VALUE {'pk': 'a'}"},
        {"Statement": f"DELETE FROM \"{orders}\" WHERE pk = 'a' AND sk = 2 RETURNING ALL OLD *"},
    ], "ReturnConsumedCapacity": "TOTAL"})
    assert status == 200, body
    assert body["Responses"] == [
        {"TableName": orders},
        {"TableName": orders, "Error": {"Code": "DuplicateItem",
                                        "Message": "Duplicate primary key exists in table"}},
        {"TableName": orders},
        {"TableName": orders, "Error": {"Code": "ConditionalCheckFailed",
                                        "Message": "The conditional request failed"}},
        {"Error": {"Code": "ValidationError",
                   "Message": WELL_FORMED + "Expected data manipulation"}},
        {"Error": {"Code": "ResourceNotFound", "Message": "Requested resource not found"}},
        {"TableName": orders, "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}}},
    ]
    assert [c["TableName"] for c in body["ConsumedCapacity"]] == [orders]
    assert body["ConsumedCapacity"][0]["CapacityUnits"] >= 3
    item = ddb.get_item(TableName=orders, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"]
    assert item["v"] == {"S": "set"}


def test_batch_reads(call, orders):
    fill(call, orders, per_partition=2)
    status, body = call("BatchExecuteStatement", {"Statements": [
        {"Statement": f"SELECT v FROM \"{orders}\" WHERE pk = 'a' AND sk = 1"},
        {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = ? AND sk = ?",
         "Parameters": [{"S": "b"}, {"N": "0"}], "ConsistentRead": True},
        {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'zz' AND sk = 0"},
        {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'a'"},
        {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'a' AND sk = 1 AND v = 'v1'"},
    ], "ReturnConsumedCapacity": "TOTAL"})
    assert status == 200, body
    must = ("Select statements within BatchExecuteStatement must specify the primary key in the "
            "where clause.")
    assert body["Responses"] == [
        {"TableName": orders, "Item": {"v": {"S": "v1"}}},
        {"TableName": orders, "Item": {"pk": {"S": "b"}, "sk": {"N": "0"}, "g": {"S": "g0"},
                                       "v": {"S": "v0"}, "n": {"N": "0"}}},
        {"TableName": orders},
        {"Error": {"Code": "ValidationError", "Message": must}},
        {"Error": {"Code": "ValidationError", "Message": must}},
    ]
    assert body["ConsumedCapacity"] == [{"TableName": orders, "CapacityUnits": 2.0}]


def test_batch_request_errors(call, orders):
    status, body = call("BatchExecuteStatement", {"Statements": [
        {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'a' AND sk = 1"},
        {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1}}"}]})
    assert (status, body["message"]) == (
        400, "Read and write requests together in the same batch is not supported.")
    status, body = call("BatchExecuteStatement", {"Statements": [
        {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': {i}}}"}
        for i in range(26)]})
    assert status == 400
    assert body["message"].startswith("1 validation error detected: Value '[")
    assert body["message"].endswith(
        "at 'statements' failed to satisfy constraint: Member must have length less than or "
        "equal to 25")
    status, body = call("BatchExecuteStatement", {"Statements": []})
    assert body["message"] == (
        "1 validation error detected: Value '[]' at 'statements' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1")


# --- ExecuteTransaction ----------------------------------------------------------------------

def test_transaction_is_all_or_nothing(call, ddb, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'n': 1}}")
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 5, 'flag': true}}")
    statements = [
        {"Statement": f"UPDATE \"{orders}\" SET n = n + 1 WHERE pk = 'a' AND sk = 1"},
        {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 2}}"},
        {"Statement": f"DELETE FROM \"{orders}\" WHERE pk = 'a' AND sk = 3"},
        {"Statement": f"EXISTS(SELECT * FROM \"{orders}\" WHERE pk = 'a' AND sk = 5 AND flag = ?)",
         "Parameters": [{"BOOL": True}]},
    ]
    status, body = call("ExecuteTransaction", {"TransactStatements": statements,
                                               "ReturnConsumedCapacity": "TOTAL"})
    assert status == 200, body
    assert body["Responses"] == []
    assert body["ConsumedCapacity"] == [{"TableName": orders, "CapacityUnits": 8.0,
                                         "WriteCapacityUnits": 8.0}]
    # Again, with the condition check failing too: both refusals reported, nothing applied.
    ok(call, f"UPDATE \"{orders}\" SET flag = false WHERE pk = 'a' AND sk = 5")
    status, body = call("ExecuteTransaction", {"TransactStatements": statements})
    assert status == 400
    assert body["__type"].endswith("#TransactionCanceledException")
    assert body["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ValidationError", "Message": "Duplicate primary key exists in table"},
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}]
    assert body["Message"] == ("Transaction cancelled, please refer cancellation reasons for "
                               "specific reasons [None, ValidationError, None, "
                               "ConditionalCheckFailed]")
    item = ddb.get_item(TableName=orders, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"]
    assert item["n"] == {"N": "2"}


def test_transaction_reads(call, orders):
    fill(call, orders, per_partition=2)
    status, body = call("ExecuteTransaction", {"TransactStatements": [
        {"Statement": f"SELECT v, n FROM \"{orders}\" WHERE pk = 'a' AND sk = 1"},
        {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'zz' AND sk = 1"}]})
    assert status == 200, body
    assert body["Responses"] == [{"Item": {"v": {"S": "v1"}, "n": {"N": "10"}}}, {}]


def test_transaction_errors(call, orders):
    key = "pk = 'a' AND sk = 1"
    cases = [
        ([f"SELECT * FROM \"{orders}\" WHERE {key}", f"DELETE FROM \"{orders}\" WHERE {key}"],
         "ExecuteTransaction API does not support both read and write operations in the same "
         "request."),
        ([f"DELETE FROM \"{orders}\" WHERE {key}", f"UPDATE \"{orders}\" SET v = 1 WHERE pk = 'a'"],
         "Validation failed in TransactStatements[1]: Where clause does not contain a mandatory "
         "equality on all key attributes"),
        ([f"DELETE FROM \"{orders}\" WHERE {key} RETURNING ALL OLD *"],
         "Validation failed in TransactStatements[0]: RETURNING clause is not supported in "
         "ExecuteTransaction."),
        ([f"SELECT * FROM \"{orders}\" WHERE pk = 'a'"],
         "Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction "
         "must specify the primary key in the where clause."),
        ([f"SELECT * FROM \"{orders}\".\"by_g\" WHERE g = 'a' AND sk = 1"],
         "Validation failed in TransactStatements[0]: Reads on indices are not supported within "
         "transactions."),
        ([f"EXISTS(SELECT * FROM \"{orders}\" WHERE {key})"],
         "Validation failed in TransactStatements[0]: EXISTS() must contain a single item read "
         "with additional condition"),
        (["SELECT * FROM"],
         "Validation failed in TransactStatements[0]: " + WELL_FORMED + "Unexpected term"),
    ]
    for statements, message in cases:
        status, body = call("ExecuteTransaction",
                            {"TransactStatements": [{"Statement": s} for s in statements]})
        assert (status, body.get("message")) == (400, message), statements


def test_transaction_client_request_token(call, ddb, orders):
    ok(call, f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1, 'n': 0}}")
    request = {"TransactStatements": [
        {"Statement": f"UPDATE \"{orders}\" SET n = n + 1 WHERE pk = 'a' AND sk = 1"}],
        "ClientRequestToken": f"partiql-{uuid.uuid4().hex[:20]}"}
    for _ in range(3):
        status, body = call("ExecuteTransaction", request)
        assert status == 200, body
    item = ddb.get_item(TableName=orders, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"]
    assert item["n"] == {"N": "1"}
    request["TransactStatements"][0]["Statement"] += " AND n = 1"
    status, body = call("ExecuteTransaction", request)
    assert status == 400
    assert body["__type"].endswith("#IdempotentParameterMismatchException")


# --- Clients ---------------------------------------------------------------------------------

def test_boto3_resource_style_calls(ddb, orders):
    ddb.execute_statement(Statement=f"INSERT INTO \"{orders}\" VALUE {{'pk': ?, 'sk': ?}}",
                          Parameters=[{"S": "boto"}, {"N": "1"}])
    got = ddb.execute_statement(Statement=f"SELECT * FROM \"{orders}\" WHERE pk = ?",
                                Parameters=[{"S": "boto"}])
    assert got["Items"] == [{"pk": {"S": "boto"}, "sk": {"N": "1"}}]
    with pytest.raises(ddb.exceptions.DuplicateItemException):
        ddb.execute_statement(Statement=f"INSERT INTO \"{orders}\" VALUE {{'pk': 'boto', 'sk': 1}}")
    result = ddb.batch_execute_statement(Statements=[
        {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'boto' AND sk = 1"}])
    assert result["Responses"][0]["Item"]["pk"] == {"S": "boto"}
    ddb.execute_transaction(TransactStatements=[
        {"Statement": f"DELETE FROM \"{orders}\" WHERE pk = 'boto' AND sk = 1"}])
    assert ddb.execute_statement(
        Statement=f"SELECT * FROM \"{orders}\" WHERE pk = 'boto'")["Items"] == []


def test_aws_cli(aws, orders):
    code, out, err = aws("execute-statement", "--statement",
                         f"INSERT INTO \"{orders}\" VALUE {{'pk': 'cli', 'sk': 1, 'v': 'x'}}")
    assert code == 0, err
    code, out, err = aws("execute-statement", "--statement",
                         f"SELECT * FROM \"{orders}\" WHERE pk = ?",
                         "--parameters", json.dumps([{"S": "cli"}]))
    assert code == 0, err
    assert out["Items"] == [{"pk": {"S": "cli"}, "sk": {"N": "1"}, "v": {"S": "x"}}]
    code, out, err = aws("batch-execute-statement", "--statements", json.dumps([
        {"Statement": f"UPDATE \"{orders}\" SET v = 'y' WHERE pk = 'cli' AND sk = 1"}]))
    assert code == 0, err
    code, out, err = aws("execute-transaction", "--transact-statements", json.dumps([
        {"Statement": f"SELECT v FROM \"{orders}\" WHERE pk = 'cli' AND sk = 1"}]))
    assert code == 0, err
    assert out["Responses"] == [{"Item": {"v": {"S": "y"}}}]
    code, out, err = aws("execute-statement", "--statement",
                         f"INSERT INTO \"{orders}\" VALUE {{'pk': 'cli', 'sk': 1}}")
    assert code != 0 and "DuplicateItemException" in err
