"""The AWS CLI v2 against Stator: the common table and item commands, and an error."""

import json


def test_cli_table_and_item_lifecycle(aws, table_name, ddb, wait_active, wait_gone):
    code, out, err = aws(
        "create-table", "--table-name", table_name,
        "--attribute-definitions", "AttributeName=pk,AttributeType=S",
        "AttributeName=sk,AttributeType=N",
        "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
        "--billing-mode", "PAY_PER_REQUEST")
    assert code == 0, err
    assert out["TableDescription"]["TableName"] == table_name
    assert out["TableDescription"]["TableStatus"] == "CREATING"
    assert out["TableDescription"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    wait_active(ddb, table_name)

    code, out, err = aws("describe-table", "--table-name", table_name)
    assert code == 0, err
    assert out["Table"]["TableStatus"] == "ACTIVE"
    assert out["Table"]["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                         {"AttributeName": "sk", "KeyType": "RANGE"}]

    code, out, err = aws("list-tables")
    assert code == 0, err
    assert table_name in out["TableNames"]

    item = {"pk": {"S": "a"}, "sk": {"N": "1.50"}, "tags": {"SS": ["x"]},
            "blob": {"B": "AAE="}, "nested": {"M": {"l": {"L": [{"BOOL": True}, {"NULL": True}]}}}}
    code, out, err = aws("put-item", "--table-name", table_name, "--item", json.dumps(item),
                         "--return-consumed-capacity", "TOTAL")
    assert code == 0, err
    assert out["ConsumedCapacity"] == {"TableName": table_name, "CapacityUnits": 1.0}

    key = json.dumps({"pk": {"S": "a"}, "sk": {"N": "1.5"}})
    code, out, err = aws("get-item", "--table-name", table_name, "--key", key,
                         "--consistent-read")
    assert code == 0, err
    assert out["Item"] == dict(item, sk={"N": "1.5"})

    code, out, err = aws("get-item", "--table-name", table_name, "--key", key,
                         "--projection-expression", "#t", "--expression-attribute-names",
                         json.dumps({"#t": "tags"}))
    assert code == 0, err
    assert out == {"Item": {"tags": {"SS": ["x"]}}}

    code, out, err = aws("delete-item", "--table-name", table_name, "--key", key,
                         "--return-values", "ALL_OLD")
    assert code == 0, err
    assert out["Attributes"] == dict(item, sk={"N": "1.5"})

    code, out, err = aws("get-item", "--table-name", table_name, "--key", key)
    assert (code, out) == (0, {})

    code, out, err = aws("update-table", "--table-name", table_name, "--billing-mode",
                         "PROVISIONED", "--provisioned-throughput",
                         "ReadCapacityUnits=3,WriteCapacityUnits=4")
    assert code == 0, err
    assert out["TableDescription"]["TableName"] == table_name
    table = wait_active(ddb, table_name)
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 4

    code, out, err = aws("delete-table", "--table-name", table_name)
    assert code == 0, err
    assert out["TableDescription"]["TableStatus"] == "DELETING"
    wait_gone(ddb, table_name)


def test_cli_reports_dynamodb_errors(aws, table_name):
    code, out, err = aws("describe-table", "--table-name", table_name)
    assert code == 254
    assert ("An error occurred (ResourceNotFoundException) when calling the DescribeTable "
            f"operation: Requested resource not found: Table: {table_name} not found") in err


def test_cli_reports_validation_errors(aws, table_name, make_table):
    make_table(table_name)
    code, out, err = aws("put-item", "--table-name", table_name,
                         "--item", json.dumps({"other": {"S": "x"}}))
    assert code == 254
    assert ("An error occurred (ValidationException) when calling the PutItem operation: "
            "One or more parameter values were invalid: Missing the key pk in the item") in err
