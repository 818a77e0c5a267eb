#!/usr/bin/env python3
"""Sends the same requests to Stator and to DynamoDB Local and prints where the answers differ.

Not part of CI: it needs DynamoDB Local running (from the npm package amplify-dynamodb-simulator,
folder emulator/: java -Djava.library.path=DynamoDBLocal_lib -jar DynamoDBLocal.jar -inMemory
-port 8001). DynamoDB Local is an imperfect oracle (docs/compatibility.md lists where it is known
to be wrong), so a difference is a place to look, not a verdict.

Usage: compare.py [--stator URL] [--oracle URL] [cases.json]
  cases.json: a list of {"op": "PutItem", "body": {...}}; default: cases.json beside this file.
"""
import argparse
import http.client
import json
import os
import sys
import urllib.parse

AUTH = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc")
VOLATILE = {"TableId", "CreationDateTime", "LastUpdateToPayPerRequestDateTime", "TableArn",
            "LatestStreamLabel", "LatestStreamArn", "IndexArn"}


def call(url, op, body):
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    conn.request("POST", "/", json.dumps(body), {
        "X-Amz-Target": "DynamoDB_20120810." + op,
        "Content-Type": "application/x-amz-json-1.0",
        "Authorization": AUTH, "X-Amz-Date": "20260101T000000Z"})
    resp = conn.getresponse()
    data = resp.read()
    try:
        parsed_body = json.loads(data) if data else None
    except ValueError:
        parsed_body = data.decode(errors="replace")
    return resp.status, normalise(parsed_body)


def normalise(value):
    """Drops fields that differ by nature and folds the message key's case."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in VOLATILE:
                continue
            out["message" if k == "Message" else k] = normalise(v)
        return out
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--stator", default="http://localhost:8000")
    parser.add_argument("--oracle", default="http://localhost:8001")
    parser.add_argument("cases", nargs="?", default=os.path.join(here, "cases.json"))
    args = parser.parse_args()
    with open(args.cases) as f:
        cases = json.load(f)
    differences = 0
    for i, case in enumerate(cases):
        ours = call(args.stator, case["op"], case["body"])
        theirs = call(args.oracle, case["op"], case["body"])
        if ours != theirs:
            differences += 1
            print(f"#{i} {case['op']} {json.dumps(case['body'])[:200]}")
            print(f"  stator: {ours}")
            print(f"  oracle: {theirs}")
    print(f"{len(cases) - differences} same, {differences} different")
    return 0


if __name__ == "__main__":
    sys.exit(main())
