"""--policy-file: IAM-style policies evaluated per verified access key.

A server runs with --auth, a credentials file and a policy file; real boto3
clients sign with different users' keys. Allowed actions succeed; anything no
policy allows gets AccessDeniedException (HTTP 400) with IAM's text, naming
the user, the action and the resource; an explicit Deny wins over any Allow;
dynamodb:LeadingKeys keeps a user to their own partition and
dynamodb:Attributes to the attributes the policy lists; batches and
transactions need every table and action they touch; Query and Scan of an
index need the index's ARN.
"""

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import Server, wait_for_table

ACCOUNT = "000000000000"
ORDERS = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders"
PUBLIC = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Public"
KEYS = {"admin": "AKIAADMIN", "alice": "AKIAALICE", "bob": "AKIABOB", "carol": "AKIACAROL",
        "dave": "AKIADAVE", "gina": "AKIAGINA", "nobody": "AKIANOBODY"}

POLICIES = {"Users": [
    {"UserName": "admin", "AccessKeyIds": [KEYS["admin"]],
     "Policies": [{"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]},
    # alice: her own partition of Orders, through the table or its indexes.
    {"UserName": "alice", "AccessKeyIds": KEYS["alice"],
     "Policies": [{"Version": "2012-10-17",
                   "Statement": [{
                       "Effect": "Allow",
                       "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Put*",
                                  "dynamodb:BatchGetItem"],
                       "Resource": ["arn:aws:dynamodb:*:*:table/Orders",
                                    "arn:aws:dynamodb:*:*:table/Orders/index/*"],
                       "Condition": {"ForAllValues:StringEquals": {
                           "dynamodb:LeadingKeys": ["${aws:username}"]}}}]}]},
    # bob: everything, except deleting from Orders.
    {"UserName": "bob", "AccessKeyIds": [KEYS["bob"]],
     "Policies": [{"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]},
                  {"Version": "2012-10-17",
                   "Statement": {"Effect": "Deny", "Action": "dynamodb:DeleteItem",
                                 "Resource": ORDERS}}]},
    # carol: writes to Orders only (no deletes); reads of Public.
    {"UserName": "carol", "AccessKeyIds": [KEYS["carol"]],
     "Policies": [{"Version": "2012-10-17",
                   "Statement": [
                       {"Effect": "Allow",
                        "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem",
                                   "dynamodb:ConditionCheckItem", "dynamodb:BatchWriteItem"],
                        "Resource": "arn:aws:dynamodb:*:*:table/Orders"},
                       {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": PUBLIC}]}]},
    # dave: some attributes of Orders; queries through the ByStage index only.
    {"UserName": "dave", "AccessKeyIds": [KEYS["dave"]],
     "Policies": [{"Version": "2012-10-17",
                   "Statement": [
                       {"Effect": "Allow",
                        "Action": ["dynamodb:GetItem", "dynamodb:UpdateItem"],
                        "Resource": ORDERS,
                        "Condition": {
                            "ForAllValues:StringEquals": {
                                "dynamodb:Attributes": ["customer", "order", "stage", "amount"]},
                            "StringEqualsIfExists": {
                                "dynamodb:Select": "SPECIFIC_ATTRIBUTES",
                                "dynamodb:ReturnValues": ["NONE", "UPDATED_OLD",
                                                          "UPDATED_NEW"]}}},
                       {"Effect": "Allow", "Action": "dynamodb:Query",
                        "Resource": ORDERS + "/index/ByStage"}]}]},
    # gina: PartiQL on her own partition of Orders (its index too), no full table scans.
    {"UserName": "gina", "AccessKeyIds": [KEYS["gina"]],
     "Policies": [{"Version": "2012-10-17",
                   "Statement": [
                       {"Effect": "Allow",
                        "Action": ["dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert",
                                   "dynamodb:PartiQLUpdate"],
                        "Resource": [ORDERS, ORDERS + "/index/*"],
                        "Condition": {"ForAllValues:StringEquals": {
                            "dynamodb:LeadingKeys": ["${aws:username}"]}}},
                       {"Effect": "Deny", "Action": "dynamodb:PartiQLSelect", "Resource": "*",
                        "Condition": {"Bool": {"dynamodb:FullTableScan": "true"}}}]}]},
]}


@pytest.fixture(scope="module")
def policy_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("policies")
    credentials = directory / "credentials"
    credentials.write_text("".join(f"{key}:secret-{user}\n" for user, key in KEYS.items()))
    policies = directory / "policies.json"
    policies.write_text(json.dumps(POLICIES))
    srv = Server(["--in-memory", "--port", "0", "--auth", "--credentials-file", str(credentials),
                  "--policy-file", str(policies)], directory / "stator.log")
    admin = client(srv, "admin")
    admin.create_table(
        TableName="Orders",
        AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"},
                              {"AttributeName": "order", "AttributeType": "N"},
                              {"AttributeName": "stage", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"},
                   {"AttributeName": "order", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "ByStage",
                                 "KeySchema": [{"AttributeName": "stage", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}],
        BillingMode="PAY_PER_REQUEST")
    admin.create_table(TableName="Public",
                       AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                       KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                       BillingMode="PAY_PER_REQUEST")
    wait_for_table(admin, "Orders")
    wait_for_table(admin, "Public")
    yield srv
    assert srv.stop() == 0, srv.log_text()[-4000:]


def client(server, user):
    return boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id=KEYS[user], aws_secret_access_key=f"secret-{user}",
                        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def denied(call, **kwargs):
    """The AccessDeniedException's message (asserting the code and HTTP status)."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    response = info.value.response
    assert response["Error"]["Code"] == "AccessDeniedException", response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Message"]


def no_allow(user, action, resource):
    return (f"User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: "
            f"dynamodb:{action} on resource: {resource} because no identity-based policy allows "
            f"the dynamodb:{action} action")


def order(customer, number, **attributes):
    item = {"customer": {"S": customer}, "order": {"N": str(number)}}
    item.update({k: {"S": v} for k, v in attributes.items()})
    return item


def key(customer, number):
    return order(customer, number)


def test_allowed_actions_succeed_and_others_are_denied(policy_server):
    bob = client(policy_server, "bob")
    bob.put_item(TableName="Orders", Item=order("bob", 1, stage="OPEN", amount="5"))
    assert bob.get_item(TableName="Orders", Key=key("bob", 1))["Item"]["stage"] == {"S": "OPEN"}
    assert "Orders" in bob.list_tables()["TableNames"]
    carol = client(policy_server, "carol")
    assert denied(carol.list_tables) == no_allow("carol", "ListTables", "*")
    assert denied(carol.get_item, TableName="Orders", Key=key("bob", 1)) == \
        no_allow("carol", "GetItem", ORDERS)
    assert denied(carol.describe_table, TableName="Public") == \
        no_allow("carol", "DescribeTable", PUBLIC)
    carol.put_item(TableName="Orders", Item=order("carol", 1))


def test_a_key_without_a_user_is_denied_everything(policy_server):
    nobody = client(policy_server, "nobody")
    assert denied(nobody.list_tables) == no_allow(KEYS["nobody"], "ListTables", "*")
    assert denied(nobody.get_item, TableName="Public", Key={"id": {"S": "x"}}) == \
        no_allow(KEYS["nobody"], "GetItem", PUBLIC)


def test_explicit_deny_wins(policy_server):
    bob = client(policy_server, "bob")
    bob.put_item(TableName="Orders", Item=order("bob", 2))
    message = denied(bob.delete_item, TableName="Orders", Key=key("bob", 2))
    assert message == (f"User: arn:aws:iam::{ACCOUNT}:user/bob is not authorized to perform: "
                       f"dynamodb:DeleteItem on resource: {ORDERS} with an explicit deny in an "
                       f"identity-based policy")
    assert "Item" in bob.get_item(TableName="Orders", Key=key("bob", 2))
    # The Deny names Orders only.
    bob.put_item(TableName="Public", Item={"id": {"S": "p"}})
    bob.delete_item(TableName="Public", Key={"id": {"S": "p"}})


def test_leading_keys_keep_a_user_to_their_partition(policy_server):
    alice = client(policy_server, "alice")
    alice.put_item(TableName="Orders", Item=order("alice", 1, stage="OPEN"))
    assert alice.get_item(TableName="Orders", Key=key("alice", 1))["Item"]["customer"] == \
        {"S": "alice"}
    assert denied(alice.put_item, TableName="Orders", Item=order("bob", 99)) == \
        no_allow("alice", "PutItem", ORDERS)
    assert denied(alice.get_item, TableName="Orders", Key=key("bob", 1)) == \
        no_allow("alice", "GetItem", ORDERS)
    assert "Item" not in client(policy_server, "admin").get_item(TableName="Orders",
                                                                 Key=key("bob", 99))
    own = alice.query(TableName="Orders", KeyConditionExpression="customer = :c",
                      ExpressionAttributeValues={":c": {"S": "alice"}})
    assert [i["customer"]["S"] for i in own["Items"]] == ["alice"]
    assert denied(alice.query, TableName="Orders", KeyConditionExpression="customer = :c",
                  ExpressionAttributeValues={":c": {"S": "bob"}}) == \
        no_allow("alice", "Query", ORDERS)
    # A batch read must stay in her partition too.
    assert denied(alice.batch_get_item, RequestItems={
        "Orders": {"Keys": [key("alice", 1), key("bob", 1)]}}) == \
        no_allow("alice", "BatchGetItem", ORDERS)
    got = alice.batch_get_item(RequestItems={"Orders": {"Keys": [key("alice", 1)]}})
    assert len(got["Responses"]["Orders"]) == 1
    # Scan is not in her policy at all.
    assert denied(alice.scan, TableName="Orders") == no_allow("alice", "Scan", ORDERS)


def test_leading_keys_of_an_index_query_are_the_index_partition(policy_server):
    alice = client(policy_server, "alice")
    # The index's partition key is "stage": "alice" is not a stage anyone has.
    assert alice.query(TableName="Orders", IndexName="ByStage",
                       KeyConditionExpression="stage = :s",
                       ExpressionAttributeValues={":s": {"S": "alice"}})["Count"] == 0
    assert denied(alice.query, TableName="Orders", IndexName="ByStage",
                  KeyConditionExpression="stage = :s",
                  ExpressionAttributeValues={":s": {"S": "OPEN"}}) == \
        no_allow("alice", "Query", ORDERS + "/index/ByStage")


def test_attributes_restrict_projections_and_writes(policy_server):
    client(policy_server, "admin").put_item(
        TableName="Orders", Item=order("erin", 1, stage="OPEN", amount="10", secret="s3cr3t"))
    dave = client(policy_server, "dave")
    got = dave.get_item(TableName="Orders", Key=key("erin", 1), ProjectionExpression="amount")
    assert got["Item"] == {"amount": {"S": "10"}}
    # Every attribute (no projection), or one not listed, is refused.
    assert denied(dave.get_item, TableName="Orders", Key=key("erin", 1)) == \
        no_allow("dave", "GetItem", ORDERS)
    assert denied(dave.get_item, TableName="Orders", Key=key("erin", 1),
                  ProjectionExpression="amount, #s",
                  ExpressionAttributeNames={"#s": "secret"}) == \
        no_allow("dave", "GetItem", ORDERS)
    assert denied(dave.get_item, TableName="Orders", Key=key("erin", 1),
                  AttributesToGet=["secret"]) == no_allow("dave", "GetItem", ORDERS)
    dave.update_item(TableName="Orders", Key=key("erin", 1), UpdateExpression="SET amount = :a",
                     ExpressionAttributeValues={":a": {"S": "11"}})
    assert denied(dave.update_item, TableName="Orders", Key=key("erin", 1),
                  UpdateExpression="SET secret = :a",
                  ExpressionAttributeValues={":a": {"S": "leaked"}}) == \
        no_allow("dave", "UpdateItem", ORDERS)
    # A condition on a hidden attribute would reveal it too.
    assert denied(dave.update_item, TableName="Orders", Key=key("erin", 1),
                  UpdateExpression="SET amount = :a", ConditionExpression="secret = :a",
                  ExpressionAttributeValues={":a": {"S": "12"}}) == \
        no_allow("dave", "UpdateItem", ORDERS)
    assert denied(dave.update_item, TableName="Orders", Key=key("erin", 1),
                  UpdateExpression="SET amount = :a", ReturnValues="ALL_NEW",
                  ExpressionAttributeValues={":a": {"S": "13"}}) == \
        no_allow("dave", "UpdateItem", ORDERS)
    item = client(policy_server, "admin").get_item(TableName="Orders", Key=key("erin", 1))["Item"]
    assert item["amount"] == {"S": "11"} and item["secret"] == {"S": "s3cr3t"}


def test_index_resource_arns(policy_server):
    client(policy_server, "admin").put_item(TableName="Orders",
                                            Item=order("frank", 1, stage="SHIPPED"))
    dave = client(policy_server, "dave")
    found = dave.query(TableName="Orders", IndexName="ByStage",
                       KeyConditionExpression="stage = :s",
                       ExpressionAttributeValues={":s": {"S": "SHIPPED"}})
    assert [i["customer"]["S"] for i in found["Items"]] == ["frank"]
    # The index's permission does not cover the table, nor another operation.
    assert denied(dave.query, TableName="Orders", KeyConditionExpression="customer = :c",
                  ExpressionAttributeValues={":c": {"S": "frank"}}) == \
        no_allow("dave", "Query", ORDERS)
    assert denied(dave.scan, TableName="Orders", IndexName="ByStage") == \
        no_allow("dave", "Scan", ORDERS + "/index/ByStage")


def test_batch_write_needs_every_table(policy_server):
    carol = client(policy_server, "carol")
    assert denied(carol.batch_write_item, RequestItems={
        "Orders": [{"PutRequest": {"Item": order("carol", 10)}}],
        "Public": [{"PutRequest": {"Item": {"id": {"S": "c"}}}}]}) == \
        no_allow("carol", "BatchWriteItem", PUBLIC)
    admin = client(policy_server, "admin")
    assert "Item" not in admin.get_item(TableName="Orders", Key=key("carol", 10))
    carol.batch_write_item(RequestItems={
        "Orders": [{"PutRequest": {"Item": order("carol", 10)}}]})
    assert "Item" in admin.get_item(TableName="Orders", Key=key("carol", 10))


def test_transact_write_needs_each_actions_permission(policy_server):
    carol = client(policy_server, "carol")
    carol.put_item(TableName="Orders", Item=order("carol", 20))
    assert denied(carol.transact_write_items, TransactItems=[
        {"Put": {"TableName": "Orders", "Item": order("carol", 21)}},
        {"Delete": {"TableName": "Orders", "Key": key("carol", 20)}}]) == \
        no_allow("carol", "DeleteItem", ORDERS)
    assert denied(carol.transact_write_items, TransactItems=[
        {"Put": {"TableName": "Public", "Item": {"id": {"S": "t"}}}}]) == \
        no_allow("carol", "PutItem", PUBLIC)
    admin = client(policy_server, "admin")
    assert "Item" not in admin.get_item(TableName="Orders", Key=key("carol", 21))
    carol.transact_write_items(TransactItems=[
        {"Put": {"TableName": "Orders", "Item": order("carol", 21)}},
        {"ConditionCheck": {"TableName": "Orders", "Key": key("carol", 20),
                            "ConditionExpression": "attribute_exists(customer)"}}])
    assert "Item" in admin.get_item(TableName="Orders", Key=key("carol", 21))
    # TransactGetItems needs GetItem on every table read.
    assert denied(carol.transact_get_items, TransactItems=[
        {"Get": {"TableName": "Public", "Key": {"id": {"S": "t"}}}},
        {"Get": {"TableName": "Orders", "Key": key("carol", 21)}}]) == \
        no_allow("carol", "GetItem", ORDERS)


def test_validation_comes_before_authorization(policy_server):
    nobody = client(policy_server, "nobody")
    with pytest.raises(ClientError) as info:
        nobody.get_item(TableName="bad name!", Key=key("x", 1))
    assert info.value.response["Error"]["Code"] == "ValidationException"


@pytest.mark.parametrize("policy,message", [
    ({"Users": [{"UserName": "u", "Policies": [{"Statement": [
        {"Effect": "allow", "Action": "*", "Resource": "*"}]}]}]},
     'Users[0].Policies[0].Statement[0]: Effect must be "Allow" or "Deny", not "allow"'),
    ({"Users": [{"UserName": "u", "Policies": [{"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*",
         "Condition": {"NumericEquals": {"k": "1"}}}]}]}]},
     'unsupported condition operator "NumericEquals"'),
    ("{not json", "not valid JSON"),
])
def test_startup_fails_on_a_bad_policy_file(tmp_path, policy, message):
    credentials = tmp_path / "credentials"
    credentials.write_text("AKIAX:secret\n")
    policies = tmp_path / "policies.json"
    policies.write_text(policy if isinstance(policy, str) else json.dumps(policy))
    with pytest.raises(RuntimeError, match="stator exited with 1 before listening") as info:
        Server(["--in-memory", "--port", "0", "--auth", "--credentials-file", str(credentials),
                "--policy-file", str(policies)], tmp_path / "stator.log")
    assert f"--policy-file {policies}: " in str(info.value)
    assert message in str(info.value)


def test_partiql_statements_need_their_partiql_action(policy_server):
    gina = client(policy_server, "gina")
    gina.execute_statement(Statement="INSERT INTO Orders VALUE {'customer': 'gina', 'order': 1}")
    got = gina.execute_statement(Statement="SELECT * FROM Orders WHERE customer = ?",
                                 Parameters=[{"S": "gina"}])["Items"]
    assert got == [order("gina", 1)]
    gina.execute_statement(
        Statement="UPDATE Orders SET stage = 'OPEN' WHERE customer = 'gina' AND \"order\" = 1")
    # Someone else's partition, a full scan, a delete, an index of another partition.
    assert denied(gina.execute_statement,
                  Statement="SELECT * FROM Orders WHERE customer = 'bob'") == \
        no_allow("gina", "PartiQLSelect", ORDERS)
    assert denied(gina.execute_statement, Statement="SELECT * FROM Orders") == (
        f"User: arn:aws:iam::{ACCOUNT}:user/gina is not authorized to perform: "
        f"dynamodb:PartiQLSelect on resource: {ORDERS} with an explicit deny in an "
        f"identity-based policy")
    assert denied(gina.execute_statement,
                  Statement="DELETE FROM Orders WHERE customer = 'gina' AND \"order\" = 1") == \
        no_allow("gina", "PartiQLDelete", ORDERS)
    assert denied(gina.execute_statement,
                  Statement="INSERT INTO Orders VALUE {'customer': 'bob', 'order': 9}") == \
        no_allow("gina", "PartiQLInsert", ORDERS)
    assert denied(gina.execute_statement,
                  Statement='SELECT * FROM Orders."ByStage" WHERE stage = \'OPEN\'') == \
        no_allow("gina", "PartiQLSelect", ORDERS + "/index/ByStage")
    # Every statement of a transaction or batch is checked.
    assert denied(gina.execute_transaction, TransactStatements=[
        {"Statement": "INSERT INTO Orders VALUE {'customer': 'gina', 'order': 2}"},
        {"Statement": "INSERT INTO Orders VALUE {'customer': 'bob', 'order': 2}"}]) == \
        no_allow("gina", "PartiQLInsert", ORDERS)
    assert denied(gina.batch_execute_statement, Statements=[
        {"Statement": "SELECT * FROM Orders WHERE customer = 'bob' AND \"order\" = 1"}]) == \
        no_allow("gina", "PartiQLSelect", ORDERS)
    assert gina.execute_statement(
        Statement="SELECT * FROM Orders WHERE customer = 'gina' AND \"order\" = 2")["Items"] == []
    # Statements are validated before they are authorized.
    with pytest.raises(ClientError) as info:
        gina.execute_statement(Statement="SLECT * FROM Orders")
    assert info.value.response["Error"]["Code"] == "ValidationException"
