"""A bank-transfer load for the transaction tests (test_transaction_stress.py and
test_transaction_crash.py).

Table `accounts` holds ACCOUNTS accounts of INITIAL_BALANCE each. A transfer is one
TransactWriteItems: take `amount` from one account (on condition that its balance
covers it), give it to another, and record it in table `transfers` under a fresh id.
Each worker thread has its own boto3 client without retries and keeps the outcome of
every transfer it sent, by id, so that afterwards `check_invariants` can prove that
each transaction applied whole or not at all and that every acknowledged one is there.
"""

import random
import threading
import time
import uuid
from dataclasses import dataclass, field

from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError
from botocore.exceptions import HTTPClientError

from conftest import make_client, wait_for_table

ACCOUNTS = 100
INITIAL_BALANCE = 1000
MAX_AMOUNT = 50
HOT_ACCOUNTS = 10  # half the transfers take from one of these
TOUCH_EVERY = 10  # one plain UpdateItem (no balance change) per this many transfers
ACCOUNTS_TABLE = "accounts"
TRANSFERS_TABLE = "transfers"


def account_id(i):
    return f"acct{i:03}"


def create_tables(client):
    """Creates `accounts` (filled with ACCOUNTS accounts of INITIAL_BALANCE) and `transfers`."""
    for name in (ACCOUNTS_TABLE, TRANSFERS_TABLE):
        client.create_table(
            TableName=name, AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    for name in (ACCOUNTS_TABLE, TRANSFERS_TABLE):
        wait_for_table(client, name)
    puts = [{"PutRequest": {"Item": {"pk": {"S": account_id(i)},
                                     "balance": {"N": str(INITIAL_BALANCE)}}}}
            for i in range(ACCOUNTS)]
    for start in range(0, len(puts), 25):
        answer = client.batch_write_item(RequestItems={ACCOUNTS_TABLE: puts[start:start + 25]})
        assert not answer["UnprocessedItems"], answer


def transfer_request(transfer_id, source, target, amount):
    """The TransactWriteItems parameters of one transfer."""
    value = {":a": {"N": str(amount)}}
    return {"TransactItems": [
        {"Update": {"TableName": ACCOUNTS_TABLE, "Key": {"pk": {"S": source}},
                    "UpdateExpression": "SET balance = balance - :a",
                    "ConditionExpression": "balance >= :a",
                    "ExpressionAttributeValues": value}},
        {"Update": {"TableName": ACCOUNTS_TABLE, "Key": {"pk": {"S": target}},
                    "UpdateExpression": "SET balance = balance + :a",
                    "ExpressionAttributeValues": value}},
        {"Put": {"TableName": TRANSFERS_TABLE,
                 "Item": {"pk": {"S": transfer_id}, "from": {"S": source}, "to": {"S": target},
                          "amount": {"N": str(amount)}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
    ]}


@dataclass
class Outcomes:
    """What the clients saw. Transfer ids by outcome; counts of the rest."""
    committed: set = field(default_factory=set)
    insufficient: set = field(default_factory=set)  # canceled: ConditionalCheckFailed
    conflicts: set = field(default_factory=set)     # canceled: TransactionConflict
    unknown: set = field(default_factory=set)       # no answer (the server was killed)
    touches: int = 0
    touch_conflicts: int = 0  # UpdateItem refused with TransactionConflictException
    touch_unknown: int = 0
    snapshots: int = 0            # TransactGetItems of every account, all summing right
    snapshot_conflicts: int = 0   # TransactGetItems canceled with TransactionConflict
    errors: list = field(default_factory=list)      # anything else: must stay empty

    def merge(self, other):
        for name in ("committed", "insufficient", "conflicts", "unknown"):
            getattr(self, name).update(getattr(other, name))
        self.touches += other.touches
        self.touch_conflicts += other.touch_conflicts
        self.touch_unknown += other.touch_unknown
        self.snapshots += other.snapshots
        self.snapshot_conflicts += other.snapshot_conflicts
        self.errors.extend(other.errors)


def _cancellation_codes(error):
    return [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]


def _describe(request, error):
    if isinstance(error, ClientError):
        return (f"{request}: {error.response.get('Error')} "
                f"{error.response.get('CancellationReasons')}")
    return f"{request}: {type(error).__name__}: {error}"


def _worker(client, rng, deadline, stop, crash_expected, out):
    """Sends transfers (and now and then a touch) until `deadline` or `stop`. When
    `crash_expected`, a request without an answer ends the loop (the server is gone);
    otherwise it is an error."""
    sent = 0
    while time.monotonic() < deadline and not stop.is_set():
        sent += 1
        if sent % TOUCH_EVERY == 0:
            request = {"TableName": ACCOUNTS_TABLE,
                       "Key": {"pk": {"S": account_id(rng.randrange(ACCOUNTS))}},
                       "UpdateExpression": "SET touched = :t",
                       "ConditionExpression": "attribute_exists(pk)",
                       "ExpressionAttributeValues": {":t": {"N": str(sent)}}}
            try:
                client.update_item(**request)
                out.touches += 1
            except ClientError as error:
                if error.response["Error"]["Code"] == "TransactionConflictException":
                    out.touch_conflicts += 1
                else:
                    out.errors.append(_describe(request, error))
            except (BotoConnectionError, HTTPClientError) as error:
                out.touch_unknown += 1
                if crash_expected:
                    return
                out.errors.append(_describe(request, error))
            continue
        # Half the transfers drain the first HOT_ACCOUNTS accounts, which so run dry
        # (insufficient funds) and are contended.
        if rng.random() < 0.5:
            source = rng.randrange(HOT_ACCOUNTS)
            target = rng.choice([i for i in range(ACCOUNTS) if i != source])
        else:
            source, target = rng.sample(range(ACCOUNTS), 2)
        transfer_id = str(uuid.uuid4())
        request = transfer_request(transfer_id, account_id(source), account_id(target),
                                   rng.randint(1, MAX_AMOUNT))
        try:
            client.transact_write_items(**request)
            out.committed.add(transfer_id)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            reasons = _cancellation_codes(error)
            if code == "TransactionCanceledException" and len(reasons) == 3 and \
                    "TransactionConflict" in reasons and \
                    set(reasons) <= {"None", "ConditionalCheckFailed", "TransactionConflict"}:
                out.conflicts.add(transfer_id)
            elif code == "TransactionCanceledException" and \
                    reasons == ["ConditionalCheckFailed", "None", "None"]:
                out.insufficient.add(transfer_id)
            else:
                out.errors.append(_describe(request, error))
        except (BotoConnectionError, HTTPClientError) as error:
            out.unknown.add(transfer_id)
            if crash_expected:
                return
            out.errors.append(_describe(request, error))


def _reader(client, deadline, stop, crash_expected, out):
    """Reads every account with one TransactGetItems (one snapshot) until `deadline` or
    `stop`: the balances must always add up to the total."""
    request = {"TransactItems": [
        {"Get": {"TableName": ACCOUNTS_TABLE, "Key": {"pk": {"S": account_id(i)}},
                 "ProjectionExpression": "balance"}} for i in range(ACCOUNTS)]}
    while time.monotonic() < deadline and not stop.is_set():
        try:
            answer = client.transact_get_items(**request)
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException" and \
                    "TransactionConflict" in _cancellation_codes(error):
                out.snapshot_conflicts += 1
            else:
                out.errors.append(_describe("TransactGetItems of every account", error))
            continue
        except (BotoConnectionError, HTTPClientError) as error:
            if crash_expected:
                return
            out.errors.append(_describe("TransactGetItems of every account", error))
            continue
        balances = [int(r["Item"]["balance"]["N"]) for r in answer["Responses"] if "Item" in r]
        if len(balances) != ACCOUNTS or sum(balances) != ACCOUNTS * INITIAL_BALANCE:
            out.errors.append(f"TransactGetItems saw {len(balances)} accounts holding "
                              f"{sum(balances)} in all")
        else:
            out.snapshots += 1


class TransferLoad:
    """`threads` workers sending transfers to `endpoint` for at most `seconds`, and
    `readers` threads reading every balance in one TransactGetItems. start(), then join()
    (optionally after stop() or killing the server) gives the Outcomes."""

    def __init__(self, endpoint, threads, seconds, seed, readers=0, crash_expected=False):
        self.stop_event = threading.Event()
        self.outcomes = [Outcomes() for _ in range(threads + readers)]
        # Clients are made here, one by one: creating them is not thread-safe.
        clients = [make_client(endpoint) for _ in range(threads + readers)]
        deadline = time.monotonic() + seconds
        self.threads = [
            threading.Thread(target=_worker, name=f"transfer-{i}", daemon=True,
                             args=(clients[i], random.Random(seed * 1000 + i), deadline,
                                   self.stop_event, crash_expected, self.outcomes[i]))
            for i in range(threads)]
        self.threads += [
            threading.Thread(target=_reader, name=f"reader-{i}", daemon=True,
                             args=(clients[i], deadline, self.stop_event, crash_expected,
                                   self.outcomes[i]))
            for i in range(threads, threads + readers)]
        self.started = None
        self.elapsed = None

    def start(self):
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self.stop_event.set()

    def join(self, timeout=60):
        for thread in self.threads:
            thread.join(timeout)
            assert not thread.is_alive(), f"{thread.name} still running after {timeout}s"
        self.elapsed = time.monotonic() - self.started
        total = Outcomes()
        for out in self.outcomes:
            total.merge(out)
        return total


def assert_no_errors(outcomes):
    """Fails with the first few unexpected errors, if any."""
    if outcomes.errors:
        raise AssertionError(f"{len(outcomes.errors)} unexpected errors, e.g.:\n"
                             + "\n".join(outcomes.errors[:5]))


def scan_all(client, table):
    items, start = [], {}
    while True:
        page = client.scan(TableName=table, ConsistentRead=True, **start)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def check_invariants(client, outcomes):
    """Reads both tables and asserts: the money is all there, no balance is negative, each
    account's balance is INITIAL_BALANCE minus what its recorded transfers took plus what
    they gave (so every transaction applied whole or not at all), every acknowledged
    transfer is recorded, and every recorded one was acknowledged or left unanswered.
    Returns (balances by account, transfer ids recorded)."""
    accounts = scan_all(client, ACCOUNTS_TABLE)
    balances = {item["pk"]["S"]: int(item["balance"]["N"]) for item in accounts}
    assert sorted(balances) == [account_id(i) for i in range(ACCOUNTS)]
    transfers = scan_all(client, TRANSFERS_TABLE)
    expected = {name: INITIAL_BALANCE for name in balances}
    recorded = set()
    for item in transfers:
        amount = int(item["amount"]["N"])
        assert 1 <= amount <= MAX_AMOUNT, item
        expected[item["from"]["S"]] -= amount
        expected[item["to"]["S"]] += amount
        recorded.add(item["pk"]["S"])
    assert len(recorded) == len(transfers)

    assert sum(balances.values()) == ACCOUNTS * INITIAL_BALANCE, sum(balances.values())
    negative = {name: b for name, b in balances.items() if b < 0}
    assert not negative, negative
    wrong = {name: (balances[name], expected[name]) for name in balances
             if balances[name] != expected[name]}
    assert not wrong, f"(balance, balance the transfer records imply) differ: {wrong}"

    missing = outcomes.committed - recorded
    assert not missing, \
        f"{len(missing)} acknowledged transfers are not recorded: {sorted(missing)[:5]}"
    refused = recorded & (outcomes.insufficient | outcomes.conflicts)
    assert not refused, f"{len(refused)} canceled transfers are recorded: {sorted(refused)[:5]}"
    unsent = recorded - outcomes.committed - outcomes.unknown
    assert not unsent, f"{len(unsent)} recorded transfers were never sent: {sorted(unsent)[:5]}"
    return balances, recorded


def summary(outcomes, seconds):
    """One line of figures for the test's output."""
    answered = len(outcomes.committed) + len(outcomes.insufficient) + len(outcomes.conflicts)
    return (f"{answered / seconds:.0f} transactions/s answered over {seconds:.1f}s: "
            f"{len(outcomes.committed)} committed, {len(outcomes.conflicts)} canceled by "
            f"TransactionConflict, {len(outcomes.insufficient)} canceled by "
            f"ConditionalCheckFailed (insufficient funds), {len(outcomes.unknown)} unanswered; "
            f"UpdateItem touches: {outcomes.touches} done, {outcomes.touch_conflicts} "
            f"TransactionConflictException; TransactGetItems snapshots of all accounts: "
            f"{outcomes.snapshots} consistent, {outcomes.snapshot_conflicts} canceled by "
            f"TransactionConflict; other errors: {len(outcomes.errors)}")
