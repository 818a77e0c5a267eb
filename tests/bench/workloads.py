"""The measured runs: wrk workloads (tests/bench/wrk/*.lua) and the loader-timed Scan, each with the
server's CPU time read from /proc before and after."""

import dataclasses
import os
import re
import resource
import statistics
import subprocess
import time

import dynamo

WRK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wrk")
RESULT = re.compile(r"^BENCH requests=(\d+) duration_us=(\d+) non200=(\d+) socket_errors=(\d+) "
                    r"p50_us=(\d+) p99_us=(\d+)$", re.M)
FIRST_ERROR = re.compile(r"^BENCH first_error=(.*)$", re.M)


@dataclasses.dataclass(frozen=True)
class Workload:
    key: str
    label: str
    script: str
    table: str
    items_per_request: int = 1


# In the order they run: reads first, then the writes that only add to bench_w.
WORKLOADS = [
    Workload("get", "GetItem", "get_item.lua", "bench"),
    Workload("query", "Query (10 items)", "query.lua", "bench_q"),
    Workload("update", "UpdateItem `SET c = c + :one`", "update_item.lua", "bench"),
    Workload("mix", "50/50 GetItem/PutItem", "get_put_mix.lua", "bench"),
    Workload("put", "PutItem", "put_item.lua", "bench_w"),
    Workload("batch", "BatchWriteItem (25 puts)", "batch_write.lua", "bench_w", 25),
    Workload("transact", "TransactWriteItems (4 puts)", "transact_write.lua", "bench_w", 4),
]
BY_KEY = {w.key: w for w in WORKLOADS}


@dataclasses.dataclass
class Run:
    """One measured run. Void when anything but a 200 came back or wrk failed; a run in which
    no request completed (a server slower than the run is long) is not void but has no
    figures."""
    server: str
    workload: str
    connections: int
    requests: int = 0
    seconds: float = 0.0
    non200: int = 0
    socket_errors: int = 0
    p50_us: int = 0
    p99_us: int = 0
    cpu_seconds: float = 0.0
    other_cpu_seconds: float = 0.0  # the machine's busy time beyond the server's and wrk's
    error: str = ""  # the first non-200 answer, or why the run failed

    @property
    def void(self):
        return bool(self.error or self.non200 or self.socket_errors)

    @property
    def valid(self):
        return not self.void and self.requests > 0

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_us_per_request(self):
        return self.cpu_seconds * 1e6 / self.requests if self.requests else 0.0


def machine_busy_seconds():
    """CPU time the whole machine has spent running processes (all cores), from /proc/stat:
    user, nice, system and steal. Interrupt time, which on loopback includes much of the
    TCP work of the server and wrk alike, is left out."""
    with open("/proc/stat") as f:
        user, nice, system, _, _, _, _, steal = (int(t) for t in f.readline().split()[1:9])
    return (user + nice + system + steal) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def settle(server, limit=30.0):
    """Waits until `server` uses under 10% of a core over 0.2 s (requests still queued from
    the last run and background compaction are done), so the next run starts quiet."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and server.alive():
        before = server.cpu_seconds()
        time.sleep(0.2)
        if server.cpu_seconds() - before < 0.02:
            return


def wrk_args(workload, data):
    """The script arguments of `workload`; data: the preload's sizes."""
    args = {"table": workload.table}
    if workload.key in ("get", "update", "mix"):
        args["keys"] = data["items"]
    if workload.key == "query":
        args["partitions"] = data["query_partitions"]
    return [f"{k}={v}" for k, v in args.items()]


def run_wrk(server, workload, connections, seconds, data, table=None, keys=None):
    """Runs `workload` against `server` with wrk (1 thread) for `seconds`; returns a Run.
    table/keys override the workload's table and key count (the 10M-item GetItem)."""
    run = Run(server.name, workload.key, connections)
    args = wrk_args(workload, data)
    if table:
        args = [a for a in args if not a.startswith(("table=", "keys="))]
        args += [f"table={table}", f"keys={keys}"]
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
               "-s", os.path.join(WRK_DIR, workload.script), f"http://127.0.0.1:{server.port}",
               "--", *args]
    try:
        cpu_before = server.cpu_seconds()
        busy_before, wrk_before = machine_busy_seconds(), children_cpu_seconds()
        out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
        cpu_after = server.cpu_seconds()
        busy, wrk = machine_busy_seconds() - busy_before, children_cpu_seconds() - wrk_before
    except (OSError, subprocess.TimeoutExpired) as e:
        run.error = f"wrk or the server failed: {e}"
        return run
    match = RESULT.search(out.stdout)
    if out.returncode != 0 or not match:
        run.error = f"wrk exited {out.returncode}: {(out.stderr or out.stdout)[-500:]}"
        return run
    requests, duration_us, run.non200, run.socket_errors, run.p50_us, run.p99_us = (
        int(g) for g in match.groups())
    run.requests, run.seconds = requests, duration_us / 1e6
    run.cpu_seconds = cpu_after - cpu_before
    run.other_cpu_seconds = max(0.0, busy - wrk - run.cpu_seconds)
    settle(server)
    first = FIRST_ERROR.search(out.stdout)
    if first:
        run.error = first.group(1)[:1000]
    elif run.socket_errors:
        run.error = f"{run.socket_errors} socket errors or timeouts"
    return run


@dataclasses.dataclass
class ScanRun:
    server: str
    items: int = 0
    pages: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    error: str = ""

    @property
    def void(self):
        return bool(self.error)


def run_scan(server, table, expected_items):
    """A full paginated Scan of `table`, timed by the client."""
    run = ScanRun(server.name)
    client = dynamo.Client(server.port)
    try:
        cpu_before = server.cpu_seconds()
        start = time.perf_counter()
        run.items, run.pages = dynamo.scan_all(client, table)
        run.seconds = time.perf_counter() - start
        run.cpu_seconds = server.cpu_seconds() - cpu_before
        if run.items != expected_items:
            run.error = f"scanned {run.items} items, expected {expected_items}"
    except (OSError, dynamo.DynamoError) as e:
        run.error = str(e)
    finally:
        client.close()
    return run


@dataclasses.dataclass
class Summary:
    """The medians of a cell's valid runs."""
    runs: int
    valid: int
    void: int
    rate: float = 0.0
    p50_us: float = 0.0
    p99_us: float = 0.0
    cpu_us: float = 0.0


def summarise(runs):
    valid = [r for r in runs if r.valid]
    summary = Summary(len(runs), len(valid), sum(r.void for r in runs))
    if valid:
        summary.rate = statistics.median(r.rate for r in valid)
        summary.p50_us = statistics.median(r.p50_us for r in valid)
        summary.p99_us = statistics.median(r.p99_us for r in valid)
        summary.cpu_us = statistics.median(r.cpu_us_per_request for r in valid)
    return summary
