"""GET /metrics: Prometheus text with CloudWatch's DynamoDB metrics, per operation and table,
changing as known requests are made; and the per-request log line."""
import json
import re
import urllib.request

import botocore.exceptions
import pytest

from conftest import raw_request

LINE = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


def scrape(port):
    """{(name, frozenset of label pairs): value} of every sample, after checking the format."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "text/plain; version=0.0.4"
        text = resp.read().decode()
    samples, typed = {}, set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
            continue
        if line.startswith("#"):
            continue
        m = LINE.match(line)
        assert m, line
        name, labels, value = m.groups()
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in typed or family in typed, f"{name} has no # TYPE line"
        pairs = frozenset(re.findall(r'(\w+)="([^"]*)"', labels or ""))
        samples[(name, pairs)] = float(value)
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def metered(start_server):
    srv = start_server()
    client = srv.client()
    client.create_table(
        TableName="Orders", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}])
    return srv, client


def test_requests_errors_capacity_and_items_are_counted(metered):
    srv, client = metered
    before = scrape(srv.port)
    for i in range(3):
        client.put_item(TableName="Orders", Item={"pk": {"S": "a"}, "sk": {"N": str(i)},
                                                  "data": {"S": "x" * 1500}})
    with pytest.raises(botocore.exceptions.ClientError) as err:
        client.put_item(TableName="Orders", Item={"pk": {"S": "a"}, "sk": {"N": "0"}},
                        ConditionExpression="attribute_not_exists(pk)")
    assert err.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    with pytest.raises(botocore.exceptions.ClientError):
        client.get_item(TableName="Orders", Key={"pk": {"S": "a"}})  # missing sort key
    resp = client.query(TableName="Orders", KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": "a"}})
    assert resp["Count"] == 3
    # The capacity metrics need no ReturnConsumedCapacity, and the answer shows none.
    assert "ConsumedCapacity" not in resp
    item = client.get_item(TableName="Orders", Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                           ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert item["ConsumedCapacity"] == {"TableName": "Orders", "CapacityUnits": 1.0}

    after = scrape(srv.port)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    put = {"operation": "PutItem", "table": "Orders"}
    assert delta("stator_requests_total", **put) == 4
    assert delta("stator_conditional_check_failed_requests_total", **put) == 1
    assert delta("stator_user_errors_total", **put) == 0
    assert delta("stator_successful_request_latency_seconds_count", **put) == 3
    assert delta("stator_successful_request_latency_seconds_bucket", le="+Inf", **put) == 3
    # A validation error counts as a user error; it does not name a table.
    assert delta("stator_user_errors_total", operation="GetItem", table="") == 1
    assert delta("stator_returned_items_total", operation="Query", table="Orders") == 3
    # Three 1.5 KB puts: 2 units each. A query reading 4.5 KB, eventually consistent: 2 x 0.5;
    # one strongly consistent 1.5 KB get: 1.
    assert delta("stator_consumed_write_capacity_units_total", table="Orders") == 6
    assert delta("stator_consumed_read_capacity_units_total", table="Orders") == 2
    assert value(after, "stator_table_items", table="Orders") == 3
    assert value(after, "stator_table_size_bytes", table="Orders") > 4500
    assert ("stator_storage_memtable_bytes", frozenset()) in after
    assert ("stator_storage_compaction_pending", frozenset()) in after


def test_histogram_buckets_are_cumulative(metered):
    srv, client = metered
    for i in range(5):
        client.put_item(TableName="Orders", Item={"pk": {"S": "b"}, "sk": {"N": str(i)}})
    samples = scrape(srv.port)
    buckets = sorted(
        (float("inf") if dict(labels)["le"] == "+Inf" else float(dict(labels)["le"]), v)
        for (name, labels), v in samples.items()
        if name == "stator_successful_request_latency_seconds_bucket"
        and dict(labels)["operation"] == "PutItem")
    counts = [v for _, v in buckets]
    assert counts == sorted(counts) and counts[-1] == 5


def test_batch_and_transaction_capacity_is_split_by_table(metered):
    srv, client = metered
    client.create_table(
        TableName="Audit", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    before = scrape(srv.port)
    client.batch_write_item(RequestItems={
        "Orders": [{"PutRequest": {"Item": {"pk": {"S": "c"}, "sk": {"N": "1"}}}}],
        "Audit": [{"PutRequest": {"Item": {"id": {"S": "1"}}}},
                  {"PutRequest": {"Item": {"id": {"S": "2"}}}}]})
    client.transact_write_items(TransactItems=[
        {"Put": {"TableName": "Audit", "Item": {"id": {"S": "3"}}}}])
    after = scrape(srv.port)
    write = "stator_consumed_write_capacity_units_total"
    assert value(after, write, table="Orders") - value(before, write, table="Orders") == 1
    # Two batch puts, then one transactional put at twice the price.
    assert value(after, write, table="Audit") - value(before, write, table="Audit") == 4
    assert value(after, "stator_requests_total", operation="BatchWriteItem", table="") == 1


def test_partiql_capacity_is_read_or_write_by_statement(metered):
    srv, client = metered
    before = scrape(srv.port)
    client.execute_statement(Statement="INSERT INTO Orders VALUE {'pk': 'q', 'sk': 1}")
    client.execute_statement(Statement=" /* first */ select * FROM Orders WHERE pk = 'q'",
                             ConsistentRead=True)
    client.batch_execute_statement(Statements=[
        {"Statement": "SELECT * FROM Orders WHERE pk = 'q' AND sk = 1", "ConsistentRead": True},
        {"Statement": "SELECT * FROM Orders WHERE pk = 'q' AND sk = 2", "ConsistentRead": True}])
    client.batch_execute_statement(Statements=[
        {"Statement": "UPDATE Orders SET v = 1 WHERE pk = 'q' AND sk = 1"}])
    after = scrape(srv.port)
    read, write = ("stator_consumed_read_capacity_units_total",
                   "stator_consumed_write_capacity_units_total")
    assert value(after, write, table="Orders") - value(before, write, table="Orders") == 2
    assert value(after, read, table="Orders") - value(before, read, table="Orders") == 3
    assert value(after, "stator_requests_total", operation="ExecuteStatement", table="") == 2


def test_made_up_table_names_do_not_become_series(metered):
    srv, client = metered
    for i in range(5):
        with pytest.raises(botocore.exceptions.ClientError):
            client.get_item(TableName=f"Missing{i}", Key={"pk": {"S": "a"}})
    samples = scrape(srv.port)
    assert not [labels for (_, labels) in samples if ("table", "Missing0") in labels]
    assert value(samples, "stator_user_errors_total", operation="GetItem", table="") == 5


def test_a_deleted_tables_series_go(metered):
    srv, client = metered
    client.put_item(TableName="Orders", Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
    assert value(scrape(srv.port), "stator_requests_total", operation="PutItem", table="Orders") == 1
    client.delete_table(TableName="Orders")
    samples = scrape(srv.port)
    assert not [labels for (_, labels) in samples if ("table", "Orders") in labels]


def test_other_get_paths_still_answer_health(metered):
    srv, _ = metered
    status, _, body = raw_request(srv.port, None, b"", method="GET", path="/health")
    assert (status, body) == (200, b"healthy: dynamodb.us-east-1.amazonaws.com ")


def test_json_logs_with_one_line_per_request(start_server):
    srv = start_server(None, "--log-level", "debug", "--log-format", "json")
    client = srv.client()
    client.list_tables()
    with pytest.raises(botocore.exceptions.ClientError):
        client.describe_table(TableName="Nope")
    srv.stop()
    records = [json.loads(line) for line in srv.log_text().splitlines() if line.strip()]
    assert all(set(r) == {"time", "level", "thread", "message"} for r in records)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["time"]) for r in records)
    requests = [r for r in records if r["message"].startswith("request ")]
    assert [r["level"] for r in requests] == ["debug", "debug"]
    assert re.fullmatch(r"request operation=ListTables table= status=200 latency_us=\d+ "
                        r"request_id=[0-9A-Z]{52}", requests[0]["message"])
    assert "operation=DescribeTable table=Nope status=400" in requests[1]["message"]


def test_text_logs_have_no_request_lines_at_info(start_server):
    srv = start_server()
    srv.client().list_tables()
    srv.stop()
    text = srv.log_text()
    assert "ready" in text and "request operation=" not in text
    assert not text.lstrip().startswith("{")
