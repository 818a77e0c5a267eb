"""Turns the benchmark's results into Markdown: the machine, the workload tables with ratios,
Scan, start/memory/table figures, and issue 9's targets with met or not met and by how much."""

import dataclasses
import statistics

from servers import LABELS
from workloads import BY_KEY, WORKLOADS, summarise

# Throughput (fraction of the ceiling's req/s) and CPU (multiple of the ceiling's CPU per
# request) targets of single-request workloads, at 32 connections.
THROUGHPUT_TARGETS = {"get": 0.70, "put": 0.70, "update": 0.70, "mix": 0.70, "query": 0.50}
CPU_TARGETS = {"get": 2.0, "put": 3.0, "update": 3.0, "mix": 3.0, "query": 4.0}
P99_TARGET = 2.0
START_TARGET_MS = 50.0
IDLE_RSS_TARGET_MB = 20.0
CYCLE_TARGET_MS = 2.0
DELETE_TARGET_MS = 10.0
SIZE_P50_TARGET = 1.5


@dataclasses.dataclass
class Results:
    command: str
    machine: list  # "name: value" lines
    settings: list  # lines describing the runs
    names: list  # servers in the run, in column order
    starts: dict = dataclasses.field(default_factory=dict)  # name -> [seconds]
    idle_rss: dict = dataclasses.field(default_factory=dict)  # name -> bytes
    cycles: dict = dataclasses.field(default_factory=dict)  # name -> mean seconds
    preload_rss: dict = dataclasses.field(default_factory=dict)  # name -> bytes
    final_rss: dict = dataclasses.field(default_factory=dict)  # name -> bytes
    runs: list = dataclasses.field(default_factory=list)  # workloads.Run
    scans: list = dataclasses.field(default_factory=list)  # workloads.ScanRun
    scan_items: int = 0
    # --full: big_items; rss, disk: items -> bytes; p50: (items, connections) -> µs;
    # delete_ms; disk_after_delete; load_rate (items/s).
    full: dict = dataclasses.field(default_factory=dict)
    failures: list = dataclasses.field(default_factory=list)


def mb(value):
    return f"{value / 1e6:,.1f} MB"


def ms(us):
    """Microseconds as milliseconds to 3 significant digits."""
    value = us / 1000
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def ratio(value):
    return f"{value:.2f}×" if value < 10 else f"{value:,.0f}×"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def cell_summaries(results):
    """(workload, connections, server) -> Summary, for the cells that ran."""
    keys = {(r.workload, r.connections, r.server) for r in results.runs}
    return {k: summarise([r for r in results.runs if (r.workload, r.connections, r.server) == k])
            for k in keys}


def workload_tables(results, cells):
    out = []
    for connections in sorted({k[1] for k in cells}, reverse=True):
        rows = []
        for w in WORKLOADS:
            stator = cells.get((w.key, connections, "stator"))
            for name in results.names:
                s = cells.get((w.key, connections, name))
                if s is None:
                    continue
                valid = f"{s.valid}/{s.runs}"
                if not s.valid:
                    what = "void" if s.void else "none completed"
                    rows.append([w.label, LABELS[name], what, "", "", "", valid, "", ""])
                    continue
                rate = f"{s.rate:,.0f}"
                if w.items_per_request > 1:
                    rate += f" ({s.rate * w.items_per_request:,.0f} items/s)"
                vs_rate = vs_cpu = "—"
                if name != "stator" and stator and stator.valid:
                    vs_rate = ratio(stator.rate / s.rate)
                    vs_cpu = ratio(stator.cpu_us / s.cpu_us) if s.cpu_us else "—"
                rows.append([w.label, LABELS[name], rate, ms(s.p50_us), ms(s.p99_us),
                             f"{s.cpu_us:,.1f}", valid, vs_rate, vs_cpu])
        plural = "s" if connections > 1 else ""
        out.append(f"### {connections} connection{plural}\n\n" + table(
            ["workload", "server", "req/s", "p50 ms", "p99 ms", "server CPU µs/req",
             "valid runs", "Stator ÷ server: req/s", "Stator ÷ server: CPU/req"], rows))
    return out


def scan_table(results):
    rows = []
    stator = [s for s in results.scans if s.server == "stator" and not s.void]
    stator_s = statistics.median(s.seconds for s in stator) if stator else None
    for name in results.names:
        runs = [s for s in results.scans if s.server == name]
        if not runs:
            continue
        valid = [s for s in runs if not s.void]
        if not valid:
            rows.append([LABELS[name], "void", "", "", "", f"0/{len(runs)}", ""])
            continue
        seconds = statistics.median(s.seconds for s in valid)
        cpu = statistics.median(s.cpu_seconds for s in valid)
        vs = ratio(seconds / stator_s) if stator_s and name != "stator" else "—"
        rows.append([LABELS[name], f"{seconds:.3f}", f"{results.scan_items / seconds:,.0f}",
                     valid[0].pages, f"{cpu * 1000:,.0f}", f"{len(valid)}/{len(runs)}", vs])
    return table(["server", "s per full Scan", "items/s", "pages", "server CPU ms", "valid runs",
                  "server time ÷ Stator time"], rows)


def figures_table(results):
    names = [n for n in results.names if n != "ceiling"]

    def row(label, values, fmt):
        return [label] + [fmt(values[n]) if n in values else "" for n in names]

    median = {n: statistics.median(v) for n, v in results.starts.items() if v}
    rows = [
        row("start to first served request, ms (median of "
            + ", ".join(f"{len(results.starts[n])}" for n in names if n in results.starts)
            + " starts)", median, lambda s: f"{s * 1000:,.1f}"),
        row("RSS idle (1 s after start)", results.idle_rss, mb),
        row("CreateTable + DeleteTable cycle, ms (mean)", results.cycles,
            lambda s: f"{s * 1000:.2f}"),
        row("RSS after the preload", results.preload_rss, mb),
        row("RSS after every workload", results.final_rss, mb),
    ]
    rows = [r for r in rows if any(r[1:])]
    return table(["measure"] + [LABELS[n] for n in names], rows)


def full_table(full):
    rows = []
    for count in sorted(full["rss"]):
        rows.append([f"RSS with {count:,} items", mb(full["rss"][count])])
        rows.append([f"data directory with {count:,} items", mb(full["disk"][count])])
    for (count, connections), p50 in sorted(full["p50"].items(), key=lambda kv: kv[0][::-1]):
        rows.append([f"GetItem p50 at {count:,} items, {connections} connection"
                     f"{'s' if connections > 1 else ''}", f"{ms(p50)} ms"])
    if "delete_ms" in full:
        rows.append([f"DeleteTable of the {full['big_items']:,}-item table returns after",
                     f"{full['delete_ms']:.2f} ms"])
        rows.append(["data directory 30 s after that DeleteTable",
                     mb(full["disk_after_delete"])])
    if "load_rate" in full:
        rows.append(["load rate (BatchWriteItem of 25 over 4 connections)",
                     f"{full['load_rate']:,.0f} items/s"])
    return table(["measure (a fresh Stator)", "value"], rows)


def verdict(ok, detail):
    return ("met" if ok else "**not met**") + (f": {detail}" if detail else "")


def target_rows(results, cells):
    rows = []
    ceiling = "ceiling" in results.names
    for key in THROUGHPUT_TARGETS if ceiling else []:
        s, c = cells.get((key, 32, "stator")), cells.get((key, 32, "ceiling"))
        if not (s and c and s.valid and c.valid):
            continue
        label = BY_KEY[key].label
        share, goal = s.rate / c.rate, THROUGHPUT_TARGETS[key]
        rows.append([f"{label}: req/s ≥ {goal:.0%} of the ceiling's", f"{share:.0%}",
                     verdict(share >= goal, "" if share >= goal else
                             f"needs {goal / share:.1f}× the throughput")])
        cpu, limit = s.cpu_us / c.cpu_us, CPU_TARGETS[key]
        rows.append([f"{label}: CPU/req ≤ {limit:g}× the ceiling's", ratio(cpu),
                     verdict(cpu <= limit, "" if cpu <= limit else
                             f"{cpu / limit:.1f}× over the limit")])
        p99 = s.p99_us / c.p99_us
        rows.append([f"{label}: p99 ≤ {P99_TARGET:g}× the ceiling's", ratio(p99),
                     verdict(p99 <= P99_TARGET, "" if p99 <= P99_TARGET else
                             f"{p99 / P99_TARGET:.1f}× over the limit")])
    if results.starts.get("stator"):
        start = statistics.median(results.starts["stator"]) * 1000
        rows.append([f"start to first served request < {START_TARGET_MS:g} ms", f"{start:.1f} ms",
                     verdict(start < START_TARGET_MS, "")])
    if "stator" in results.idle_rss:
        idle = results.idle_rss["stator"] / 1e6
        rows.append([f"RSS idle < {IDLE_RSS_TARGET_MB:g} MB", f"{idle:.1f} MB",
                     verdict(idle < IDLE_RSS_TARGET_MB, "" if idle < IDLE_RSS_TARGET_MB else
                             f"{idle / IDLE_RSS_TARGET_MB:.1f}× the limit")])
    if "stator" in results.cycles:
        cycle = results.cycles["stator"] * 1000
        rows.append([f"CreateTable + DeleteTable < {CYCLE_TARGET_MS:g} ms", f"{cycle:.2f} ms",
                     verdict(cycle < CYCLE_TARGET_MS, "" if cycle < CYCLE_TARGET_MS else
                             f"{cycle / CYCLE_TARGET_MS:.1f}× the limit")])
    full = results.full
    if "delete_ms" in full:
        d = full["delete_ms"]
        rows.append([f"DeleteTable of a {full['big_items']:,}-item table < "
                     f"{DELETE_TARGET_MS:g} ms", f"{d:.2f} ms",
                     verdict(d < DELETE_TARGET_MS, "" if d < DELETE_TARGET_MS else
                             f"{d / DELETE_TARGET_MS:.1f}× the limit")])
    p50 = full.get("p50", {})
    small, big = p50.get((100_000, 1)), p50.get((full.get("big_items"), 1))
    if small and big and full["big_items"] > 100_000:
        g = big / small
        rows.append([f"GetItem p50 at {full['big_items']:,} items ≤ {SIZE_P50_TARGET:g}× "
                     "p50 at 100k", ratio(g),
                     verdict(g <= SIZE_P50_TARGET, "" if g <= SIZE_P50_TARGET else
                             f"{g / SIZE_P50_TARGET:.1f}× over the limit")])
    return rows


def problems(results):
    lines = []
    for r in results.runs:
        where = f"{LABELS[r.server]}, {BY_KEY[r.workload].label}, {r.connections} connections"
        if r.void:
            lines.append(f"- {where}: void ({r.non200} non-200 answers, {r.socket_errors} "
                         f"socket errors); first: `{r.error}`")
        elif not r.requests:
            lines.append(f"- {where}: no request completed within the run")
    lines += [f"- {LABELS[s.server]}, Scan: void: `{s.error}`" for s in results.scans if s.void]
    lines += [f"- {failure}" for failure in results.failures]
    return lines


def noise_line(results):
    """How busy the rest of the machine was during the measured runs."""
    loads = sorted(r.other_cpu_seconds / r.seconds for r in results.runs if r.seconds)
    if not loads:
        return []
    return [f"Other processes on the machine used a median of {statistics.median(loads):.2f} "
            f"cores during the runs (90th percentile {loads[int(len(loads) * 0.9)]:.2f}, "
            f"max {loads[-1]:.2f})"]


def render(results):
    cells = cell_summaries(results)
    lines = results.machine + results.settings + noise_line(results)
    parts = ["## Stator benchmark", "\n".join(f"- {line}" for line in lines)]
    parts += workload_tables(results, cells)
    if results.scans:
        parts.append(f"### Scan of a {results.scan_items:,}-item table (paginated, "
                     "one connection, timed by the client)\n\n" + scan_table(results))
    parts.append("### Start, memory, tables\n\n" + figures_table(results))
    if results.full:
        parts.append("### Data size (`--full`)\n\n" + full_table(results.full))
    targets = target_rows(results, cells)
    if targets:
        parts.append("### Targets (issue 9; throughput, CPU and p99 at 32 connections)\n\n"
                     + table(["target", "measured", "verdict"], targets))
    lines = problems(results)
    if lines:
        parts.append("### Problems\n\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"
