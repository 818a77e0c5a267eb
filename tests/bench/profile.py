"""Instructions per request, counted by callgrind: the measure of CPU cost that does not
depend on what else the machine is doing (scripts/profile.sh runs it; docs/performance.md
has the results).

Starts Stator in memory under `valgrind --tool=callgrind`, preloads the benchmark's tables
(the items of tests/bench/dynamo.py, over one connection so the load is the same every
time), then for each workload: sends a warm-up, zeroes callgrind's counters, sends exactly
--requests requests on one keep-alive connection, dumps the counters and divides the total
instructions of all the server's threads by the requests. The request bodies and headers
are those of tests/bench/wrk/*.lua; keys come from a seeded generator, so a run sends the
same bytes every time. The client is a plain socket in this process, outside the profile.

Prints one line per workload and leaves callgrind's files in --out-dir (one per workload,
callgrind.<workload>.out) for callgrind_annotate."""

import argparse
import glob
import os
import platform
import random
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dynamo  # noqa: E402

LISTENING = re.compile(rb"listening on 127\.0\.0\.1:(\d+)")
GET_ITEMS = 10_000          # table bench: k0000000 .. k0009999
QUERY_PARTITIONS = 1_000    # table bench_q: 10 items in each of q0000000 .. q0000999
PUT_SPACE = 1_000_000       # table bench_w: PutItem of keys w0000000 .. w0999999


def item_json(key_members, i):
    """tests/bench/wrk/common.lua's M.item."""
    return ("{" + key_members + ',"name":{"S":"' + dynamo.NAME + '"},"email":{"S":"' +
            dynamo.EMAIL + '"},"n":{"N":"' + str(i) + '"},"c":{"N":"0"}}')


def pk(prefix, i):
    return '"pk":{"S":"' + dynamo.key(prefix, i) + '"}'


# workload -> (operation, body of request i from a seeded generator), as tests/bench/wrk/.
def get_body(rng):
    return '{"TableName":"bench","Key":{' + pk("k", rng.randrange(GET_ITEMS)) + '}}'


def put_body(rng):
    i = rng.randrange(PUT_SPACE)
    return '{"TableName":"bench_w","Item":' + item_json(pk("w", i), i) + '}'


def update_body(rng):
    return ('{"TableName":"bench","Key":{' + pk("k", rng.randrange(GET_ITEMS)) +
            '},"UpdateExpression":"SET c = c + :one",' +
            '"ExpressionAttributeValues":{":one":{"N":"1"}}}')


def query_body(rng):
    p = dynamo.key("q", rng.randrange(QUERY_PARTITIONS))
    return ('{"TableName":"bench_q","KeyConditionExpression":"pk = :p",' +
            '"ExpressionAttributeValues":{":p":{"S":"' + p + '"}}}')


WORKLOADS = {
    "get": ("GetItem", get_body),
    "put": ("PutItem", put_body),
    "update": ("UpdateItem", update_body),
    "query": ("Query", query_body),
}


class RawClient:
    """One keep-alive connection sending requests framed exactly as tests/bench/wrk/common.lua
    does, one at a time; every answer must be a 200."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host = f"127.0.0.1:{port}"
        self.pending = b""

    def call(self, operation, body):
        data = body.encode()
        head = (f"POST / HTTP/1.1\r\nHost: {self.host}\r\n"
                f"X-Amz-Target: DynamoDB_20120810.{operation}\r\n"
                "Content-Type: application/x-amz-json-1.0\r\n"
                f"Authorization: {dynamo.AUTH}\r\n"
                "X-Amz-Date: 20260101T000000Z\r\n"
                f"Content-Length: {len(data)}\r\n\r\n")
        self.sock.sendall(head.encode() + data)
        status, answer = self._read_response()
        if status != 200:
            raise RuntimeError(f"{operation} answered {status}: {answer[:300]!r}")
        return answer

    def _read_response(self):
        while b"\r\n\r\n" not in self.pending:
            self._receive()
        head, self.pending = self.pending.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(self.pending) < length:
            self._receive()
        body, self.pending = self.pending[:length], self.pending[length:]
        return status, body

    def _receive(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeError("the server closed the connection")
        self.pending += chunk

    def close(self):
        self.sock.close()


def start_server(stator, out_dir, threads):
    log = open(os.path.join(out_dir, "stator.log"), "wb")
    # Without address-space randomisation: RocksDB seeds its memtable's skip-list heights
    # from thread ids (addresses), and the memtable's shape changes the cost of every
    # lookup by a few percent from run to run otherwise.
    args = ["setarch", platform.machine(), "-R", "valgrind", "--tool=callgrind", f"--log-file={out_dir}/valgrind.log",
            f"--callgrind-out-file={out_dir}/callgrind.raw.%p", stator, "--in-memory",
            "--port", "0", "--threads", str(threads),
            # No time-to-live sweep during the measurement (the 60 s upkeep of change logs
            # finds none to trim: these tables have no stream).
            "--ttl-interval", "86400"]
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"stator exited; see {out_dir}/stator.log")
        with open(log.name, "rb") as f:
            match = LISTENING.search(f.read())
        if match:
            return proc, int(match.group(1))
        time.sleep(0.2)
    raise RuntimeError("stator did not start")


def callgrind_control(option, pid):
    subprocess.run(["callgrind_control", option, str(pid)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def dumped_total(out_dir, pid, seen):
    """The total Ir of the dump callgrind_control -d just wrote, and its path."""
    new = sorted(set(glob.glob(f"{out_dir}/callgrind.raw.{pid}.*")) - seen)
    if len(new) != 1:
        raise RuntimeError(f"expected one new dump, found {new}")
    with open(new[0]) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1]), new[0]
    raise RuntimeError(f"no totals in {new[0]}")


def preload(port):
    client = dynamo.Client(port, timeout=600)
    try:
        for table, sort_key in [("bench", False), ("bench_q", True), ("bench_w", False)]:
            dynamo.create_table(client, table, sort_key)
    finally:
        client.close()
    dynamo.load(port, "bench", dynamo.item, 0, GET_ITEMS, connections=1)
    dynamo.load(port, "bench_q", dynamo.query_item, 0, QUERY_PARTITIONS * 10, connections=1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--stator", required=True)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--workloads", default="get,put,update,query")
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--warmup", type=int, default=200)
    # One I/O thread: which thread serves a request changes nothing but the counts' noise.
    p.add_argument("--threads", type=int, default=1, help="Stator's I/O threads")
    args = p.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    for old in glob.glob(f"{args.out_dir}/callgrind.*"):
        os.remove(old)

    proc, port = start_server(args.stator, args.out_dir, args.threads)
    results = []
    try:
        preload(port)
        client = RawClient(port)
        seen = set()
        for name in args.workloads.split(","):
            operation, make_body = WORKLOADS[name]
            rng = random.Random(9)
            for _ in range(args.warmup):
                client.call(operation, make_body(rng))
            bodies = [make_body(rng) for _ in range(args.requests)]
            callgrind_control("-z", proc.pid)
            for body in bodies:
                client.call(operation, body)
            callgrind_control("-d", proc.pid)
            total, path = dumped_total(args.out_dir, proc.pid, seen)
            seen.add(path)
            os.replace(path, f"{args.out_dir}/callgrind.{name}.out")
            results.append((name, operation, total))
            print(f"{operation:<10} {total // args.requests:>10,} instructions per request "
                  f"({total:,} for {args.requests})", flush=True)
        client.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
