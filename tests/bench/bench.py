#!/usr/bin/env python3
"""Stator's benchmark driver; scripts/bench.sh builds what it needs and runs it.

It starts Stator (on disk, default durability) and, with --compare, the HTTP ceiling
(tests/bench/echo_server.cc) and DynamoDB Local in memory and on disk; measures start time and
idle memory, the CreateTable+DeleteTable cycle, then runs each wrk workload (tests/bench/wrk/)
against every server, interleaved (A B C A B C ...) after a warm-up, at each connection
count, and a full paginated Scan. With --full it also loads 1M and 10M items into a fresh
Stator (memory, GetItem latency against data size, DeleteTable of a large table). Prints
Markdown; exits non-zero if any run was void (a non-200 answer, a socket error) or the
harness failed, never because of speed.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

import dynamo
import report
import servers
import workloads

STARTS = {"stator": 5, "ddb-mem": 3, "ddb-disk": 3}
QUICK_WORKLOADS = "get,put"


def log(message):
    print(f"\033[1m==> {message}\033[0m", file=sys.stderr, flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--stator", required=True, help="the stator binary")
    p.add_argument("--echo", help="the echo_server binary (the HTTP ceiling)")
    p.add_argument("--ddblocal", help="DynamoDB Local's folder (DynamoDBLocal.jar)")
    p.add_argument("--ddblocal-version", default="", help="shown in the report")
    p.add_argument("--work-dir", required=True, help="for data directories and logs")
    p.add_argument("--compare", action="store_true",
                   help="also the HTTP ceiling and DynamoDB Local in memory and on disk")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: one 2 s run of GetItem and PutItem against Stator")
    p.add_argument("--full", action="store_true",
                   help="also memory and GetItem latency at 1M and --full-items items")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--duration", type=int, default=10, help="seconds per run")
    p.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per cell")
    p.add_argument("--connections", default="32,1")
    p.add_argument("--workloads", default=",".join(w.key for w in workloads.WORKLOADS) + ",scan")
    p.add_argument("--items", type=int, default=100_000, help="preloaded items")
    p.add_argument("--cycles", type=int, default=200, help="CreateTable+DeleteTable cycles")
    p.add_argument("--full-items", type=int, default=10_000_000)
    p.add_argument("--out", help="also write the Markdown to this file")
    p.add_argument("--command", default="", help="the command line shown in the report")
    args = p.parse_args()
    if args.quick:
        args.repeats, args.duration, args.warmup = 1, 2, 0
        args.connections, args.workloads, args.items = "32", QUICK_WORKLOADS, 10_000
    args.connections = [int(c) for c in args.connections.split(",")]
    args.workloads = args.workloads.split(",")
    unknown = set(args.workloads) - set(workloads.BY_KEY) - {"scan"}
    if unknown:
        p.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    if args.compare and not (args.echo and args.ddblocal):
        p.error("--compare needs --echo and --ddblocal")
    return args


def describe_machine(args):
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        ram = int(f.readline().split()[1]) * 1024
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" [")[0]
    commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)),
                             "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    lines = [f"Machine: {model}, {os.cpu_count()} cores, Linux {platform.release()}, "
             f"{ram / 2**30:.1f} GiB RAM; load average {os.getloadavg()[0]:.2f} at the start",
             f"Command: `{args.command or 'scripts/bench.sh'}`",
             f"Stator {commit} (release build); {wrk}"]
    if args.compare:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
        lines[-1] += (f"; DynamoDB Local from amplify-dynamodb-simulator "
                      f"{args.ddblocal_version} on {java.splitlines()[0] if java else 'java'}")
    return lines


def describe_settings(args, data):
    item = dynamo.item_size(dynamo.item(data["items"] // 2))
    warmup = f"after a {args.warmup} s warm-up" if args.warmup else "without warm-up"
    runs = f"{args.repeats} interleaved runs" if args.repeats > 1 else "1 run"
    return [f"Runs: wrk with 1 thread; {runs} of {args.duration} s per cell {warmup}; medians "
            "of the valid runs (a run with any non-200 answer or socket error is void)",
            f"Data: items of 5 attributes, about {item} bytes; {data['items']:,} preloaded items for "
            f"GetItem, UpdateItem, the mix and Scan; {data['query_partitions'] * 10:,} items in "
            f"partitions of 10 for Query; PutItem, BatchWriteItem and TransactWriteItems write "
            "new keys into a third table",
            "Before each run the harness waits (up to 60 s) for the rest of the machine to "
            "use under 0.15 cores",
            "Server CPU: the server process's user+system time (all threads, from /proc) over "
            "the run, divided by the requests served"]


def measure_starts(results, names, paths, work_dir):
    """Start time and idle RSS, each server alone on the machine."""
    for name in names:
        for i in range(STARTS.get(name, 0)):
            server = servers.start(name, paths, work_dir)
            try:
                results.starts.setdefault(name, []).append(server.ready_seconds)
                if i == 0:
                    time.sleep(1.0)
                    results.idle_rss[name] = server.rss_bytes()
            finally:
                server.stop()
        if name in results.starts:
            log(f"{servers.LABELS[name]}: first request served after "
                f"{statistics.median(results.starts[name]) * 1000:.1f} ms")


def wait_idle(server, limit=120.0):
    """Waits until the server uses under 5% of a core (background compaction done)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = server.cpu_seconds()
        time.sleep(1.0)
        if server.cpu_seconds() - before < 0.05:
            return


def preload(server, data, cycles, results):
    """The CreateTable+DeleteTable cycle, then the benchmark's tables and items."""
    client = dynamo.Client(server.port)
    try:
        if cycles:
            results.cycles[server.name] = dynamo.table_cycles(client, cycles)
            log(f"{server.label}: CreateTable+DeleteTable "
                f"{results.cycles[server.name] * 1000:.2f} ms")
        for table, sort_key in [("bench", False), ("bench_q", True), ("bench_w", False)]:
            dynamo.create_table(client, table, sort_key)
    finally:
        client.close()
    start = time.perf_counter()
    dynamo.load(server.port, "bench", dynamo.item, 0, data["items"])
    dynamo.load(server.port, "bench_q", dynamo.query_item, 0, data["query_partitions"] * 10)
    log(f"{server.label}: preloaded in {time.perf_counter() - start:.1f} s")
    wait_idle(server)
    results.preload_rss[server.name] = server.rss_bytes()


def wait_for_quiet(running, limit=60.0):
    """Waits up to `limit` seconds for the rest of the machine (everything but the servers)
    to use under 0.15 cores over half a second: other work on a 2-core machine skews a run
    more than anything measured. Returns False if it never got quiet."""
    deadline = time.monotonic() + limit
    while True:
        busy = workloads.machine_busy_seconds()
        own = sum(s.cpu_seconds() for s in running.values() if s.alive())
        time.sleep(0.5)
        busy = workloads.machine_busy_seconds() - busy
        own = sum(s.cpu_seconds() for s in running.values() if s.alive()) - own
        if busy - own < 0.075:
            return True
        if time.monotonic() > deadline:
            return False


def check_alive(running, results):
    for name, server in list(running.items()):
        if not server.alive():
            results.failures.append(f"{server.label} exited with {server.proc.returncode}; "
                                    f"{server.log_excerpt()}")
            del running[name]


def run_workloads(args, running, data, results):
    for key in [k for k in args.workloads if k != "scan"]:
        workload = workloads.BY_KEY[key]
        for connections in args.connections:
            log(f"{workload.label}, {connections} connections")
            if args.warmup:
                for server in list(running.values()):
                    run = workloads.run_wrk(server, workload, connections, args.warmup, data)
                    if run.void:
                        log(f"  warm-up against {server.label} void: {run.error}")
                check_alive(running, results)
            for _ in range(args.repeats):
                for server in list(running.values()):
                    if not wait_for_quiet(running):
                        log("  other processes keep the machine busy; measuring anyway")
                    run = workloads.run_wrk(server, workload, connections, args.duration, data)
                    results.runs.append(run)
                    log(f"  {server.label}: {run.rate:,.0f} req/s, p99 {run.p99_us / 1000:.2f} ms, "
                        f"{run.cpu_us_per_request:.1f} µs CPU/req, other load "
                        f"{run.other_cpu_seconds / max(run.seconds, 1e-9):.2f} cores" +
                        (f"  VOID: {run.error}" if run.void else ""))
                check_alive(running, results)


def run_scans(args, running, data, results):
    results.scan_items = data["items"]
    log(f"Scan of {data['items']:,} items")
    for _ in range(args.repeats):
        for server in [s for s in running.values() if s.name != "ceiling"]:
            run = workloads.run_scan(server, "bench", data["items"])
            results.scans.append(run)
            log(f"  {server.label}: {run.seconds:.3f} s" + (f"  VOID: {run.error}"
                                                           if run.void else ""))
        check_alive(running, results)


def run_full(args, paths, work_dir, results):
    """A fresh Stator grown to 100k, 1M and --full-items items: RSS and data size at each,
    GetItem latency at the smallest and largest, then how long DeleteTable of the largest
    table takes to return and whether its space comes back."""
    full = results.full
    stages = sorted({min(n, args.full_items) for n in (100_000, 1_000_000, args.full_items)})
    full.update(big_items=args.full_items, rss={}, disk={}, p50={})
    server = servers.start("stator", paths, work_dir)
    client = dynamo.Client(server.port)
    try:
        dynamo.create_table(client, "big")
        loaded, load_seconds = 0, 0.0
        for target in stages:
            log(f"--full: loading to {target:,} items")
            start = time.perf_counter()
            dynamo.load(server.port, "big", dynamo.item, loaded, target - loaded)
            load_seconds += time.perf_counter() - start
            loaded = target
            wait_idle(server, limit=600)
            full["rss"][target], full["disk"][target] = server.rss_bytes(), server.disk_bytes()
            if target in (stages[0], stages[-1]):
                for connections in (1, 32):
                    full["p50"][target, connections] = get_p50(args, server, target, connections)
        full["load_rate"] = loaded / load_seconds
        start = time.perf_counter()
        client.call("DeleteTable", {"TableName": "big"})
        full["delete_ms"] = (time.perf_counter() - start) * 1000
        time.sleep(30)
        full["disk_after_delete"] = server.disk_bytes()
    finally:
        client.close()
        server.stop()


def get_p50(args, server, keys, connections):
    """Median p50 of GetItem over `keys` items of table big, after a warm-up."""
    get = workloads.BY_KEY["get"]
    data = {"items": keys, "query_partitions": 1}
    workloads.run_wrk(server, get, connections, max(args.warmup, 1), data, "big", keys)
    runs = [workloads.run_wrk(server, get, connections, args.duration, data, "big", keys)
            for _ in range(args.repeats)]
    void = [r for r in runs if r.void]
    if void:
        raise RuntimeError(f"GetItem at {keys:,} items: {void[0].error}")
    p50 = statistics.median(r.p50_us for r in runs)
    log(f"  GetItem at {keys:,} items, {connections} connections: p50 {p50 / 1000:.3f} ms")
    return p50


def main():
    args = parse_args()
    work_dir = os.path.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    paths = {name: os.path.abspath(path) if path else None for name, path in
             [("stator", args.stator), ("echo", args.echo), ("ddblocal", args.ddblocal)]}
    names = ["stator"] + (["ceiling", "ddb-mem", "ddb-disk"] if args.compare else [])
    data = {"items": args.items, "query_partitions": max(1, args.items // 100)}
    results = report.Results(command=args.command, machine=describe_machine(args),
                             settings=describe_settings(args, data), names=names)
    running = {}
    try:
        log("start times and idle memory")
        measure_starts(results, names, paths, work_dir)
        for name in names:
            running[name] = servers.start(name, paths, work_dir)
            if name != "ceiling":
                preload(running[name], data, args.cycles, results)
        run_workloads(args, running, data, results)
        if "scan" in args.workloads:
            run_scans(args, running, data, results)
        for server in running.values():
            results.final_rss[server.name] = server.rss_bytes()
        for server in running.values():
            server.stop()
        running.clear()
        if args.full:
            run_full(args, paths, work_dir, results)
    except Exception as e:  # noqa: BLE001 - reported, and the exit code says so
        results.failures.append(f"the harness failed: {type(e).__name__}: {e}")
    finally:
        for server in running.values():
            server.stop()
    markdown = report.render(results)
    print(markdown)
    if args.out:
        with open(args.out, "w") as f:
            f.write(markdown)
    # A Stator run in which no request completed is as broken as a void one.
    bad = [r for r in results.runs if r.void or (r.server == "stator" and not r.requests)]
    bad += [s for s in results.scans if s.void]
    checks = (len(results.runs) + len(results.scans) + len(results.starts)
              + len(results.cycles))
    failed = len(bad) + len(results.failures)
    print(f"bench: {checks - len(bad)} passed, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
