"""TagResource, UntagResource and ListTagsOfResource: tags from CreateTable, upserts and
removals, DynamoDB's limits and messages, ResourceArn checks, the AWS CLI, a restart and
concurrent tagging.

The messages are DynamoDB's as public captures of the service recorded them (see
docs/compatibility.md, "Tags"). The NextToken tests are Stator's own: DynamoDB returns a
table's 50 tags in one page, so a token never appears in its answers.
"""

import threading

import pytest
from botocore.exceptions import ClientError

from conftest import make_client, wait_for_table

ACCOUNT = "000000000000"
VALIDATION = "com.amazon.coral.validate#ValidationException"
NOT_FOUND = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
ACCESS_DENIED = "com.amazon.coral.service#AccessDeniedException"
SERIALIZATION = "com.amazon.coral.service#SerializationException"


def table_arn(name, region="us-east-1", account=ACCOUNT):
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def tags_of(call, arn):
    status, body = call("ListTagsOfResource", {"ResourceArn": arn})
    assert status == 200, body
    return body["Tags"]


def tag(call, arn, *pairs):
    status, body = call("TagResource", {"ResourceArn": arn,
                                        "Tags": [{"Key": k, "Value": v} for k, v in pairs]})
    assert (status, body) == (200, {}), body


def expect_error(call, operation, request, error_type, message):
    status, body = call(operation, request)
    assert status == 400, body
    assert body["__type"] == error_type, body
    assert body.get("message", body.get("Message")) == message, body


@pytest.fixture
def table(make_table, table_name):
    """A fresh untagged table; its ARN."""
    make_table(table_name)
    return table_arn(table_name)


# --- The operations -----------------------------------------------------------------------

def test_create_table_tags_are_listed_and_not_described(ddb, table_name, make_table):
    created = [{"Key": "Owner", "Value": "blueTeam"}, {"Key": "Environment", "Value": "Production"},
               {"Key": "empty", "Value": ""}]
    make_table(table_name, Tags=created)
    described = ddb.describe_table(TableName=table_name)["Table"]
    assert "Tags" not in described
    got = ddb.list_tags_of_resource(ResourceArn=described["TableArn"])
    assert got["Tags"] == created
    assert "NextToken" not in got


def test_tag_upsert_untag_round_trip(ddb, table):
    assert ddb.list_tags_of_resource(ResourceArn=table)["Tags"] == []
    ddb.tag_resource(ResourceArn=table,
                     Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ddb.tag_resource(ResourceArn=table, Tags=[{"Key": "c", "Value": "3"}])
    # A key already there gets the new value and keeps its place; keys are case-sensitive.
    ddb.tag_resource(ResourceArn=table,
                     Tags=[{"Key": "a", "Value": "one"}, {"Key": "A", "Value": "x"}])
    assert ddb.list_tags_of_resource(ResourceArn=table)["Tags"] == [
        {"Key": "a", "Value": "one"}, {"Key": "b", "Value": "2"}, {"Key": "c", "Value": "3"},
        {"Key": "A", "Value": "x"}]
    # Removing keys the table does not have is no error.
    ddb.untag_resource(ResourceArn=table, TagKeys=["b", "never-set", "A"])
    assert ddb.list_tags_of_resource(ResourceArn=table)["Tags"] == [
        {"Key": "a", "Value": "one"}, {"Key": "c", "Value": "3"}]
    ddb.untag_resource(ResourceArn=table, TagKeys=["nothing-here"])
    ddb.untag_resource(ResourceArn=table, TagKeys=["a", "c"])
    assert ddb.list_tags_of_resource(ResourceArn=table)["Tags"] == []


def test_answers_have_dynamodb_shapes(raw, table):
    status, _, body = raw("TagResource", {"ResourceArn": table,
                                          "Tags": [{"Key": "k", "Value": "v"}]})
    assert (status, body) == (200, {})
    status, _, body = raw("ListTagsOfResource", {"ResourceArn": table})
    assert (status, body) == (200, {"Tags": [{"Key": "k", "Value": "v"}]})
    status, _, body = raw("UntagResource", {"ResourceArn": table, "TagKeys": ["k"]})
    assert (status, body) == (200, {})
    status, _, body = raw("ListTagsOfResource", {"ResourceArn": table})
    assert (status, body) == (200, {"Tags": []})


def test_tags_do_not_leak_into_table_descriptions(ddb, call, table_name, make_table):
    make_table(table_name, Tags=[{"Key": "at-create", "Value": "1"}])
    ddb.tag_resource(ResourceArn=table_arn(table_name), Tags=[{"Key": "later", "Value": "2"}])
    status, body = call("DescribeTable", {"TableName": table_name})
    assert status == 200 and "Tags" not in body["Table"]
    status, body = call("UpdateTable", {"TableName": table_name, "BillingMode": "PROVISIONED",
                                        "ProvisionedThroughput": {"ReadCapacityUnits": 1,
                                                                  "WriteCapacityUnits": 1}})
    assert status == 200 and "Tags" not in body["TableDescription"]
    assert [t["Key"] for t in ddb.list_tags_of_resource(
        ResourceArn=table_arn(table_name))["Tags"]] == ["at-create", "later"]


def test_tags_and_update_table_keep_each_others_changes(ddb, call, table, table_name):
    tag(call, table, ("k", "v"))
    status, body = call("UpdateTable", {"TableName": table_name,
                                        "TableClass": "STANDARD_INFREQUENT_ACCESS"})
    assert status == 200, body
    tag(call, table, ("k2", "v2"))
    described = ddb.describe_table(TableName=table_name)["Table"]
    assert described["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    assert tags_of(call, table) == [{"Key": "k", "Value": "v"}, {"Key": "k2", "Value": "v2"}]


def test_a_recreated_table_starts_untagged(ddb, call, table, table_name, make_table, wait_gone):
    tag(call, table, ("k", "v"))
    ddb.delete_table(TableName=table_name)
    wait_gone(ddb, table_name)
    expect_error(call, "ListTagsOfResource", {"ResourceArn": table}, NOT_FOUND,
                 f"Requested resource not found: ResourceArn: {table} not found")
    make_table(table_name)
    assert tags_of(call, table) == []


def test_region_comes_from_the_request(server, table_name):
    client = make_client(server.endpoint, "eu-west-1")
    client.create_table(TableName=table_name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    wait_for_table(client, table_name)
    arn = client.describe_table(TableName=table_name)["Table"]["TableArn"]
    assert arn == table_arn(table_name, "eu-west-1")
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    with pytest.raises(ClientError) as e:
        client.list_tags_of_resource(ResourceArn=table_arn(table_name))
    assert e.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": f"Invalid TableArn: Invalid ResourceArn provided as input "
                   f"{table_arn(table_name)}"}
    client.delete_table(TableName=table_name)


# --- Tag keys and values ------------------------------------------------------------------

def test_lengths_count_unicode_characters(call, table):
    tag(call, table, ("k" * 128, "v" * 256), ("א" * 128, "ü" * 256), ("e", ""))
    assert [len(t["Key"]) for t in tags_of(call, table)] == [128, 128, 1]
    expect_error(call, "TagResource", {"ResourceArn": table,
                                       "Tags": [{"Key": "k" * 129, "Value": "v"}]},
                 VALIDATION, "The Tag Key provided is invalid, Key: " + "k" * 129)
    expect_error(call, "TagResource", {"ResourceArn": table,
                                       "Tags": [{"Key": "k", "Value": "v" * 257}]},
                 VALIDATION, "The Tag Value provided is invalid, Value: " + "v" * 257)
    expect_error(call, "TagResource", {"ResourceArn": table, "Tags": [{"Key": "", "Value": "v"}]},
                 VALIDATION, "The Tag Key provided is invalid, Key: ")
    expect_error(call, "UntagResource", {"ResourceArn": table, "TagKeys": ["k" * 129]},
                 VALIDATION, "The Tag Key provided is invalid, Key: " + "k" * 129)
    expect_error(call, "UntagResource", {"ResourceArn": table, "TagKeys": [""]},
                 VALIDATION, "The Tag Key provided is invalid, Key: ")


def test_letters_digits_spaces_and_some_punctuation_are_allowed(call, table):
    allowed = [("sp ace", "a b+c-d=e.f_g:h/i@j"), ("ключ", "значение"), ("café", "表"),
               ("nbsp\u00a0and\u3000ideographic", "٣ digits Ⅻ"), (" lead", "trail ")]
    tag(call, table, *allowed)
    assert tags_of(call, table) == [{"Key": k, "Value": v} for k, v in allowed]


@pytest.mark.parametrize("text", ["bad#char", "hi!", "100%", "a,b", "it's", '"q"', "(x)", "[y]",
                                  "{z}", "a&b", "a*b", "a;b", "a?b", "a|b", "a\\b", "<a>", "~a",
                                  "tab\there", "new\nline", "\U0001f511", "$", "^"])
def test_other_characters_are_refused(call, table, text):
    expect_error(call, "TagResource", {"ResourceArn": table, "Tags": [{"Key": text, "Value": "v"}]},
                 VALIDATION, "The Tag Key provided is invalid, Key: " + text)
    expect_error(call, "TagResource", {"ResourceArn": table, "Tags": [{"Key": "k", "Value": text}]},
                 VALIDATION, "The Tag Value provided is invalid, Value: " + text)
    assert tags_of(call, table) == []


def test_missing_key_or_value(call, table):
    expect_error(call, "TagResource", {"ResourceArn": table, "Tags": [{"Value": "v"}]},
                 VALIDATION, "The Tag Key provided is invalid, Key: null")
    expect_error(call, "TagResource", {"ResourceArn": table, "Tags": [{}]},
                 VALIDATION, "The Tag Key provided is invalid, Key: null")
    expect_error(call, "TagResource", {"ResourceArn": table, "Tags": [{"Key": "k"}]},
                 VALIDATION, "The Tag Value provided is invalid, Value: null")
    expect_error(call, "TagResource", {"ResourceArn": table,
                                       "Tags": [{"Key": "k", "Value": None}]},
                 VALIDATION, "The Tag Value provided is invalid, Value: null")


@pytest.mark.parametrize("key", ["aws:foo", "AWS:foo", "Aws:", "aWs:x"])
def test_aws_prefix_is_reserved(call, table, key):
    expect_error(call, "TagResource", {"ResourceArn": table, "Tags": [{"Key": key, "Value": "v"}]},
                 VALIDATION, f"Tag Key cannot be prefixed with aws:, Key: {key}")
    expect_error(call, "UntagResource", {"ResourceArn": table, "TagKeys": [key]},
                 VALIDATION, f"Tag Key cannot be prefixed with aws:, Key: {key}")


def test_aws_elsewhere_in_a_key_is_allowed(call, table):
    tag(call, table, ("myaws:foo", "v"), ("aws", "v"), ("aws-x", "v"))
    assert len(tags_of(call, table)) == 3


def test_duplicate_keys_in_one_request(call, table):
    expect_error(call, "TagResource",
                 {"ResourceArn": table, "Tags": [{"Key": "dup", "Value": "1"},
                                                 {"Key": "other", "Value": "2"},
                                                 {"Key": "dup", "Value": "3"}]},
                 VALIDATION, "Duplicate Tag Keys provided as input: Duplicate Tag Key found dup")
    assert tags_of(call, table) == []


def test_a_bad_tag_fails_the_whole_request(call, table):
    for bad in ({"Key": "x" * 129, "Value": "v"}, {"Key": "aws:zzz", "Value": "v"},
                {"Key": "k#", "Value": "v"}):
        status, body = call("TagResource", {"ResourceArn": table,
                                            "Tags": [{"Key": "good", "Value": "v"}, bad]})
        assert status == 400, body
    assert tags_of(call, table) == []


def test_empty_lists(call, table):
    expect_error(call, "TagResource", {"ResourceArn": table, "Tags": []},
                 VALIDATION, "Atleast one Tag needs to be provided as Input.")
    expect_error(call, "UntagResource", {"ResourceArn": table, "TagKeys": []},
                 VALIDATION, "Atleast one Tag Key needs to be provided as Input.")


TOO_MANY = "Number of Tags exceed the current limit for the provided ResourceArn"


def test_fifty_tags_counting_the_tags_already_there(call, table):
    tag(call, table, *[(f"k{i:02}", "v") for i in range(30)])
    tag(call, table, *[(f"k{i:02}", "w") for i in range(20, 40)])  # 10 already there: 40
    expect_error(call, "TagResource",
                 {"ResourceArn": table,
                  "Tags": [{"Key": f"k{i:02}", "Value": "v"} for i in range(40, 60)]},
                 VALIDATION, TOO_MANY)
    tag(call, table, *[(f"k{i:02}", "v") for i in range(40, 50)])
    assert len(tags_of(call, table)) == 50
    expect_error(call, "TagResource", {"ResourceArn": table,
                                       "Tags": [{"Key": "k50", "Value": "v"}]},
                 VALIDATION, TOO_MANY)
    expect_error(call, "TagResource", {"ResourceArn": table,
                                       "Tags": [{"Key": "k00", "Value": "new"},
                                                {"Key": "k50", "Value": "v"}]},
                 VALIDATION, TOO_MANY)
    # Overwriting values at 50 is fine, all 50 at once too.
    tag(call, table, ("k00", "new"))
    tag(call, table, *[(f"k{i:02}", "all") for i in range(50)])
    got = tags_of(call, table)
    assert [t["Key"] for t in got] == [f"k{i:02}" for i in range(50)]
    assert {t["Value"] for t in got} == {"all"}
    call("UntagResource", {"ResourceArn": table, "TagKeys": ["k49"]})
    tag(call, table, ("k50", "v"))
    assert len(tags_of(call, table)) == 50


def test_more_than_fifty_in_one_request(call, table):
    expect_error(call, "TagResource",
                 {"ResourceArn": table,
                  "Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]},
                 VALIDATION, TOO_MANY)
    expect_error(call, "UntagResource", {"ResourceArn": table,
                                         "TagKeys": [f"k{i}" for i in range(51)]},
                 VALIDATION, TOO_MANY)
    assert call("UntagResource", {"ResourceArn": table,
                                  "TagKeys": [f"k{i}" for i in range(50)]}) == (200, {})


# --- ResourceArn --------------------------------------------------------------------------

OPERATIONS = [("TagResource", {"Tags": [{"Key": "k", "Value": "v"}]}),
              ("UntagResource", {"TagKeys": ["k"]}),
              ("ListTagsOfResource", {})]


@pytest.mark.parametrize("operation,rest", OPERATIONS)
def test_missing_table(call, operation, rest, table_name):
    arn = table_arn(table_name)
    expect_error(call, operation, dict(rest, ResourceArn=arn), NOT_FOUND,
                 f"Requested resource not found: ResourceArn: {arn} not found")


@pytest.mark.parametrize("operation,rest", OPERATIONS)
def test_arn_syntax(call, operation, rest):
    prefix = "One or more parameter values were invalid: "
    for arn, message in [
            ("not-an-arn", "ARNs must start with 'arn:': not-an-arn"),
            ("", "ARNs must start with 'arn:': "),
            ("ARN:aws:dynamodb:us-east-1:000000000000:table/t1", "ARNs must start with 'arn:': "
             "ARN:aws:dynamodb:us-east-1:000000000000:table/t1"),
            ("arn:aws", "Second colon partition not found: arn:aws"),
            ("arn:aws:dynamodb", "Third colon vendor not found: arn:aws:dynamodb"),
            ("arn:aws:dynamodb:us-east-1",
             "Fourth colon (region/namespace delimiter) not found: arn:aws:dynamodb:us-east-1"),
            ("arn:aws:dynamodb:us-east-1:000000000000",
             "Fifth colon (namespace/relative-id delimiter) not found: "
             "arn:aws:dynamodb:us-east-1:000000000000")]:
        expect_error(call, operation, dict(rest, ResourceArn=arn), VALIDATION, prefix + message)


@pytest.mark.parametrize("operation,rest", OPERATIONS)
def test_arn_of_another_account_is_denied(call, operation, rest, table):
    for arn in (table.replace(ACCOUNT, "123456789012"), "arn:aws:s3:::bucket"):
        expect_error(call, operation, dict(rest, ResourceArn=arn), ACCESS_DENIED,
                     "Access is denied")


@pytest.mark.parametrize("operation,rest", OPERATIONS)
def test_arns_that_name_no_table(call, operation, rest, table, table_name):
    not_resource = "One or more parameter values were invalid: Provided Arn is not a DynamoDB " \
                   "resource arn: "
    for arn in (f"{table}/backup/01700000000000-abcdefgh",
                f"arn:aws:sqs:us-east-1:{ACCOUNT}:queue",
                f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:global-table/{table_name}",
                f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:",
                f"{table}/index",
                f"{table}/index/i/extra"):
        expect_error(call, operation, dict(rest, ResourceArn=arn), VALIDATION, not_resource + arn)
    index_arn = f"{table}/index/by_x"
    expect_error(call, operation, dict(rest, ResourceArn=index_arn), VALIDATION,
                 "One or more parameter values were invalid: Invalid resource arn provided, only "
                 f"table or stream is accepted. Provided resource arn: {index_arn}")
    for arn in (table_arn(table_name, "eu-west-1"), table.replace("arn:aws:", "arn:aws-cn:"),
                table_arn("ab"), table_arn("x" * 256), table_arn("bad$name"), table_arn("")):
        expect_error(call, operation, dict(rest, ResourceArn=arn), VALIDATION,
                     f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")


def test_index_and_stream_arns_of_a_real_table(ddb, call, table_name, make_table):
    make_table(table_name, range_key=("sk", "S"),
               AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                     for n in ("pk", "sk", "g")],
               GlobalSecondaryIndexes=[{"IndexName": "gsi", "Projection": {"ProjectionType": "ALL"},
                                        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
               StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    described = ddb.describe_table(TableName=table_name)["Table"]
    index_arn = described["GlobalSecondaryIndexes"][0]["IndexArn"]
    expect_error(call, "TagResource", {"ResourceArn": index_arn,
                                       "Tags": [{"Key": "k", "Value": "v"}]}, VALIDATION,
                 "One or more parameter values were invalid: Invalid resource arn provided, only "
                 f"table or stream is accepted. Provided resource arn: {index_arn}")
    stream_arn = described["LatestStreamArn"]
    for operation, rest in OPERATIONS:
        expect_error(call, operation, dict(rest, ResourceArn=stream_arn), NOT_FOUND,
                     f"Requested resource not found: ResourceArn: {stream_arn} not found")
    assert tags_of(call, described["TableArn"]) == []


def test_table_names_are_case_sensitive(call, table, table_name):
    upper = table_arn(table_name.upper())
    expect_error(call, "ListTagsOfResource", {"ResourceArn": upper}, NOT_FOUND,
                 f"Requested resource not found: ResourceArn: {upper} not found")


# --- Member types, constraints, and the order of the checks -------------------------------

def test_missing_members(call, table):
    for operation, rest in OPERATIONS:
        expect_error(call, operation, rest, VALIDATION, "Invalid TableArn")
        expect_error(call, operation, dict(rest, ResourceArn=None), VALIDATION, "Invalid TableArn")
    expect_error(call, "TagResource", {"ResourceArn": table}, VALIDATION,
                 "1 validation error detected: Value null at 'tags' failed to satisfy "
                 "constraint: Member must not be null")
    expect_error(call, "UntagResource", {"ResourceArn": table}, VALIDATION,
                 "1 validation error detected: Value null at 'tagKeys' failed to satisfy "
                 "constraint: Member must not be null")


def test_resource_arn_length(call):
    arn = table_arn("t" * 1250)
    assert len(arn) == 1296
    expect_error(call, "TagResource", {"ResourceArn": arn}, VALIDATION,
                 "2 validation errors detected: "
                 f"Value '{arn}' at 'resourceArn' failed to satisfy constraint: "
                 "Member must have length less than or equal to 1283; "
                 "Value null at 'tags' failed to satisfy constraint: Member must not be null")
    expect_error(call, "ListTagsOfResource", {"ResourceArn": arn}, VALIDATION,
                 f"1 validation error detected: Value '{arn}' at 'resourceArn' failed to satisfy "
                 "constraint: Member must have length less than or equal to 1283")


def test_json_types(call, table):
    for operation, request, message in [
            ("TagResource", {"ResourceArn": 5, "Tags": []},
             "NUMBER_VALUE cannot be converted to String"),
            ("TagResource", {"ResourceArn": table, "Tags": {}},
             "Start of structure or map found where not expected"),
            ("TagResource", {"ResourceArn": table, "Tags": ["x"]},
             "Unexpected value type in payload"),
            ("TagResource", {"ResourceArn": table, "Tags": [[]]},
             "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.Tag"),
            ("TagResource", {"ResourceArn": table, "Tags": [{"Key": True, "Value": "v"}]},
             "TRUE_VALUE cannot be converted to String"),
            ("TagResource", {"ResourceArn": table, "Tags": [{"Key": "k", "Value": 1}]},
             "NUMBER_VALUE cannot be converted to String"),
            ("UntagResource", {"ResourceArn": table, "TagKeys": "k"}, "Unexpected field type"),
            ("UntagResource", {"ResourceArn": table, "TagKeys": [1]},
             "NUMBER_VALUE cannot be converted to String"),
            ("ListTagsOfResource", {"ResourceArn": table, "NextToken": 1},
             "NUMBER_VALUE cannot be converted to String")]:
        status, body = call(operation, request)
        assert (status, body) == (400, {"__type": SERIALIZATION, "Message": message}), request


def test_order_of_the_checks(call, table, table_name):
    # The ARN's syntax comes before the member constraints...
    expect_error(call, "TagResource", {"ResourceArn": "abcd"}, VALIDATION,
                 "One or more parameter values were invalid: ARNs must start with 'arn:': abcd")
    # ...which come before what the ARN names...
    other_region = table_arn(table_name, "eu-west-1")
    expect_error(call, "UntagResource", {"ResourceArn": other_region}, VALIDATION,
                 "1 validation error detected: Value null at 'tagKeys' failed to satisfy "
                 "constraint: Member must not be null")
    # ...which comes before the tags...
    expect_error(call, "TagResource", {"ResourceArn": other_region, "Tags": []}, VALIDATION,
                 f"Invalid TableArn: Invalid ResourceArn provided as input {other_region}")
    # ...which are checked before the table is looked up.
    missing = table_arn(table_name + "_missing")
    expect_error(call, "TagResource", {"ResourceArn": missing, "Tags": []}, VALIDATION,
                 "Atleast one Tag needs to be provided as Input.")
    expect_error(call, "TagResource", {"ResourceArn": missing,
                                       "Tags": [{"Key": "aws:x", "Value": "v"}]},
                 VALIDATION, "Tag Key cannot be prefixed with aws:, Key: aws:x")
    expect_error(call, "UntagResource", {"ResourceArn": missing,
                                         "TagKeys": [f"k{i}" for i in range(51)]},
                 VALIDATION, TOO_MANY)
    # Within a request: each tag in order (key, reserved prefix, value), then duplicates,
    # then the count.
    expect_error(call, "TagResource",
                 {"ResourceArn": table, "Tags": [{"Key": "dup", "Value": "v"},
                                                 {"Key": "dup", "Value": "v"},
                                                 {"Key": "ok", "Value": "bad#"}]},
                 VALIDATION, "The Tag Value provided is invalid, Value: bad#")
    expect_error(call, "TagResource",
                 {"ResourceArn": table, "Tags": [{"Key": "aws:k", "Value": "bad#"}]},
                 VALIDATION, "Tag Key cannot be prefixed with aws:, Key: aws:k")
    expect_error(call, "TagResource",
                 {"ResourceArn": table,
                  "Tags": [{"Key": f"k{i % 50}", "Value": "v"} for i in range(51)]},
                 VALIDATION, "Duplicate Tag Keys provided as input: Duplicate Tag Key found k0")


# --- ListTagsOfResource's NextToken (Stator's tokens: the position of the next tag) -------

def test_next_token(call, table):
    tag(call, table, ("a", "1"), ("b", "2"), ("c", "3"))
    status, body = call("ListTagsOfResource", {"ResourceArn": table, "NextToken": "1"})
    assert (status, body) == (200, {"Tags": [{"Key": "b", "Value": "2"},
                                             {"Key": "c", "Value": "3"}]})
    # A token past the end (tags removed since) is an empty last page.
    assert call("ListTagsOfResource", {"ResourceArn": table, "NextToken": "7"}) == \
        (200, {"Tags": []})
    for token in ("", "0", "01", "-1", "x", "1x", "99999999999999999999999"):
        expect_error(call, "ListTagsOfResource", {"ResourceArn": table, "NextToken": token},
                     VALIDATION, f"Invalid NextToken: Invalid NextToken provided as input {token}")


def test_boto3_paginator_and_terraform_style_calls(ddb, table_name, make_table):
    """What Terraform's aws_dynamodb_table and aws_dynamodb_tag do: create with tags, read
    them back by the TableArn with a NextToken loop, then apply a diff as one UntagResource
    and one TagResource."""
    make_table(table_name, Tags=[{"Key": "Name", "Value": table_name},
                                 {"Key": "Environment", "Value": "test"},
                                 {"Key": "Obsolete", "Value": "x"}])
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]

    def read():
        pages = list(ddb.get_paginator("list_tags_of_resource").paginate(ResourceArn=arn))
        return {t["Key"]: t["Value"] for page in pages for t in page["Tags"]}

    assert read() == {"Name": table_name, "Environment": "test", "Obsolete": "x"}
    ddb.untag_resource(ResourceArn=arn, TagKeys=["Obsolete"])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "Environment", "Value": "prod"},
                                            {"Key": "Team", "Value": "data"}])
    assert read() == {"Name": table_name, "Environment": "prod", "Team": "data"}
    # aws_dynamodb_tag: one key per resource, read back with the same call.
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "CostCenter", "Value": "42"}])
    assert read()["CostCenter"] == "42"


# --- The AWS CLI ----------------------------------------------------------------------------

def test_cli_tag_list_untag(aws, table):
    code, out, err = aws("tag-resource", "--resource-arn", table, "--tags",
                         "Key=Owner,Value=blueTeam", "Key=Environment,Value=Production")
    assert (code, out) == (0, {}), err
    code, out, err = aws("list-tags-of-resource", "--resource-arn", table)
    assert code == 0, err
    assert out == {"Tags": [{"Key": "Owner", "Value": "blueTeam"},
                            {"Key": "Environment", "Value": "Production"}]}
    code, out, err = aws("untag-resource", "--resource-arn", table, "--tag-keys", "Owner")
    assert code == 0, err
    code, out, err = aws("list-tags-of-resource", "--resource-arn", table)
    assert (code, out) == (0, {"Tags": [{"Key": "Environment", "Value": "Production"}]}), err


def test_cli_reports_tag_errors(aws, table):
    code, _, err = aws("tag-resource", "--resource-arn", table, "--tags", "Key=aws:x,Value=v")
    assert code != 0
    assert "ValidationException" in err
    assert "Tag Key cannot be prefixed with aws:, Key: aws:x" in err
    missing = table + "_missing"
    code, _, err = aws("list-tags-of-resource", "--resource-arn", missing)
    assert code != 0
    assert "ResourceNotFoundException" in err
    assert f"Requested resource not found: ResourceArn: {missing} not found" in err


# --- Durability and concurrency -------------------------------------------------------------

def test_tags_survive_a_restart(start_server, tmp_path):
    data = tmp_path / "data"
    first = start_server(data)
    client = first.client()
    client.create_table(TableName="tagged", BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        Tags=[{"Key": "created", "Value": "1"}, {"Key": "gone", "Value": "x"}])
    wait_for_table(client, "tagged")
    arn = table_arn("tagged")
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "added", "Value": "ü"},
                                               {"Key": "created", "Value": "2"}])
    client.untag_resource(ResourceArn=arn, TagKeys=["gone"])
    expected = [{"Key": "created", "Value": "2"}, {"Key": "added", "Value": "ü"}]
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == expected
    assert first.stop() == 0

    second = start_server(data)
    client = second.client()
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == expected
    assert "Tags" not in client.describe_table(TableName="tagged")["Table"]


def test_concurrent_tag_changes_all_land(server, table):
    # Each thread keeps 6 keys and briefly holds a 7th: at most 42 tags, under the limit.
    threads, rounds = 6, 9
    errors = []

    def work(n):
        client = server.client()
        try:
            for i in range(rounds):
                key = f"t{n}-{i}"
                client.tag_resource(ResourceArn=table, Tags=[{"Key": key, "Value": str(i)}])
                if i % 3 == 2:
                    client.untag_resource(ResourceArn=table, TagKeys=[key])
        except Exception as e:  # reported below
            errors.append(e)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    got = make_client(server.endpoint).list_tags_of_resource(ResourceArn=table)["Tags"]
    expected = {f"t{n}-{i}" for n in range(threads) for i in range(rounds) if i % 3 != 2}
    assert {t["Key"] for t in got} == expected


@pytest.mark.parametrize("tags,message", [
    ([{"Key": "aws:x", "Value": "v"}], "Tag Key cannot be prefixed with aws:, Key: aws:x"),
    ([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}],
     "Duplicate Tag Keys provided as input: Duplicate Tag Key found a"),
    ([{"Key": f"k{i}", "Value": "v"} for i in range(51)],
     "Number of Tags exceed the current limit for the provided ResourceArn"),
    ([{"Key": "a#b", "Value": "v"}], "The Tag Key provided is invalid, Key: a#b"),
])
def test_create_table_applies_the_tag_rules(call, table_name, tags, message):
    status, body = call("CreateTable", {
        "TableName": table_name, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "Tags": tags})
    assert (status, body["message"]) == (400, message)
    status, body = call("DescribeTable", {"TableName": table_name})
    assert status == 400  # nothing was created
