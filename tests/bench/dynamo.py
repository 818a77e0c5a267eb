"""A small DynamoDB client for the benchmark: tables, the preload, the paginated Scan and the
CreateTable+DeleteTable cycle. Plain http.client, so the harness needs no SDK; requests carry
the same headers as the wrk workloads (tests/bench/wrk/common.lua)."""

import http.client
import json
import threading
import time

AUTH = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0")
# The same item as tests/bench/wrk/common.lua: 5 attributes, about 200 bytes.
NAME = "abcdefghij" * 13
EMAIL = "someone.with.a.long.address@example.com"
QUERY_ITEMS_PER_PARTITION = 10
TABLE_TIMEOUT = 60.0


class DynamoError(Exception):
    """A non-200 answer: the operation, the request and the response, for the report."""

    def __init__(self, op, body, status, answer):
        super().__init__(f"{op} answered {status}: {answer[:500]!r}\n  request: {body[:500]!r}")
        self.op, self.status, self.answer = op, status, answer


class Client:
    """One keep-alive connection to a DynamoDB endpoint on 127.0.0.1. Not thread-safe."""

    def __init__(self, port, timeout=60.0):
        self.port, self.timeout = port, timeout
        self.conn = None

    def call(self, op, body):
        """Sends one request; returns the decoded answer or raises DynamoError."""
        data = json.dumps(body, separators=(",", ":"))
        status, answer = self.raw(op, data)
        if status != 200:
            raise DynamoError(op, data, status, answer)
        return json.loads(answer) if answer else {}

    def raw(self, op, data):
        """Sends one request; returns (status, response body as text). A kept-alive
        connection the server has closed meanwhile (idle timeout) is replaced once."""
        headers = {"X-Amz-Target": "DynamoDB_20120810." + op,
                   "Content-Type": "application/x-amz-json-1.0",
                   "Authorization": AUTH, "X-Amz-Date": "20260101T000000Z"}
        while True:
            reused = self.conn is not None
            if not reused:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=self.timeout)
            try:
                self.conn.request("POST", "/", data.encode(), headers)
                resp = self.conn.getresponse()
                return resp.status, resp.read().decode(errors="replace")
            except (OSError, http.client.HTTPException):
                self.close()
                if not reused:
                    raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def key(prefix, i):
    return f"{prefix}{i:07d}"


def item(i, prefix="k"):
    """Item i of a table keyed by pk alone (the GetItem/UpdateItem/Scan table)."""
    return {"pk": {"S": key(prefix, i)}, "name": {"S": NAME}, "email": {"S": EMAIL},
            "n": {"N": str(i)}, "c": {"N": "0"}}


def query_item(i):
    """Item i of the Query table: partition q{i // 10}, sort key s{i % 10}."""
    partition, sort = divmod(i, QUERY_ITEMS_PER_PARTITION)
    return {"pk": {"S": key("q", partition)}, "sk": {"S": f"s{sort:02d}"}, "name": {"S": NAME},
            "email": {"S": EMAIL}, "n": {"N": str(i)}}


def item_size(attributes):
    """DynamoDB's size of an item of strings and small numbers: names plus values."""
    return sum(len(name) + len(next(iter(v.values()))) for name, v in attributes.items())


def create_table(client, name, sort_key=False):
    """Creates an on-demand table keyed by pk (and sk) and waits until it is ACTIVE."""
    attributes = [{"AttributeName": "pk", "AttributeType": "S"}]
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    if sort_key:
        attributes.append({"AttributeName": "sk", "AttributeType": "S"})
        schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
    answer = client.call("CreateTable", {"TableName": name, "AttributeDefinitions": attributes,
                                         "KeySchema": schema,
                                         "BillingMode": "PAY_PER_REQUEST"})
    if answer["TableDescription"]["TableStatus"] != "ACTIVE":
        wait_for_table(client, name)


def wait_for_table(client, name):
    deadline = time.monotonic() + TABLE_TIMEOUT
    while time.monotonic() < deadline:
        if client.call("DescribeTable", {"TableName": name})["Table"]["TableStatus"] == "ACTIVE":
            return
        time.sleep(0.01)
    raise RuntimeError(f"table {name} not ACTIVE after {TABLE_TIMEOUT}s")


def load(port, table, make_item, start, count, connections=4):
    """Writes items start .. start+count-1 (make_item(i)) with BatchWriteItem of 25 over
    `connections` connections; retries UnprocessedItems. Raises on any non-200."""
    batches = [(b, min(b + 25, start + count)) for b in range(start, start + count, 25)]
    lock = threading.Lock()
    errors = []

    def worker():
        client = Client(port)
        try:
            while True:
                with lock:
                    if not batches or errors:
                        return
                    first, end = batches.pop()
                pending = {table: [{"PutRequest": {"Item": make_item(i)}}
                                   for i in range(first, end)]}
                while pending:
                    answer = client.call("BatchWriteItem", {"RequestItems": pending})
                    pending = answer.get("UnprocessedItems") or {}
        except Exception as e:  # noqa: BLE001 - reported by the caller
            with lock:
                errors.append(e)
        finally:
            client.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def scan_all(client, table):
    """A full paginated Scan; returns (items, pages)."""
    items = pages = 0
    body = {"TableName": table}
    while True:
        answer = client.call("Scan", body)
        items += answer["Count"]
        pages += 1
        if "LastEvaluatedKey" not in answer:
            return items, pages
        body["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def table_cycles(client, cycles):
    """Mean seconds of CreateTable (until ACTIVE) + DeleteTable, over `cycles` cycles."""
    start = time.perf_counter()
    for i in range(cycles):
        name = f"cycle{i}"
        create_table(client, name)
        client.call("DeleteTable", {"TableName": name})
    return (time.perf_counter() - start) / cycles
