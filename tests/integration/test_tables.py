"""Control plane: CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable,
DescribeLimits, DescribeEndpoints."""

import re
import time

import pytest

from conftest import table_request, wait_for_table

VALIDATION = "com.amazon.coral.validate#ValidationException"
NOT_FOUND = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
IN_USE = "com.amazonaws.dynamodb.v20120810#ResourceInUseException"
INVALID = "One or more parameter values were invalid: "
UUID_V4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"
ARN = r"arn:aws:dynamodb:{region}:\d{{12}}:table/{name}"


def validation(message):
    return 400, {"__type": VALIDATION, "message": message}


def constraint_errors(body):
    """Splits an 'N validation errors detected: a; b' message into (N, sorted entries).

    DynamoDB's order of the entries is not stable, so tests compare them as a set.
    """
    assert body["__type"] == VALIDATION, body
    match = re.fullmatch(r"(\d+) validation errors? detected: (.*)", body["message"], re.S)
    assert match, body["message"]
    entries = match.group(2).split("; ")
    count = int(match.group(1))
    assert body["message"].startswith(f"{count} validation {'error' if count == 1 else 'errors'} ")
    return count, sorted(entries)


def entry(value, path, constraint):
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def provisioned(read=5, write=5):
    return {"BillingMode": "PROVISIONED",
            "ProvisionedThroughput": {"ReadCapacityUnits": read, "WriteCapacityUnits": write}}


def pt(read=5, write=5):
    return {"ReadCapacityUnits": read, "WriteCapacityUnits": write}


def keys(*pairs):
    return [{"AttributeName": name, "KeyType": kind} for name, kind in pairs]


def attrs(*pairs):
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in pairs]


def projection(kind="ALL", non_key=None):
    p = {"ProjectionType": kind}
    if non_key is not None:
        p["NonKeyAttributes"] = non_key
    return p


def lsi(name, range_attr="c", hash_attr="pk", proj=None):
    return {"IndexName": name, "KeySchema": keys((hash_attr, "HASH"), (range_attr, "RANGE")),
            "Projection": projection() if proj is None else proj}


def gsi(name, hash_attr="g", throughput=None, proj=None):
    index = {"IndexName": name, "KeySchema": keys((hash_attr, "HASH")),
             "Projection": projection() if proj is None else proj}
    if throughput:
        index["ProvisionedThroughput"] = throughput
    return index


# --- CreateTable: successful variants ---------------------------------------------------

def test_create_hash_only_provisioned_table(ddb, table_name, wait_active):
    before = time.time()
    created = ddb.create_table(
        TableName=table_name, AttributeDefinitions=attrs(("pk", "S")),
        KeySchema=keys(("pk", "HASH")), ProvisionedThroughput=pt(5, 7))["TableDescription"]
    assert created["TableName"] == table_name
    assert created["TableStatus"] == "CREATING"
    assert created["AttributeDefinitions"] == attrs(("pk", "S"))
    assert created["KeySchema"] == keys(("pk", "HASH"))
    assert created["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0,
                                                "ReadCapacityUnits": 5, "WriteCapacityUnits": 7}
    assert created["ItemCount"] == 0 and created["TableSizeBytes"] == 0
    assert re.fullmatch(UUID_V4, created["TableId"])
    assert re.fullmatch(ARN.format(region="us-east-1", name=table_name), created["TableArn"])
    assert before - 5 <= created["CreationDateTime"].timestamp() <= time.time() + 5
    for absent in ["BillingModeSummary", "LocalSecondaryIndexes", "GlobalSecondaryIndexes",
                   "StreamSpecification", "LatestStreamArn", "SSEDescription"]:
        assert absent not in created

    described = wait_active(ddb, table_name)
    assert described["TableId"] == created["TableId"]
    assert described["CreationDateTime"] == created["CreationDateTime"]


def test_describe_table_raw_shape(call, make_table, table_name):
    make_table(table_name, **provisioned(3, 4))
    status, body = call("DescribeTable", {"TableName": table_name})
    assert status == 200
    table = body["Table"]
    assert isinstance(table["CreationDateTime"], (int, float))
    assert table["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0,
                                              "ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
    assert table["DeletionProtectionEnabled"] is False
    assert table["TableStatus"] == "ACTIVE"
    assert {"AttributeDefinitions", "TableName", "KeySchema", "TableStatus", "CreationDateTime",
            "ProvisionedThroughput", "TableSizeBytes", "ItemCount", "TableArn",
            "TableId"} <= set(table)


def test_create_hash_and_range_table_sorts_attribute_definitions(ddb, table_name):
    created = ddb.create_table(
        TableName=table_name, AttributeDefinitions=attrs(("zeta", "S"), ("Alpha", "N")),
        KeySchema=keys(("zeta", "HASH"), ("Alpha", "RANGE")),
        ProvisionedThroughput=pt())["TableDescription"]
    assert created["AttributeDefinitions"] == attrs(("Alpha", "N"), ("zeta", "S"))
    assert created["KeySchema"] == keys(("zeta", "HASH"), ("Alpha", "RANGE"))


def test_create_pay_per_request_table(ddb, table_name, wait_active):
    created = ddb.create_table(
        TableName=table_name, AttributeDefinitions=attrs(("pk", "B")),
        KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST")["TableDescription"]
    assert created["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0,
                                                "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    assert created["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert wait_active(ddb, table_name)["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_create_table_with_local_secondary_indexes(ddb, table_name, wait_active):
    created = ddb.create_table(
        TableName=table_name,
        AttributeDefinitions=attrs(("pk", "S"), ("sk", "S"), ("c", "N"), ("d", "B")),
        KeySchema=keys(("pk", "HASH"), ("sk", "RANGE")), ProvisionedThroughput=pt(),
        LocalSecondaryIndexes=[lsi("by_c", "c"),
                               lsi("by_d", "d", proj=projection("INCLUDE", ["x", "b", "a"])),
                               lsi("by_c_keys", "c", proj=projection("KEYS_ONLY"))],
    )["TableDescription"]
    table = wait_active(ddb, table_name)
    for description in (created, table):
        indexes = {i["IndexName"]: i for i in description["LocalSecondaryIndexes"]}
        assert set(indexes) == {"by_c", "by_d", "by_c_keys"}
        assert indexes["by_c"] == {
            "IndexName": "by_c", "KeySchema": keys(("pk", "HASH"), ("c", "RANGE")),
            "Projection": {"ProjectionType": "ALL"}, "IndexSizeBytes": 0, "ItemCount": 0,
            "IndexArn": f"{description['TableArn']}/index/by_c"}
        assert indexes["by_d"]["Projection"] == {"ProjectionType": "INCLUDE",
                                                 "NonKeyAttributes": ["a", "b", "x"]}
        assert indexes["by_c_keys"]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
        assert description["AttributeDefinitions"] == attrs(("c", "N"), ("d", "B"), ("pk", "S"),
                                                            ("sk", "S"))


def test_create_table_with_global_secondary_indexes(ddb, table_name, wait_active):
    created = ddb.create_table(
        TableName=table_name,
        AttributeDefinitions=attrs(("pk", "S"), ("g", "S"), ("h", "N")),
        KeySchema=keys(("pk", "HASH")), ProvisionedThroughput=pt(),
        GlobalSecondaryIndexes=[
            gsi("by_g", "g", pt(2, 3)),
            {"IndexName": "by_g_h", "KeySchema": keys(("g", "HASH"), ("h", "RANGE")),
             "Projection": projection("INCLUDE", ["y", "x"]), "ProvisionedThroughput": pt(4, 6)},
        ])["TableDescription"]
    table = wait_active(ddb, table_name)
    for description in (created, table):
        indexes = {i["IndexName"]: i for i in description["GlobalSecondaryIndexes"]}
        assert indexes["by_g"]["IndexStatus"] in ("CREATING", "ACTIVE")
        assert indexes["by_g"]["KeySchema"] == keys(("g", "HASH"))
        assert indexes["by_g"]["Projection"] == {"ProjectionType": "ALL"}
        assert indexes["by_g"]["ProvisionedThroughput"] == {
            "NumberOfDecreasesToday": 0, "ReadCapacityUnits": 2, "WriteCapacityUnits": 3}
        assert indexes["by_g"]["IndexSizeBytes"] == 0 and indexes["by_g"]["ItemCount"] == 0
        assert indexes["by_g"]["IndexArn"] == f"{description['TableArn']}/index/by_g"
        assert indexes["by_g_h"]["Projection"] == {"ProjectionType": "INCLUDE",
                                                   "NonKeyAttributes": ["x", "y"]}
    assert all(i["IndexStatus"] == "ACTIVE" for i in table["GlobalSecondaryIndexes"])


def test_create_pay_per_request_table_with_gsi(ddb, table_name, wait_active):
    ddb.create_table(TableName=table_name, AttributeDefinitions=attrs(("pk", "S"), ("g", "N")),
                     KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST",
                     GlobalSecondaryIndexes=[gsi("by_g", "g")])
    index = wait_active(ddb, table_name)["GlobalSecondaryIndexes"][0]
    assert index["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0,
                                              "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}


def test_create_table_with_stream(ddb, table_name, wait_active):
    created = ddb.create_table(
        TableName=table_name, AttributeDefinitions=attrs(("pk", "S")),
        KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    assert created["StreamSpecification"] == {"StreamEnabled": True,
                                              "StreamViewType": "NEW_AND_OLD_IMAGES"}
    label = created["LatestStreamLabel"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}", label)
    assert created["LatestStreamArn"] == f"{created['TableArn']}/stream/{label}"
    # The label is the creation time in UTC.
    utc = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created["CreationDateTime"].timestamp()))
    assert abs(time.mktime(time.strptime(label[:19], "%Y-%m-%dT%H:%M:%S"))
               - time.mktime(time.strptime(utc, "%Y-%m-%dT%H:%M:%S"))) <= 2
    assert wait_active(ddb, table_name)["LatestStreamArn"] == created["LatestStreamArn"]


def test_create_table_with_stream_disabled_has_no_stream_arn(ddb, table_name):
    created = ddb.create_table(
        TableName=table_name, AttributeDefinitions=attrs(("pk", "S")),
        KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": False})["TableDescription"]
    assert "LatestStreamArn" not in created and "LatestStreamLabel" not in created


def test_create_table_with_sse(ddb, unique_name):
    enabled = ddb.create_table(
        TableName=unique_name(), AttributeDefinitions=attrs(("pk", "S")),
        KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True})["TableDescription"]
    assert enabled["SSEDescription"]["Status"] == "ENABLED"
    assert enabled["SSEDescription"]["SSEType"] == "KMS"
    assert enabled["SSEDescription"]["KMSMasterKeyArn"].startswith("arn:aws:kms:us-east-1:")
    disabled = ddb.create_table(
        TableName=unique_name(), AttributeDefinitions=attrs(("pk", "S")),
        KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": False})["TableDescription"]
    assert "SSEDescription" not in disabled


def test_create_table_with_tags(ddb, table_name, wait_active):
    ddb.create_table(TableName=table_name, AttributeDefinitions=attrs(("pk", "S")),
                     KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST",
                     Tags=[{"Key": "team", "Value": "storage"}, {"Key": "env", "Value": ""}])
    assert wait_active(ddb, table_name)["TableName"] == table_name


def test_create_table_with_infrequent_access_class(ddb, table_name, wait_active):
    created = ddb.create_table(
        TableName=table_name, AttributeDefinitions=attrs(("pk", "S")),
        KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST",
        TableClass="STANDARD_INFREQUENT_ACCESS")["TableDescription"]
    assert created["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    table = wait_active(ddb, table_name)
    assert table["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"


def test_create_table_with_deletion_protection(call, table_name, wait_active, ddb):
    status, body = call("CreateTable", table_request(table_name, DeletionProtectionEnabled=True))
    assert status == 200, body
    assert body["TableDescription"]["DeletionProtectionEnabled"] is True
    wait_active(ddb, table_name)
    assert call("DescribeTable", {"TableName": table_name})[1]["Table"][
        "DeletionProtectionEnabled"] is True
    assert call("DeleteTable", {"TableName": table_name}) == validation(
        "Resource cannot be deleted as it is currently protected against deletion. "
        "Disable deletion protection first.")
    status, body = call("UpdateTable", {"TableName": table_name,
                                        "DeletionProtectionEnabled": False})
    assert status == 200, body
    wait_active(ddb, table_name)
    assert call("DeleteTable", {"TableName": table_name})[0] == 200


def test_table_arns_use_the_region_of_the_credential_scope(server, table_name, wait_active):
    client = server.client(region="eu-west-1")
    created = client.create_table(
        TableName=table_name, AttributeDefinitions=attrs(("pk", "S"), ("g", "S")),
        KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[gsi("by_g", "g")],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]
    assert re.fullmatch(ARN.format(region="eu-west-1", name=table_name), created["TableArn"])
    assert created["GlobalSecondaryIndexes"][0]["IndexArn"].startswith("arn:aws:dynamodb:eu-west-1:")
    assert created["LatestStreamArn"].startswith("arn:aws:dynamodb:eu-west-1:")
    described = wait_active(client, table_name)
    assert described["TableArn"] == created["TableArn"]


def test_create_existing_table_is_resource_in_use(call, make_table, table_name):
    make_table(table_name)
    assert call("CreateTable", table_request(table_name)) == (
        400, {"__type": IN_USE, "message": f"Table already exists: {table_name}"})


# --- CreateTable: constraint validation ----------------------------------------------------

def test_create_table_without_table_name(call):
    request = table_request("x")
    del request["TableName"]
    assert call("CreateTable", request) == validation(
        "The parameter 'TableName' is required but was not present in the request")


@pytest.mark.parametrize("name", ["", "ab", "a" * 256])
def test_create_table_with_bad_table_name_length(call, name):
    assert call("CreateTable", table_request(name)) == validation(
        "TableName must be at least 3 characters long and at most 255 characters long")


def test_create_table_with_only_bad_table_name(call):
    status, body = call("CreateTable", {"TableName": "abc;"})
    assert status == 400
    assert constraint_errors(body) == (3, sorted([
        entry(None, "attributeDefinitions", "Member must not be null"),
        entry("abc;", "tableName",
              "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
        entry(None, "keySchema", "Member must not be null"),
    ]))


def test_create_table_with_non_ascii_table_name(call):
    assert call("CreateTable", table_request("tåble")) == validation(
        "1 validation error detected: " + entry(
            "tåble", "tableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"))


def test_create_table_key_schema_member_constraints(call, table_name):
    request = table_request(table_name)
    request["KeySchema"] = [{"KeyType": "HASH"}, {"AttributeName": "a", "KeyType": "Woop"}]
    status, body = call("CreateTable", request)
    assert status == 400
    assert constraint_errors(body) == (2, sorted([
        entry(None, "keySchema.1.member.attributeName", "Member must not be null"),
        entry("Woop", "keySchema.2.member.keyType",
              "Member must satisfy enum value set: [HASH, RANGE]"),
    ]))


def test_create_table_negative_throughput_and_empty_key_schema(call, table_name):
    request = table_request(table_name, **provisioned(-1, -1))
    request["KeySchema"] = []
    status, body = call("CreateTable", request)
    assert status == 400
    assert constraint_errors(body) == (3, sorted([
        entry("-1", "provisionedThroughput.writeCapacityUnits",
              "Member must have value greater than or equal to 1"),
        entry("-1", "provisionedThroughput.readCapacityUnits",
              "Member must have value greater than or equal to 1"),
        entry("[]", "keySchema", "Member must have length greater than or equal to 1"),
    ]))


def test_create_table_with_set_attribute_type(call, table_name):
    request = table_request(table_name)
    request["AttributeDefinitions"][0]["AttributeType"] = "SS"
    assert call("CreateTable", request) == validation(
        "1 validation error detected: " + entry(
            "SS", "attributeDefinitions.1.member.attributeType",
            "Member must satisfy enum value set: [B, N, S]"))


def test_create_table_reports_at_most_ten_constraint_errors(call, table_name):
    request = table_request(table_name, ("pk", "S"), ("sk", "S"))
    request["LocalSecondaryIndexes"] = [{} for _ in range(9)]
    status, body = call("CreateTable", request)
    assert status == 400
    count, entries = constraint_errors(body)
    assert count == 10 and len(entries) == 10
    assert body["message"].startswith("10 validation errors detected: ")
    assert all(e.startswith("Value null at 'localSecondaryIndexes.") for e in entries)


# --- CreateTable: semantic validation (§4.1) ----------------------------------------------

def _create_error_cases():
    t = "semantic_err_table"
    hash_only = attrs(("pk", "S"))
    both = attrs(("pk", "S"), ("sk", "S"))
    with_c = attrs(("pk", "S"), ("sk", "S"), ("c", "S"))

    def req(defs=hash_only, schema=(("pk", "HASH"),), **extra):
        request = {"TableName": t, "AttributeDefinitions": defs, "KeySchema": keys(*schema)}
        request.update(extra)
        return request

    range_schema = (("pk", "HASH"), ("sk", "RANGE"))
    ppr = {"BillingMode": "PAY_PER_REQUEST"}
    prov = {"ProvisionedThroughput": pt()}
    return [
        ("no-throughput", req(),
         INVALID + "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                   "BillingMode is PROVISIONED"),
        ("explicit-provisioned-no-throughput", req(BillingMode="PROVISIONED"),
         INVALID + "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                   "BillingMode is PROVISIONED"),
        ("ppr-with-throughput", req(**ppr, **prov),
         INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                   "BillingMode is PAY_PER_REQUEST"),
        ("read-out-of-bounds", req(ProvisionedThroughput=pt(1000000000001, 1000000000001)),
         "Given value 1000000000001 for ReadCapacityUnits is out of bounds"),
        ("write-out-of-bounds", req(ProvisionedThroughput=pt(1000000000000, 1000000000001)),
         "Given value 1000000000001 for WriteCapacityUnits is out of bounds"),
        ("range-not-defined", req(hash_only, range_schema, **prov),
         "Invalid KeySchema: Some index key attribute have no definition"),
        ("ppr-no-definitions", req([], **ppr),
         "Invalid KeySchema: Some index key attribute have no definition"),
        ("hash-not-defined", req(attrs(("b", "S")), **prov),
         INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
                   "Keys: [pk], AttributeDefinitions: [b]"),
        ("same-name-twice", req(both, (("pk", "HASH"), ("pk", "RANGE")), **prov),
         "Both the Hash Key and the Range Key element in the KeySchema have the same name"),
        ("range-first", req(both, (("pk", "RANGE"), ("sk", "HASH")), **prov),
         "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
        ("range-only", req(hash_only, (("pk", "RANGE"),), **prov),
         "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
        ("hash-hash", req(both, (("pk", "HASH"), ("sk", "HASH")), **prov),
         "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"),
        ("extra-definition", req(both, **prov),
         INVALID + "Number of attributes in KeySchema does not exactly match number of "
                   "attributes defined in AttributeDefinitions"),
        ("extra-definition-range", req(with_c, range_schema, **prov),
         INVALID + "Number of attributes in KeySchema does not exactly match number of "
                   "attributes defined in AttributeDefinitions"),
        ("empty-lsi-list", req(both, range_schema, **prov, LocalSecondaryIndexes=[]),
         INVALID + "List of LocalSecondaryIndexes is empty"),
        ("lsi-on-hash-only-table",
         req(attrs(("pk", "S"), ("c", "S")), **prov, LocalSecondaryIndexes=[lsi("abc")]),
         INVALID + "Table KeySchema does not have a range key, which is required when "
                   "specifying a LocalSecondaryIndex"),
        ("lsi-without-range", req(with_c, range_schema, **prov, LocalSecondaryIndexes=[
            {"IndexName": "abc", "KeySchema": keys(("pk", "HASH")), "Projection": projection()}]),
         INVALID + "Index KeySchema does not have a range key for index: abc"),
        ("lsi-other-hash", req(with_c, range_schema, **prov,
                               LocalSecondaryIndexes=[lsi("abc", "sk", hash_attr="c")]),
         INVALID + "Index KeySchema does not have the same leading hash key as table KeySchema "
                   "for index: abc. index hash key: c, table hash key: pk"),
        ("lsi-range-first", req(with_c, range_schema, **prov, LocalSecondaryIndexes=[
            {"IndexName": "abc", "KeySchema": keys(("pk", "RANGE"), ("c", "HASH")),
             "Projection": projection()}]),
         "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
        ("lsi-empty-projection", req(with_c, range_schema, **prov,
                                     LocalSecondaryIndexes=[lsi("abc", proj={})]),
         INVALID + "Unknown ProjectionType: null"),
        ("lsi-all-with-non-key", req(with_c, range_schema, **prov, LocalSecondaryIndexes=[
            lsi("abc", proj=projection("ALL", ["x"]))]),
         INVALID + "ProjectionType is ALL, but NonKeyAttributes is specified"),
        ("lsi-keys-only-with-non-key", req(with_c, range_schema, **prov, LocalSecondaryIndexes=[
            lsi("abc", proj=projection("KEYS_ONLY", ["x"]))]),
         INVALID + "ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified"),
        ("lsi-include-without-non-key", req(with_c, range_schema, **prov, LocalSecondaryIndexes=[
            lsi("abc", proj=projection("INCLUDE"))]),
         INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"),
        ("duplicate-lsi-name", req(with_c, range_schema, **prov,
                                   LocalSecondaryIndexes=[lsi("abc"), lsi("abc")]),
         INVALID + "Duplicate index name: abc"),
        ("too-many-lsis", req(with_c, range_schema, **prov,
                              LocalSecondaryIndexes=[lsi(f"idx{i}") for i in range(6)]),
         INVALID + "Number of LocalSecondaryIndexes exceeds per-table limit of 5"),
        ("empty-gsi-list", req(**prov, GlobalSecondaryIndexes=[]),
         INVALID + "List of GlobalSecondaryIndexes is empty"),
        ("gsi-empty-projection", req(attrs(("pk", "S"), ("g", "S")), **prov,
                                     GlobalSecondaryIndexes=[gsi("abc", throughput=pt(),
                                                                 proj={})]),
         INVALID + "Unknown ProjectionType: null"),
        ("duplicate-lsi-gsi-name", req(attrs(("pk", "S"), ("sk", "S"), ("c", "S"), ("g", "S")),
                                       range_schema, **prov,
                                       LocalSecondaryIndexes=[lsi("abc")],
                                       GlobalSecondaryIndexes=[gsi("abc", throughput=pt())]),
         INVALID + "Duplicate index name: abc"),
        ("too-many-gsis", req(attrs(("pk", "S"), ("g", "S")), **prov, GlobalSecondaryIndexes=[
            gsi(f"gsi{i:02}", throughput=pt()) for i in range(21)]),
         INVALID + "GlobalSecondaryIndex count exceeds the per-table limit of 20"),
        ("gsi-without-throughput", req(attrs(("pk", "S"), ("g", "S")), **prov,
                                       GlobalSecondaryIndexes=[gsi("abc")]),
         INVALID + "ProvisionedThroughput is not specified for index: abc"),
        ("ppr-gsi-with-throughput", req(attrs(("pk", "S"), ("g", "S")), **ppr,
                                        GlobalSecondaryIndexes=[gsi("abc", throughput=pt())]),
         INVALID + "ProvisionedThroughput should not be specified for index: abc when "
                   "BillingMode is PAY_PER_REQUEST"),
        ("stream-enabled-without-view", req(**ppr, StreamSpecification={"StreamEnabled": True}),
         INVALID + "Table is being created with a stream enabled, UpdateViewType is required"),
        ("stream-disabled-with-view", req(**ppr, StreamSpecification={
            "StreamEnabled": False, "StreamViewType": "KEYS_ONLY"}),
         INVALID + "Table is being created with a stream disabled, UpdateViewType should not "
                   "be specified"),
        ("bad-table-class", req(**ppr, TableClass="GLACIER"),
         "Invalid table-class parameter provided. Please try again with a valid table-class "
         "value: [STANDARD, STANDARD_INFREQUENT_ACCESS]."),
    ]


@pytest.mark.parametrize("request_body,message",
                         [case[1:] for case in _create_error_cases()],
                         ids=[case[0] for case in _create_error_cases()])
def test_create_table_semantic_errors(call, table_name, request_body, message):
    request_body = dict(request_body, TableName=table_name)
    assert call("CreateTable", request_body) == validation(message)
    assert call("DescribeTable", {"TableName": table_name})[0] == 400


def test_create_table_lsi_key_not_defined(call, table_name):
    request = table_request(table_name, ("pk", "S"), ("sk", "S"), **provisioned(),
                            LocalSecondaryIndexes=[lsi("abc", "c")])
    status, body = call("CreateTable", request)
    assert (status, body["__type"]) == (400, VALIDATION)
    # The order inside the brackets is not fixed.
    assert re.fullmatch(re.escape(INVALID + "Some index key attributes are not defined in "
                                  "AttributeDefinitions. Keys: ") + r"\[(pk, c|c, pk)\], "
                        r"AttributeDefinitions: \[(pk, sk|sk, pk)\]", body["message"]), body


# --- DescribeTable ----------------------------------------------------------------------

def test_describe_missing_table(call, table_name):
    assert call("DescribeTable", {"TableName": table_name}) == (
        400, {"__type": NOT_FOUND,
              "message": f"Requested resource not found: Table: {table_name} not found"})


def test_describe_table_without_name(call):
    assert call("DescribeTable", {}) == validation(
        "The parameter 'TableName' is required but was not present in the request")


def test_item_count_and_size_follow_puts(ddb, make_table, table_name):
    make_table(table_name)
    items = [{"pk": {"S": f"k{i}"}, "v": {"S": "x" * 100}} for i in range(3)]
    for item in items:
        ddb.put_item(TableName=table_name, Item=item)
    table = ddb.describe_table(TableName=table_name)["Table"]
    assert table["ItemCount"] == 3
    assert table["TableSizeBytes"] >= 3 * (2 + 2 + 1 + 100)
    for item in items:
        ddb.delete_item(TableName=table_name, Key={"pk": item["pk"]})
    table = ddb.describe_table(TableName=table_name)["Table"]
    assert (table["ItemCount"], table["TableSizeBytes"]) == (0, 0)


# --- ListTables -------------------------------------------------------------------------

def test_list_tables_pagination(start_server, call):
    srv = start_server()
    client = srv.client()
    names = ["aaa", "Bbb", "_xx", "-yy", ".zz", "0ab"]
    for name in names:
        client.create_table(TableName=name, AttributeDefinitions=attrs(("pk", "S")),
                            KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST")
    ordered = sorted(names, key=lambda n: n.encode())
    assert ordered == ["-yy", ".zz", "0ab", "Bbb", "_xx", "aaa"]

    assert client.list_tables()["TableNames"] == ordered
    assert "LastEvaluatedTableName" not in client.list_tables()
    everything = client.list_tables(Limit=6)
    assert everything["TableNames"] == ordered and "LastEvaluatedTableName" not in everything
    five = client.list_tables(Limit=5)
    assert five["TableNames"] == ordered[:5] and five["LastEvaluatedTableName"] == ordered[4]

    pages, start = [], None
    while True:
        kwargs = {"Limit": 2, **({"ExclusiveStartTableName": start} if start else {})}
        page = client.list_tables(**kwargs)
        pages.append(page["TableNames"])
        start = page.get("LastEvaluatedTableName")
        if start is None:
            break
        assert start == page["TableNames"][-1]
    assert pages == [ordered[0:2], ordered[2:4], ordered[4:6]]

    # The start name need not exist; listing begins strictly after it.
    after = client.list_tables(ExclusiveStartTableName="Aaa")
    assert after["TableNames"] == ["Bbb", "_xx", "aaa"]
    assert client.list_tables(ExclusiveStartTableName="zzz")["TableNames"] == []


@pytest.mark.parametrize("request_body,errors", [
    ({"Limit": 0}, [entry("0", "limit", "Member must have value greater than or equal to 1")]),
    ({"Limit": 101}, [entry("101", "limit", "Member must have value less than or equal to 100")]),
    ({"ExclusiveStartTableName": "a;", "Limit": 500}, [
        entry("a;", "exclusiveStartTableName",
              "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
        entry("a;", "exclusiveStartTableName",
              "Member must have length greater than or equal to 3"),
        entry("500", "limit", "Member must have value less than or equal to 100")]),
    ({"ExclusiveStartTableName": ""}, [
        entry("", "exclusiveStartTableName",
              "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
        entry("", "exclusiveStartTableName",
              "Member must have length greater than or equal to 3")]),
    ({"ExclusiveStartTableName": "a" * 256}, [
        entry("a" * 256, "exclusiveStartTableName",
              "Member must have length less than or equal to 255")]),
])
def test_list_tables_constraint_errors(call, request_body, errors):
    status, body = call("ListTables", request_body)
    assert status == 400
    assert constraint_errors(body) == (len(errors), sorted(errors))


def test_list_tables_returns_at_most_100_by_default(start_server):
    client = start_server().client()
    names = [f"t{i:03}" for i in range(101)]
    for name in names:
        client.create_table(TableName=name, AttributeDefinitions=attrs(("pk", "S")),
                            KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST")
    first = client.list_tables()
    assert first["TableNames"] == names[:100]
    assert first["LastEvaluatedTableName"] == "t099"
    rest = client.list_tables(ExclusiveStartTableName="t099")
    assert rest["TableNames"] == ["t100"] and "LastEvaluatedTableName" not in rest


def test_account_id_appears_in_arns(start_server):
    client = start_server(None, "--account-id", "123456789012").client()
    created = client.create_table(TableName="acct", AttributeDefinitions=attrs(("pk", "S")),
                                  KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST")
    assert created["TableDescription"]["TableArn"] == \
        "arn:aws:dynamodb:us-east-1:123456789012:table/acct"


# --- UpdateTable ------------------------------------------------------------------------

def test_update_throughput(ddb, make_table, table_name, wait_active):
    make_table(table_name, **provisioned(5, 5))
    updated = ddb.update_table(TableName=table_name, ProvisionedThroughput=pt(10, 15))
    description = updated["TableDescription"]
    assert description["TableStatus"] == "UPDATING"
    # While UPDATING, the answer still shows the old values.
    assert (description["ProvisionedThroughput"]["ReadCapacityUnits"],
            description["ProvisionedThroughput"]["WriteCapacityUnits"]) == (5, 5)
    table = wait_active(ddb, table_name)
    throughput = table["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (10, 15)
    assert "LastIncreaseDateTime" in throughput
    assert throughput["NumberOfDecreasesToday"] == 0

    ddb.update_table(TableName=table_name, ProvisionedThroughput=pt(2, 3))
    throughput = wait_active(ddb, table_name)["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (2, 3)
    assert "LastDecreaseDateTime" in throughput
    assert throughput["NumberOfDecreasesToday"] == 1


def test_update_billing_mode_to_pay_per_request(ddb, make_table, table_name, wait_active):
    make_table(table_name, **provisioned(5, 5))
    ddb.update_table(TableName=table_name, BillingMode="PAY_PER_REQUEST")
    table = wait_active(ddb, table_name)
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert "LastUpdateToPayPerRequestDateTime" in table["BillingModeSummary"]


def test_update_billing_mode_to_provisioned(ddb, make_table, table_name, wait_active):
    make_table(table_name)
    ddb.update_table(TableName=table_name, BillingMode="PROVISIONED",
                     ProvisionedThroughput=pt(7, 8))
    table = wait_active(ddb, table_name)
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 7
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 8
    assert table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED") == "PROVISIONED"


def test_update_deletion_protection(call, make_table, table_name, ddb, wait_active):
    make_table(table_name)
    status, body = call("UpdateTable", {"TableName": table_name,
                                        "DeletionProtectionEnabled": True})
    assert status == 200, body
    assert body["TableDescription"]["DeletionProtectionEnabled"] is True
    wait_active(ddb, table_name)
    assert call("DeleteTable", {"TableName": table_name}) == validation(
        "Resource cannot be deleted as it is currently protected against deletion. "
        "Disable deletion protection first.")
    assert call("DescribeTable", {"TableName": table_name})[1]["Table"]["TableStatus"] == "ACTIVE"


def test_update_table_class(ddb, make_table, table_name, wait_active):
    make_table(table_name)
    ddb.update_table(TableName=table_name, TableClass="STANDARD_INFREQUENT_ACCESS")
    table = wait_active(ddb, table_name)
    assert table["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"


def test_update_stream_specification(ddb, make_table, table_name, wait_active, call):
    make_table(table_name)
    updated = ddb.update_table(TableName=table_name, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})["TableDescription"]
    assert updated["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert updated["LatestStreamArn"] == f"{updated['TableArn']}/stream/{updated['LatestStreamLabel']}"
    wait_active(ddb, table_name)
    assert call("UpdateTable", {"TableName": table_name, "StreamSpecification": {
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}}) == validation(
        f"Table already has an enabled stream: TableName: {table_name}")


def test_disable_missing_stream(call, make_table, table_name):
    make_table(table_name)
    assert call("UpdateTable", {"TableName": table_name,
                                "StreamSpecification": {"StreamEnabled": False}}) == validation(
        f"Table has no stream to disable: TableName: {table_name}")


def test_update_with_same_throughput(call, make_table, table_name):
    make_table(table_name, **provisioned(5, 3))
    assert call("UpdateTable", {"TableName": table_name,
                                "ProvisionedThroughput": pt(5, 3)}) == validation(
        "The provisioned throughput for the table will not change. The requested value equals "
        "the current value. Current ReadCapacityUnits provisioned for the table: 5. Requested "
        "ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 3. "
        "Requested WriteCapacityUnits: 3. Refer to the Amazon DynamoDB Developer Guide for "
        "current limits and how to request higher limits.")


def test_update_with_nothing_to_update(call, make_table, table_name):
    make_table(table_name)
    assert call("UpdateTable", {"TableName": table_name}) == validation(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
        "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, "
        "OnDemandThroughput, WarmThroughput or TableClass is required")


def test_update_throughput_on_pay_per_request_table(call, make_table, table_name):
    make_table(table_name)
    assert call("UpdateTable", {"TableName": table_name,
                                "ProvisionedThroughput": pt(5, 5)}) == validation(
        INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                  "BillingMode is PAY_PER_REQUEST")


def test_update_to_provisioned_without_throughput(call, make_table, table_name):
    make_table(table_name)
    assert call("UpdateTable", {"TableName": table_name,
                                "BillingMode": "PROVISIONED"}) == validation(
        INVALID + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED")


def test_update_throughput_out_of_bounds(call, make_table, table_name):
    make_table(table_name, **provisioned())
    assert call("UpdateTable", {"TableName": table_name,
                                "ProvisionedThroughput": pt(1000000000001, 5)}) == validation(
        "Given value 1000000000001 for ReadCapacityUnits is out of bounds")


def test_deletion_protection_change_must_be_alone(call, make_table, table_name):
    make_table(table_name, **provisioned())
    assert call("UpdateTable", {"TableName": table_name, "DeletionProtectionEnabled": True,
                                "ProvisionedThroughput": pt(6, 6)}) == validation(
        INVALID + "DeletionProtection modification must be the only operation in the request")


def test_table_class_change_must_be_alone(call, make_table, table_name):
    make_table(table_name, **provisioned())
    assert call("UpdateTable", {"TableName": table_name, "TableClass": "STANDARD_INFREQUENT_ACCESS",
                                "ProvisionedThroughput": pt(6, 6)}) == validation(
        INVALID + "TableClass modification must be the only operation in the request")


def test_update_missing_table(call, table_name):
    assert call("UpdateTable", {"TableName": table_name,
                                "ProvisionedThroughput": pt()}) == (
        400, {"__type": NOT_FOUND,
              "message": f"Requested resource not found: Table: {table_name} not found"})


# --- DeleteTable ------------------------------------------------------------------------

def test_delete_table(ddb, call, table_name, wait_gone):
    ddb.create_table(TableName=table_name, AttributeDefinitions=attrs(("pk", "S"), ("g", "S")),
                     KeySchema=keys(("pk", "HASH")), BillingMode="PAY_PER_REQUEST",
                     GlobalSecondaryIndexes=[gsi("by_g", "g")])
    created = wait_for_table(ddb, table_name)
    status, body = call("DeleteTable", {"TableName": table_name})
    assert status == 200
    description = body["TableDescription"]
    assert description["TableStatus"] == "DELETING"
    assert description["TableName"] == table_name
    assert description["TableArn"] == created["TableArn"]
    assert description["TableId"] == created["TableId"]
    assert "GlobalSecondaryIndexes" not in description
    wait_gone(ddb, table_name)
    assert table_name not in ddb.list_tables(Limit=100,
                                             ExclusiveStartTableName=table_name[:-1])["TableNames"]
    assert call("DeleteTable", {"TableName": table_name}) == (
        400, {"__type": NOT_FOUND,
              "message": f"Requested resource not found: Table: {table_name} not found"})


@pytest.mark.parametrize("operation,request_body", [
    ("DeleteTable", {}), ("UpdateTable", {"ProvisionedThroughput": {
        "ReadCapacityUnits": 1, "WriteCapacityUnits": 1}})])
def test_table_operations_without_name(call, operation, request_body):
    assert call(operation, request_body) == validation(
        "The parameter 'TableName' is required but was not present in the request")


# --- DescribeLimits / DescribeEndpoints -------------------------------------------------

def test_describe_limits(call):
    assert call("DescribeLimits", {}) == (200, {
        "AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000})


def test_describe_limits_with_boto3(ddb):
    limits = ddb.describe_limits()
    assert limits["TableMaxReadCapacityUnits"] == 40000


def test_describe_endpoints(call):
    assert call("DescribeEndpoints", {}) == (200, {"Endpoints": [
        {"Address": "dynamodb.us-east-1.amazonaws.com", "CachePeriodInMinutes": 1440}]})
