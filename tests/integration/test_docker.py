"""docker/Dockerfile, checked without a Docker engine: the runtime stage installs every
shared library the binary links, the build stage uses the scripts CI runs, and the health
check and environment work against the real binary."""
import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import stator_binary

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()


def runtime_stage():
    return DOCKERFILE.split("\nFROM ")[-1]


def runtime_packages():
    install = re.search(r"apt-get install ([^&]*)&&", runtime_stage(), re.S).group(1)
    return [w for w in install.replace("\\", " ").split() if not w.startswith("-")]


def package_of(path):
    out = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True, text=True)
    if out.returncode != 0:  # merged /usr: dpkg may know the /lib spelling only
        alt = re.sub(r"^/usr/lib/", "/lib/", os.path.realpath(path))
        out = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True)
    assert out.returncode == 0, f"no package owns {path}"
    return out.stdout.split(":")[0]


def dependency_closure(packages):
    out = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
         "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *packages],
        capture_output=True, text=True, check=True).stdout
    names = {line.strip() for line in out.splitlines() if line and not line.startswith(" ")}
    names |= {m.group(1) for m in re.finditer(r"Depends: <?([\w.+-]+)", out)}
    return {name.split(":")[0] for name in names}


@pytest.mark.skipif(shutil.which("apt-cache") is None or shutil.which("ldd") is None,
                    reason="needs Debian's apt-cache and ldd")
def test_runtime_stage_installs_every_library_the_binary_links():
    libs = re.findall(r"=> (/\S+)", subprocess.run(
        ["ldd", str(stator_binary())], capture_output=True, text=True, check=True).stdout)
    needed = {package_of(lib) for lib in libs}
    available = dependency_closure(runtime_packages()) | {"libc6"}
    assert needed - available == set(), (needed, runtime_packages())


def test_build_stage_uses_the_scripts_ci_runs():
    stages = DOCKERFILE.split("\nFROM ")[1:]
    assert len(stages) == 2
    build = stages[0]
    assert build.startswith("debian:12 AS build")
    assert "source scripts/lib.sh" in build
    assert "ensure_packages \"${STATOR_BUILD_PACKAGES[@]}\"" in build
    assert "build_stator /src/build Release" in build
    lib = (ROOT / "scripts" / "lib.sh").read_text()
    assert "build_stator()" in lib and "ensure_packages()" in lib
    # scripts/test.sh builds the integration binary the same way.
    assert 'build_stator "$STATOR_ROOT/build" Release' in (ROOT / "scripts" / "test.sh").read_text()


def test_runtime_stage_runs_as_a_user_with_a_volume_and_port():
    stage = runtime_stage()
    assert stage.startswith("debian:12-slim")
    assert re.search(r"^USER stator$", stage, re.M)
    assert re.search(r"^EXPOSE 8000$", stage, re.M)
    assert re.search(r"^VOLUME /data$", stage, re.M)
    assert "ENV STATOR_HOST=0.0.0.0 STATOR_DATA_DIR=/data" in stage


def healthcheck_command(port):
    argv = json.loads(re.search(r"CMD (\[.*\])$", runtime_stage(), re.M).group(1))
    return [arg.replace("/8000", f"/{port}") for arg in argv]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_environment_and_healthcheck_against_the_binary(tmp_path):
    # The image's environment: every interface, data in the volume directory.
    env = {**os.environ, "STATOR_HOST": "0.0.0.0", "STATOR_DATA_DIR": str(tmp_path / "data")}
    log = tmp_path / "stator.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(stator_binary()), "--port", "0"], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        port = None
        for _ in range(500):
            m = re.search(r"listening on \D*0\.0\.0\.0:(\d+)", log.read_text())
            if m:
                port = int(m.group(1))
                break
            try:
                proc.wait(timeout=0.01)
                break
            except subprocess.TimeoutExpired:
                pass
        assert port, log.read_text()
        assert subprocess.run(healthcheck_command(port), timeout=10).returncode == 0
        assert (tmp_path / "data" / "CURRENT").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert subprocess.run(healthcheck_command(free_port()), timeout=10,
                          stderr=subprocess.DEVNULL).returncode != 0


def test_compose_file_builds_this_dockerfile():
    compose = (ROOT / "docker" / "compose.yaml").read_text()
    assert "dockerfile: docker/Dockerfile" in compose
    assert '"8000:8000"' in compose and "/data" in compose


def test_build_context_leaves_out_local_builds_and_data():
    # A copied build directory's CMakeCache.txt names the host's source directory: CMake
    # refuses to reuse it, so the image's build would fail on a machine that built before.
    ignored = (ROOT / "docker" / "Dockerfile.dockerignore").read_text().split()
    for pattern in ("build", "build-*", "stator-data", ".git", "tests/js/node_modules"):
        assert pattern in ignored
    gitignored = (ROOT / ".gitignore").read_text().split()
    for pattern in ("/build/", "/build-*/", "/stator-data/"):
        assert pattern in gitignored  # the same directories git leaves out
