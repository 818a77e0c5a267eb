// DynamoDB Streams through the AWS SDK for JavaScript v3: a table written with
// the DynamoDB client, read back with DynamoDBStreamsClient (ListStreams,
// DescribeStream, GetShardIterator, GetRecords). Run with Node's test runner:
//
//   STATOR_ENDPOINT=http://127.0.0.1:8000 node --test tests/js/
//
// The assertions are DynamoDB's documented behaviour; tests/integration/test_js_sdk.py
// runs the file against a fresh server.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';

const endpoint = process.env.STATOR_ENDPOINT;
if (!endpoint) {
  throw new Error('set STATOR_ENDPOINT to the server, e.g. http://127.0.0.1:8000');
}

const config = {
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1, // no retries: every answer is the server's first
};
const client = new DynamoDBClient(config);
const streams = new DynamoDBStreamsClient(config);

const TABLE = `js_streams_${randomUUID().slice(0, 8)}`;
const LABEL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/;
const SHARD_ID = /^shardId-\d{20}-[0-9a-f]{8}$/;
const SEQUENCE = /^\d{21}$/;

let streamArn;
let createdAt;

async function waitActive(name) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table.TableStatus === 'ACTIVE') return Table;
    assert.ok(Date.now() < deadline, `${name} still ${Table.TableStatus}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Sends `command` with the streams client and returns the error it must fail with.
async function failure(command) {
  try {
    await streams.send(command);
  } catch (err) {
    return err;
  }
  assert.fail('the request succeeded; an error was expected');
}

async function shardOf(arn) {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  assert.equal(StreamDescription.Shards.length, 1);
  return StreamDescription.Shards[0];
}

async function iterator(arn, type = 'TRIM_HORIZON', sequence = undefined) {
  const shard = await shardOf(arn);
  const { ShardIterator } = await streams.send(new GetShardIteratorCommand({
    StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: type, SequenceNumber: sequence,
  }));
  return ShardIterator;
}

before(async () => {
  createdAt = Date.now();
  const { TableDescription } = await client.send(new CreateTableCommand({
    TableName: TABLE,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  }));
  assert.match(TableDescription.LatestStreamLabel, LABEL);
  assert.deepEqual(TableDescription.StreamSpecification,
    { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  streamArn = TableDescription.LatestStreamArn;
  assert.equal(streamArn,
    `${TableDescription.TableArn}/stream/${TableDescription.LatestStreamLabel}`);
  await waitActive(TABLE);
});

after(async () => {
  try {
    await client.send(new DeleteTableCommand({ TableName: TABLE }));
  } catch {
    // the server may be gone already; the table dies with it
  }
  client.destroy();
  streams.destroy();
});

test('ListStreams and DescribeStream describe the table\'s stream', async () => {
  const listed = await streams.send(new ListStreamsCommand({ TableName: TABLE }));
  assert.deepEqual(listed.Streams, [{
    StreamArn: streamArn, TableName: TABLE, StreamLabel: streamArn.split('/stream/')[1],
  }]);
  assert.equal(listed.LastEvaluatedStreamArn, undefined);

  const { StreamDescription: d } = await streams.send(
    new DescribeStreamCommand({ StreamArn: streamArn }));
  assert.equal(d.StreamArn, streamArn);
  assert.equal(d.StreamStatus, 'ENABLED');
  assert.equal(d.StreamViewType, 'NEW_AND_OLD_IMAGES');
  assert.equal(d.TableName, TABLE);
  assert.deepEqual(d.KeySchema, [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ]);
  assert.ok(d.CreationRequestDateTime instanceof Date, 'CreationRequestDateTime is a Date');
  assert.ok(Math.abs(d.CreationRequestDateTime.getTime() - createdAt) < 5000);
  assert.equal(d.CreationRequestDateTime.toISOString().slice(0, 23), d.StreamLabel);
  assert.equal(d.Shards.length, 1);
  assert.match(d.Shards[0].ShardId, SHARD_ID);
  assert.match(d.Shards[0].SequenceNumberRange.StartingSequenceNumber, SEQUENCE);
  assert.equal(d.Shards[0].SequenceNumberRange.EndingSequenceNumber, undefined);
});

test('GetRecords returns INSERT, MODIFY and REMOVE with their images', async () => {
  const start = Math.floor(Date.now() / 1000);
  const latest = await iterator(streamArn, 'LATEST');
  const item = {
    pk: { S: 'song' }, sk: { N: '1' }, title: { S: 'Happy Day' }, plays: { N: '10' },
    raw: { B: new Uint8Array([0, 1, 2, 255]) }, tags: { SS: ['a', 'b'] },
    meta: { M: { ok: { BOOL: true }, list: { L: [{ N: '1.5' }, { NULL: true }] } } },
  };
  await client.send(new PutItemCommand({ TableName: TABLE, Item: item }));
  await client.send(new UpdateItemCommand({
    TableName: TABLE, Key: { pk: { S: 'song' }, sk: { N: '1' } },
    UpdateExpression: 'SET plays = plays + :one', ExpressionAttributeValues: { ':one': { N: '1' } },
  }));
  await client.send(new DeleteItemCommand({
    TableName: TABLE, Key: { pk: { S: 'song' }, sk: { N: '1' } },
  }));
  const end = Math.floor(Date.now() / 1000) + 1;

  const page = await streams.send(new GetRecordsCommand({ ShardIterator: latest }));
  assert.ok(page.NextShardIterator, 'an open shard always gives a next iterator');
  assert.deepEqual(page.Records.map((r) => r.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
  const keys = { pk: { S: 'song' }, sk: { N: '1' } };
  const modified = { ...item, plays: { N: '11' } };
  const [insert, modify, remove] = page.Records;
  for (const r of page.Records) {
    assert.match(r.eventID, /^[0-9a-f]{32}$/);
    assert.equal(r.eventVersion, '1.1');
    assert.equal(r.eventSource, 'aws:dynamodb');
    assert.equal(r.awsRegion, 'us-east-1');
    assert.equal(r.userIdentity, undefined);
    const created = r.dynamodb.ApproximateCreationDateTime;
    assert.ok(created instanceof Date, 'ApproximateCreationDateTime is a Date');
    assert.equal(created.getMilliseconds(), 0, 'whole seconds');
    assert.ok(created.getTime() / 1000 >= start && created.getTime() / 1000 <= end);
    assert.deepEqual(r.dynamodb.Keys, keys);
    assert.match(r.dynamodb.SequenceNumber, SEQUENCE);
    assert.equal(typeof r.dynamodb.SizeBytes, 'number');
    assert.ok(Number.isInteger(r.dynamodb.SizeBytes));
    assert.equal(r.dynamodb.StreamViewType, 'NEW_AND_OLD_IMAGES');
  }
  assert.deepEqual(insert.dynamodb.NewImage, item);
  assert.equal(insert.dynamodb.OldImage, undefined);
  assert.ok(insert.dynamodb.NewImage.raw.B instanceof Uint8Array);
  assert.deepEqual(modify.dynamodb.OldImage, item);
  assert.deepEqual(modify.dynamodb.NewImage, modified);
  assert.deepEqual(remove.dynamodb.OldImage, modified);
  assert.equal(remove.dynamodb.NewImage, undefined);
  assert.ok(modify.dynamodb.SizeBytes > insert.dynamodb.SizeBytes);
  const numbers = page.Records.map((r) => BigInt(r.dynamodb.SequenceNumber));
  assert.ok(numbers[0] < numbers[1] && numbers[1] < numbers[2], 'increasing sequence numbers');

  // AT and AFTER a sequence number.
  const at = await streams.send(new GetRecordsCommand({
    ShardIterator: await iterator(streamArn, 'AT_SEQUENCE_NUMBER', modify.dynamodb.SequenceNumber),
    Limit: 1,
  }));
  assert.deepEqual(at.Records, [modify]);
  const afterIt = await iterator(streamArn, 'AFTER_SEQUENCE_NUMBER',
    modify.dynamodb.SequenceNumber);
  const afterPage = await streams.send(new GetRecordsCommand({ ShardIterator: afterIt }));
  assert.deepEqual(afterPage.Records, [remove]);

  // Nothing new: no records and a next iterator.
  const empty = await streams.send(
    new GetRecordsCommand({ ShardIterator: page.NextShardIterator }));
  assert.deepEqual(empty.Records, []);
  assert.ok(empty.NextShardIterator);
});

test('a disabled stream is a closed shard that reads to its end', async () => {
  await client.send(new PutItemCommand({
    TableName: TABLE, Item: { pk: { S: 'last' }, sk: { N: '2' } },
  }));
  await client.send(new UpdateTableCommand({
    TableName: TABLE, StreamSpecification: { StreamEnabled: false },
  }));
  const table = await waitActive(TABLE);
  assert.equal(table.StreamSpecification, undefined);
  assert.equal(table.LatestStreamArn, streamArn);

  const { StreamDescription: d } = await streams.send(
    new DescribeStreamCommand({ StreamArn: streamArn }));
  assert.equal(d.StreamStatus, 'DISABLED');
  const ending = d.Shards[0].SequenceNumberRange.EndingSequenceNumber;
  assert.match(ending, SEQUENCE);

  let it = await iterator(streamArn);
  const records = [];
  for (let pages = 0; it; pages++) {
    assert.ok(pages < 100, 'the closed shard ends');
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: 2 }));
    records.push(...page.Records);
    it = page.NextShardIterator;
  }
  assert.deepEqual(records.map((r) => r.eventName), ['INSERT', 'MODIFY', 'REMOVE', 'INSERT']);
  assert.equal(records.at(-1).dynamodb.SequenceNumber, ending);
});

test('errors have DynamoDB Streams\' names', async () => {
  const bad = await failure(new GetRecordsCommand({ ShardIterator: 'garbage' }));
  assert.equal(bad.name, 'ValidationException');
  assert.equal(bad.message, 'Invalid ShardIterator');
  assert.equal(bad.$metadata.httpStatusCode, 400);

  const unknown = `${streamArn.split('/stream/')[0]}/stream/2000-01-01T00:00:00.000`;
  const missing = await failure(new DescribeStreamCommand({ StreamArn: unknown }));
  assert.equal(missing.name, 'ResourceNotFoundException');
  assert.equal(missing.message, `Requested resource not found: Stream: ${unknown} not found`);

  const shard = await shardOf(streamArn);
  const noShard = await failure(new GetShardIteratorCommand({
    StreamArn: streamArn, ShardId: 'shardId-00000000000000000001-deadbeef',
    ShardIteratorType: 'TRIM_HORIZON',
  }));
  assert.equal(noShard.name, 'ResourceNotFoundException');
  assert.equal(noShard.message, 'Requested resource not found: Shard does not exist');

  const noNumber = await failure(new GetShardIteratorCommand({
    StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER',
  }));
  assert.equal(noNumber.name, 'ValidationException');
  assert.equal(noNumber.message,
    'One or more parameter values were invalid: Invalid SequenceNumber');
});
