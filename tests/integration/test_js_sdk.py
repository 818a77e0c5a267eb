"""The AWS SDK for JavaScript v3 against a server of its own: runs Node's test runner on
tests/js/ (its modules come from `npm ci --prefix tests/js`, which scripts/test.sh runs). The
server has an `--export-dir` of the test's, which node learns from STATOR_EXPORT_DIR so that
tests/js/backups.test.mjs can make buckets and read exported files."""

import os
import shutil
import subprocess

import pytest

from conftest import REPO_ROOT

JS_DIR = REPO_ROOT / "tests" / "js"
NODE_TIMEOUT = 180  # seconds for the whole node --test run


def _unavailable(reason):
    """Without CI, a machine lacking Node.js or the SDK skips; in CI it is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure; scripts/test.sh installs it)")
    pytest.skip(f"{reason}; run scripts/test.sh integration, or npm ci --prefix tests/js")


def test_js_sdk_v3(start_server, tmp_path):
    node = os.environ.get("NODE") or shutil.which("node")
    if not node:
        _unavailable("node is not installed")
    if not (JS_DIR / "node_modules").is_dir():
        _unavailable(f"{JS_DIR / 'node_modules'} is missing")
    # Explicit files: `node --test DIR` searches DIR in Node 20 but takes globs from Node 21.
    files = sorted(str(p.relative_to(REPO_ROOT)) for p in JS_DIR.glob("*.test.mjs"))
    assert files, f"no *.test.mjs in {JS_DIR}"
    export_dir = tmp_path / "s3"
    export_dir.mkdir()
    server = start_server(None, "--export-dir", str(export_dir))
    # No AWS configuration of the machine's user leaks in: the tests name endpoint,
    # region and keys themselves.
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(STATOR_ENDPOINT=server.endpoint, STATOR_EXPORT_DIR=str(export_dir),
               HOME=str(tmp_path),
               AWS_CONFIG_FILE=str(tmp_path / "config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
               AWS_EC2_METADATA_DISABLED="true", NO_COLOR="1")
    done = subprocess.run([node, "--test", "--test-reporter=spec", *files], cwd=REPO_ROOT,
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=NODE_TIMEOUT)
    assert done.returncode == 0, (f"node --test exited {done.returncode}\n"
                                  f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}")
    assert server.stop() == 0, server.log_text()[-4000:]
