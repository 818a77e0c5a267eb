"""The servers the benchmark measures, as processes: Stator, DynamoDB Local (in memory or on
disk) and the HTTP ceiling (tests/bench/echo_server.cc). Each is started on a free port of
127.0.0.1, and the time from its start to its first successful request is recorded."""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from dynamo import Client

START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LISTENING = re.compile(rb"listening on 127\.0\.0\.1:(\d+)")

# name -> label in the report, in the order of the report's columns.
LABELS = {"stator": "Stator", "ceiling": "HTTP ceiling",
          "ddb-mem": "DynamoDB Local in-memory", "ddb-disk": "DynamoDB Local on disk"}


class Server:
    """A running server process. `ready_seconds`: start to first successful request."""

    def __init__(self, name, args, work_dir, cwd=None, port=None, data_dir=None):
        self.name, self.label = name, LABELS[name]
        self.data_dir = data_dir
        self.log_path = os.path.join(work_dir, f"{name}-{time.monotonic_ns()}.log")
        with open(self.log_path, "wb") as log:
            started = time.perf_counter()
            self.proc = subprocess.Popen(args, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        self.port = port or self._port_from_log(deadline)
        self._wait_until_serving(deadline)
        self.ready_seconds = time.perf_counter() - started

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def cpu_seconds(self):
        """User plus system CPU time the process has used (all its threads)."""
        with open(f"/proc/{self.pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        # Fields 14 and 15 of proc(5) (utime, stime); fields[0] is field 3.
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def rss_bytes(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def disk_bytes(self):
        """Bytes under the data directory (0 for a server keeping nothing on disk)."""
        total = 0
        if self.data_dir:
            for root, _, files in os.walk(self.data_dir):
                for name in files:
                    try:
                        total += os.lstat(os.path.join(root, name)).st_size
                    except OSError:
                        pass
        return total

    def log_tail(self, lines=20):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def log_excerpt(self):
        return f"its log ends:\n\n```\n{self.log_tail()}```"

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def _port_from_log(self, deadline):
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                match = LISTENING.search(f.read())
            if match:
                return int(match.group(1))
            self._check_alive()
            time.sleep(0.0005)
        raise RuntimeError(f"{self.label} did not log its port; {self.log_excerpt()}")

    def _wait_until_serving(self, deadline):
        client = Client(self.port, timeout=5.0)
        try:
            while time.monotonic() < deadline:
                try:
                    if client.raw("ListTables", "{}")[0] == 200:
                        return
                except OSError:
                    pass
                self._check_alive()
                time.sleep(0.0005)
        finally:
            client.close()
        raise RuntimeError(f"{self.label} did not answer in {START_TIMEOUT}s; "
                           f"{self.log_excerpt()}")

    def _check_alive(self):
        if not self.alive():
            raise RuntimeError(f"{self.label} exited with {self.proc.returncode}; "
                               f"{self.log_excerpt()}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_stator(binary, work_dir):
    """Stator on disk with its default durability, in a fresh data directory."""
    data_dir = tempfile.mkdtemp(prefix="stator-", dir=work_dir)
    return Server("stator", [binary, "--port", "0", "--data-dir", data_dir], work_dir,
                  data_dir=data_dir)


def start_ddblocal(emulator_dir, work_dir, in_memory):
    """DynamoDB Local from emulator_dir (DynamoDBLocal.jar and DynamoDBLocal_lib/)."""
    port = free_port()
    args = ["java", "-Djava.library.path=DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar",
            "-port", str(port)]
    data_dir = None
    if in_memory:
        args.append("-inMemory")
    else:
        data_dir = tempfile.mkdtemp(prefix="ddblocal-", dir=work_dir)
        args += ["-dbPath", data_dir]
    return Server("ddb-mem" if in_memory else "ddb-disk", args, work_dir, cwd=emulator_dir,
                  port=port, data_dir=data_dir)


def start_ceiling(binary, work_dir):
    return Server("ceiling", [binary, "--port", "0"], work_dir)


def start(name, paths, work_dir):
    """Starts the server called `name` (a key of LABELS)."""
    if name == "stator":
        return start_stator(paths["stator"], work_dir)
    if name == "ceiling":
        return start_ceiling(paths["echo"], work_dir)
    return start_ddblocal(paths["ddblocal"], work_dir, in_memory=(name == "ddb-mem"))
