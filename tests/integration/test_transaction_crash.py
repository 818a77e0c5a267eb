"""Transactions survive `kill -9`: 8 threads move money between 100 accounts of an
on-disk server, which is killed mid-load and restarted on the same data, twice. After each
restart: no money has appeared or vanished, no balance is negative, each balance is
exactly what the recorded transfers imply (a transaction is there whole or not at all),
every acknowledged transfer is recorded, and a recorded one was either acknowledged or
in flight when the server died."""

import signal
import time

from transfer_load import (Outcomes, TransferLoad, assert_no_errors, check_invariants,
                           create_tables, summary)

THREADS = 8
LOAD_SECONDS = 3.0  # the load is killed after this long (its own limit is later)
CYCLES = 2


def test_transactions_are_whole_after_sigkill(start_server, tmp_path):
    data = tmp_path / "data"
    srv = start_server(data)
    create_tables(srv.client())
    seen = Outcomes()  # everything the clients saw, over every cycle
    for cycle in range(CYCLES):
        load = TransferLoad(srv.endpoint, THREADS, LOAD_SECONDS + 30, seed=100 + cycle,
                            crash_expected=True).start()
        time.sleep(LOAD_SECONDS)
        assert srv.stop(signal.SIGKILL) == -signal.SIGKILL
        outcomes = load.join(timeout=60)
        print(f"\ncycle {cycle + 1}: {summary(outcomes, LOAD_SECONDS)}")
        assert_no_errors(outcomes)
        assert outcomes.committed, "no transfer committed before the kill"
        seen.merge(outcomes)

        srv = start_server(data)
        _, recorded = check_invariants(srv.client(), seen)
        in_flight = recorded & seen.unknown
        print(f"cycle {cycle + 1}: after restart {len(recorded)} transfers recorded "
              f"({len(seen.committed)} acknowledged, {len(in_flight)} of "
              f"{len(seen.unknown)} unanswered ones applied); invariants hold")
    assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]
