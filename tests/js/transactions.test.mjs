// TransactWriteItems and TransactGetItems through the AWS SDK for JavaScript v3
// (DynamoDBDocumentClient), run with Node's own test runner:
//
//   STATOR_ENDPOINT=http://127.0.0.1:8000 node --test tests/js/
//
// The assertions are DynamoDB's documented behaviour, so the file should also
// pass against DynamoDB. tests/integration/test_js_sdk.py runs it against a
// fresh server.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactGetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';

const endpoint = process.env.STATOR_ENDPOINT;
if (!endpoint) {
  throw new Error('set STATOR_ENDPOINT to the server, e.g. http://127.0.0.1:8000');
}

const client = new DynamoDBClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1, // no retries: every answer is the server's first
});
const doc = DynamoDBDocumentClient.from(client);

const run = randomUUID().slice(0, 8);
const ACCOUNTS = `js_tx_accounts_${run}`;
const LEDGER = `js_tx_ledger_${run}`;

async function createTable(name) {
  await client.send(new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  const deadline = Date.now() + 15000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table.TableStatus === 'ACTIVE') return;
    assert.ok(Date.now() < deadline, `${name} still ${Table.TableStatus}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function get(table, pk) {
  const { Item } = await doc.send(new GetCommand({
    TableName: table, Key: { pk }, ConsistentRead: true,
  }));
  return Item;
}

async function put(table, item) {
  await doc.send(new PutCommand({ TableName: table, Item: item }));
}

// Sends `command` and returns the error it must fail with.
async function failure(command) {
  try {
    await doc.send(command);
  } catch (err) {
    return err;
  }
  assert.fail('the request succeeded; an error was expected');
}

before(async () => {
  await createTable(ACCOUNTS);
  await createTable(LEDGER);
});

after(async () => {
  for (const name of [ACCOUNTS, LEDGER]) {
    try {
      await client.send(new DeleteTableCommand({ TableName: name }));
    } catch {
      // the server may be gone already; the tables die with it
    }
  }
  client.destroy();
});

test('Put, Update, Delete and ConditionCheck across two tables all apply', async () => {
  await put(ACCOUNTS, { pk: 'alice', balance: 100, visits: 1 });
  await put(ACCOUNTS, { pk: 'obsolete', note: 'delete me' });
  await put(LEDGER, { pk: 'ledger-state', status: 'open' });

  const result = await doc.send(new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: ACCOUNTS,
          Item: {
            pk: 'bob', balance: 30, tags: new Set(['new', 'vip']),
            profile: { city: 'Oslo', scores: [1, 2.5, -3] }, active: true, nothing: null,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: ACCOUNTS,
          Key: { pk: 'alice' },
          UpdateExpression: 'SET balance = balance - :amount ADD visits :one',
          ConditionExpression: 'balance >= :amount',
          ExpressionAttributeValues: { ':amount': 30, ':one': 1 },
        },
      },
      {
        Delete: {
          TableName: ACCOUNTS,
          Key: { pk: 'obsolete' },
          ConditionExpression: 'attribute_exists(note)',
        },
      },
      {
        ConditionCheck: {
          TableName: LEDGER,
          Key: { pk: 'ledger-state' },
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':open': 'open' },
        },
      },
      {
        Put: {
          TableName: LEDGER,
          Item: { pk: 'transfer-1', from: 'alice', to: 'bob', amount: 30 },
        },
      },
    ],
  }));
  assert.equal(result.$metadata.httpStatusCode, 200);

  const { Responses } = await doc.send(new TransactGetCommand({
    TransactItems: [
      { Get: { TableName: ACCOUNTS, Key: { pk: 'alice' } } },
      { Get: { TableName: ACCOUNTS, Key: { pk: 'bob' } } },
      { Get: { TableName: ACCOUNTS, Key: { pk: 'obsolete' } } },
      { Get: { TableName: LEDGER, Key: { pk: 'transfer-1' } } },
      {
        Get: {
          TableName: LEDGER, Key: { pk: 'ledger-state' },
          ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'status' },
        },
      },
    ],
  }));
  assert.equal(Responses.length, 5);
  assert.deepEqual(Responses[0].Item, { pk: 'alice', balance: 70, visits: 2 });
  assert.deepEqual(Responses[1].Item, {
    pk: 'bob', balance: 30, tags: new Set(['new', 'vip']),
    profile: { city: 'Oslo', scores: [1, 2.5, -3] }, active: true, nothing: null,
  });
  assert.equal(Responses[2].Item, undefined, 'the deleted item is gone');
  assert.deepEqual(Responses[3].Item, { pk: 'transfer-1', from: 'alice', to: 'bob', amount: 30 });
  assert.deepEqual(Responses[4].Item, { status: 'open' });

  assert.deepEqual(await get(ACCOUNTS, 'alice'), { pk: 'alice', balance: 70, visits: 2 });
  assert.equal(await get(ACCOUNTS, 'obsolete'), undefined);
  assert.deepEqual(await get(LEDGER, 'transfer-1'),
    { pk: 'transfer-1', from: 'alice', to: 'bob', amount: 30 });
});

test('a failed ConditionCheck cancels the whole transaction', async () => {
  await put(ACCOUNTS, { pk: 'carol', balance: 10 });
  await put(LEDGER, { pk: 'frozen', status: 'closed' });

  const err = await failure(new TransactWriteCommand({
    TransactItems: [
      {
        Update: {
          TableName: ACCOUNTS,
          Key: { pk: 'carol' },
          UpdateExpression: 'SET balance = :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        },
      },
      {
        ConditionCheck: {
          TableName: LEDGER,
          Key: { pk: 'frozen' },
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':open': 'open' },
        },
      },
      { Put: { TableName: LEDGER, Item: { pk: 'never-written' } } },
    ],
  }));
  assert.equal(err.name, 'TransactionCanceledException');
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.message, 'Transaction cancelled, please refer cancellation reasons for '
    + 'specific reasons [None, ConditionalCheckFailed, None]');
  assert.deepEqual(err.CancellationReasons.map((r) => r.Code),
    ['None', 'ConditionalCheckFailed', 'None']);
  // A ConditionCheck's reason may end with a period where other actions' do not; either
  // way it is DynamoDB's conditional-check message.
  assert.match(err.CancellationReasons[1].Message, /^The conditional request failed\.?$/);
  assert.equal(err.CancellationReasons[1].Item, undefined, 'no Item unless ALL_OLD is asked');

  assert.deepEqual(await get(ACCOUNTS, 'carol'), { pk: 'carol', balance: 10 });
  assert.equal(await get(LEDGER, 'never-written'), undefined);
});

test('ReturnValuesOnConditionCheckFailure ALL_OLD puts the item in its reason', async () => {
  await put(ACCOUNTS, { pk: 'dave', balance: 5, tags: new Set(['x']) });

  const err = await failure(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: LEDGER, Item: { pk: 'transfer-dave', amount: 50 } } },
      {
        Update: {
          TableName: ACCOUNTS,
          Key: { pk: 'dave' },
          UpdateExpression: 'SET balance = balance - :amount',
          ConditionExpression: 'balance >= :amount',
          ExpressionAttributeValues: { ':amount': 50 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ],
  }));
  assert.equal(err.name, 'TransactionCanceledException');
  assert.deepEqual(err.CancellationReasons.map((r) => r.Code), ['None', 'ConditionalCheckFailed']);
  // The document client converts requests and results, not errors: the reason's
  // Item is DynamoDB's AttributeValue map, as the low-level client gives it.
  assert.deepEqual(err.CancellationReasons[1].Item,
    { pk: { S: 'dave' }, balance: { N: '5' }, tags: { SS: ['x'] } });
  assert.equal(err.CancellationReasons[1].Message, 'The conditional request failed');
  assert.equal(err.CancellationReasons[0].Item, undefined);

  assert.deepEqual(await get(ACCOUNTS, 'dave'), { pk: 'dave', balance: 5, tags: new Set(['x']) });
  assert.equal(await get(LEDGER, 'transfer-dave'), undefined);
});

test('two actions on one item are a ValidationException', async () => {
  await put(ACCOUNTS, { pk: 'erin', balance: 1 });
  const err = await failure(new TransactWriteCommand({
    TransactItems: [
      {
        Update: {
          TableName: ACCOUNTS,
          Key: { pk: 'erin' },
          UpdateExpression: 'SET balance = :b',
          ExpressionAttributeValues: { ':b': 2 },
        },
      },
      { Put: { TableName: LEDGER, Item: { pk: 'erin' } } }, // same key, other table: fine
      {
        ConditionCheck: {
          TableName: ACCOUNTS, Key: { pk: 'erin' }, ConditionExpression: 'attribute_exists(pk)',
        },
      },
    ],
  }));
  assert.equal(err.name, 'ValidationException');
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.message, 'Transaction request cannot include multiple operations on one item');
  assert.deepEqual(await get(ACCOUNTS, 'erin'), { pk: 'erin', balance: 1 });
  assert.equal(await get(LEDGER, 'erin'), undefined);
});

test('ClientRequestToken: a repeated request applies once, a changed one is refused', async () => {
  const token = randomUUID(); // at most 36 characters
  const request = (increment) => new TransactWriteCommand({
    ClientRequestToken: token,
    TransactItems: [
      {
        Update: {
          TableName: ACCOUNTS,
          Key: { pk: 'counter' },
          UpdateExpression: 'ADD n :inc',
          ExpressionAttributeValues: { ':inc': increment },
        },
      },
      { Put: { TableName: LEDGER, Item: { pk: 'counter-log', token } } },
    ],
  });

  const first = await doc.send(request(1));
  assert.equal(first.$metadata.httpStatusCode, 200);
  const second = await doc.send(request(1));
  assert.equal(second.$metadata.httpStatusCode, 200);
  assert.deepEqual(await get(ACCOUNTS, 'counter'), { pk: 'counter', n: 1 });

  const err = await failure(request(2));
  assert.equal(err.name, 'IdempotentParameterMismatchException');
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.deepEqual(await get(ACCOUNTS, 'counter'), { pk: 'counter', n: 1 });
  assert.deepEqual(await get(LEDGER, 'counter-log'), { pk: 'counter-log', token });
});

test('TransactGetCommand gives an entry without Item for a missing item', async () => {
  await put(ACCOUNTS, { pk: 'frank', balance: 12 });
  const { Responses } = await doc.send(new TransactGetCommand({
    TransactItems: [
      { Get: { TableName: ACCOUNTS, Key: { pk: 'no-such-account' } } },
      { Get: { TableName: ACCOUNTS, Key: { pk: 'frank' }, ProjectionExpression: 'balance' } },
      { Get: { TableName: LEDGER, Key: { pk: 'no-such-transfer' } } },
    ],
  }));
  assert.equal(Responses.length, 3);
  assert.equal(Responses[0].Item, undefined);
  assert.deepEqual(Responses[1].Item, { balance: 12 });
  assert.equal(Responses[2].Item, undefined);
});
