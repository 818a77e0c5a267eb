#!/usr/bin/env python3
"""How long the admin API's database snapshots, restores and resets take, by item count:
docs/performance.md, "Snapshots, restores and resets".

    python3 tests/bench/admin_timings.py --binary build/stator [--items 1000,100000] [--repeats 3]

For each item count and each storage (in memory, on disk) it starts a fresh Stator, loads one
table of that many items (about 200 bytes each, keyed by pk and sk, with a local index on `l`
and a global index on `g`: three records per item), then repeats: take a snapshot, restore
it, reset, restore it again into the emptied database, delete it. Each step is one admin
request, timed by the client; the table prints the median of the repeats in milliseconds."""

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dynamo import EMAIL, NAME, Client, load, wait_for_table  # noqa: E402
from servers import Server  # noqa: E402

TABLE = "timed"
STEPS = ["snapshot", "restore", "reset", "restore into empty", "delete snapshot"]


def item(i):
    partition, sort = divmod(i, 10)
    return {"pk": {"S": f"p{partition:07d}"}, "sk": {"S": f"s{sort:02d}"},
            "l": {"S": f"l{i % 7}"}, "g": {"S": f"g{i % 100}"},
            "name": {"S": NAME}, "email": {"S": EMAIL}, "n": {"N": str(i)}}


def create_table(client):
    attributes = [{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "l", "g")]
    client.call("CreateTable", {
        "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": attributes,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}],
        "LocalSecondaryIndexes": [{"IndexName": "by_l", "Projection": {"ProjectionType": "ALL"},
                                   "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                 {"AttributeName": "l", "KeyType": "RANGE"}]}],
        "GlobalSecondaryIndexes": [{"IndexName": "by_g", "Projection": {"ProjectionType": "ALL"},
                                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}]})
    wait_for_table(client, TABLE)


def admin(port, method, path, body=None):
    """One admin request; returns the seconds it took. Raises unless it answers 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    data = json.dumps(body).encode() if body is not None else b""
    start = time.perf_counter()
    conn.request(method, path, data)
    resp = conn.getresponse()
    answer = resp.read()
    took = time.perf_counter() - start
    conn.close()
    if resp.status != 200:
        raise RuntimeError(f"{method} {path} answered {resp.status}: {answer[:300]!r}")
    return took


def item_count(client):
    return client.call("DescribeTable", {"TableName": TABLE})["Table"]["ItemCount"]


def measure(binary, items, in_memory, repeats, work_dir):
    data_dir = None if in_memory else tempfile.mkdtemp(prefix="stator-", dir=work_dir)
    storage = ["--in-memory"] if in_memory else ["--data-dir", data_dir]
    server = Server("stator", [binary, "--port", "0", *storage], work_dir, data_dir=data_dir)
    try:
        client = Client(server.port)
        create_table(client)
        load(server.port, TABLE, item, 0, items)
        assert item_count(client) == items
        times = {step: [] for step in STEPS}
        for r in range(repeats):
            name = f"s{r}"
            times["snapshot"].append(admin(server.port, "POST", "/_stator/snapshots",
                                           {"name": name}))
            times["restore"].append(admin(server.port, "POST",
                                          f"/_stator/snapshots/{name}/restore"))
            times["reset"].append(admin(server.port, "POST", "/_stator/reset"))
            assert item_count(client) == 0
            times["restore into empty"].append(
                admin(server.port, "POST", f"/_stator/snapshots/{name}/restore"))
            assert item_count(client) == items
            times["delete snapshot"].append(admin(server.port, "DELETE",
                                                  f"/_stator/snapshots/{name}"))
        client.close()
        return {step: statistics.median(t) * 1000 for step, t in times.items()}
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default="build/stator")
    parser.add_argument("--items", default="1000,100000")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work_dir = tempfile.mkdtemp(prefix="stator-admin-timings-")
    rows = []
    for count in [int(n) for n in args.items.split(",")]:
        for in_memory in (True, False):
            where = "in memory" if in_memory else "on disk"
            print(f"{count} items, {where} ...", file=sys.stderr)
            rows.append((count, where, measure(args.binary, count, in_memory, args.repeats,
                                               work_dir)))
    print("| items | storage | " + " | ".join(STEPS) + " |")
    print("|---|---|" + "---|" * len(STEPS))
    for count, where, ms in rows:
        print(f"| {count:,} | {where} | " + " | ".join(f"{ms[s]:.1f}" for s in STEPS) + " |")


if __name__ == "__main__":
    main()
