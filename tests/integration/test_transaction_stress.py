"""TransactWriteItems under contention: 16 threads move money between 100 accounts, each
transfer a transaction of two conditional updates and the Put of its record, while plain
UpdateItem calls touch the same accounts and a reader takes TransactGetItems snapshots of
every balance. Conflicts are allowed (and counted); afterwards no money has appeared or
vanished, no balance is negative, each balance is exactly what the recorded transfers
imply, and exactly the acknowledged transfers are recorded.

STATOR_STRESS_SECONDS sets how long the load runs (8 by default); `pytest -s` shows the
figures."""

import os
import signal

from transfer_load import (TransferLoad, assert_no_errors, check_invariants, create_tables,
                           summary)

THREADS = 16


def test_concurrent_transfers_keep_every_invariant(start_server):
    seconds = float(os.environ.get("STATOR_STRESS_SECONDS", "8"))
    srv = start_server()
    client = srv.client()
    create_tables(client)

    load = TransferLoad(srv.endpoint, THREADS, seconds, seed=1, readers=1).start()
    outcomes = load.join(timeout=seconds + 60)
    figures = summary(outcomes, load.elapsed)
    print(f"\n{figures}")

    assert_no_errors(outcomes)
    assert not outcomes.unknown
    assert outcomes.committed, "no transfer committed"
    assert outcomes.snapshots, "no TransactGetItems snapshot succeeded"
    _, recorded = check_invariants(client, outcomes)
    assert len(recorded) == len(outcomes.committed)
    assert srv.stop(signal.SIGTERM) == 0, srv.log_text()[-4000:]
    print(f"invariants hold: {len(recorded)} transfers recorded, total balance unchanged; "
          f"{figures}")
