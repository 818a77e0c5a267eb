// On-demand backups, point-in-time recovery and exports through the AWS SDK for
// JavaScript v3's typed commands (@aws-sdk/client-dynamodb). Run with Node's test runner:
//
//   STATOR_ENDPOINT=http://127.0.0.1:8000 STATOR_EXPORT_DIR=/the/servers/export-dir \
//     node --test tests/js/
//
// STATOR_EXPORT_DIR is the server's --export-dir (the folder standing for S3: bucket B is
// DIR/B). Without it the test of a completed export, which needs a bucket, is skipped; the
// others run. tests/integration/test_js_sdk.py starts a server with an export directory of
// its own and passes it. The assertions are DynamoDB's documented behaviour, with the local
// directory standing in for S3.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import {
  CreateBackupCommand,
  CreateTableCommand,
  DeleteBackupCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeContinuousBackupsCommand,
  DescribeExportCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExportTableToPointInTimeCommand,
  ListBackupsCommand,
  ListExportsCommand,
  PutItemCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

const endpoint = process.env.STATOR_ENDPOINT;
if (!endpoint) {
  throw new Error('set STATOR_ENDPOINT to the server, e.g. http://127.0.0.1:8000');
}
const exportDir = process.env.STATOR_EXPORT_DIR || '';

const client = new DynamoDBClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1, // no retries: every answer is the server's first
});

const run = randomUUID().slice(0, 8);
const tables = []; // every table this file makes, deleted at the end
const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:\\d{12}:table\\/([^/]+)';
const BACKUP_ARN = new RegExp(`^${TABLE_ARN}\\/backup\\/(\\d{14})-[0-9a-f]{8}$`);
const EXPORT_ARN = new RegExp(`^${TABLE_ARN}\\/export\\/((\\d{14})-[0-9a-f]{8})$`);
const DATA_FILE = /^[a-z2-7]{26}\.json\.gz$/;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function tableName(label) {
  const name = `js_bk_${label}_${run}`;
  tables.push(name);
  return name;
}

async function waitActive(name) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table.TableStatus === 'ACTIVE') return Table;
    assert.ok(Date.now() < deadline, `${name} still ${Table.TableStatus}`);
    await sleep(20);
  }
}

async function createTable(name) {
  await client.send(new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  return waitActive(name);
}

async function enablePitr(name, extra = {}) {
  const { ContinuousBackupsDescription } = await client.send(new UpdateContinuousBackupsCommand({
    TableName: name,
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, ...extra },
  }));
  return ContinuousBackupsDescription;
}

// Items of every attribute type (a B is a Uint8Array, as the SDK gives it back).
function item(pk, n) {
  return {
    pk: { S: pk },
    n: { N: String(n) },
    s: { S: `value ${n} ✓` },
    b: { B: new Uint8Array([0, n & 0xff, 255]) },
    ss: { SS: ['x', `y${n}`] },
    ns: { NS: ['1', String(n + 0.5)] },
    bs: { BS: [new Uint8Array([1]), new Uint8Array([2, n & 0xff])] },
    m: { M: { ok: { BOOL: n % 2 === 0 }, nothing: { NULL: true } } },
    l: { L: [{ S: 'first' }, { N: '-3.25' }, { L: [] }, { M: {} }] },
  };
}

async function put(table, it) {
  await client.send(new PutItemCommand({ TableName: table, Item: it }));
}

async function scanAll(table) {
  const items = [];
  let ExclusiveStartKey;
  do {
    const page = await client.send(new ScanCommand({
      TableName: table, ConsistentRead: true, ExclusiveStartKey,
    }));
    items.push(...page.Items);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

// An attribute value in one comparable form: binaries as base64 (the SDK's Uint8Array and an
// export file's base64 string alike), sets sorted, map keys sorted.
function canonicalValue(v) {
  const [type] = Object.keys(v);
  const b64 = (x) => (typeof x === 'string' ? x : Buffer.from(x).toString('base64'));
  switch (type) {
    case 'B': return { B: b64(v.B) };
    case 'BS': return { BS: v.BS.map(b64).sort() };
    case 'SS': return { SS: [...v.SS].sort() };
    case 'NS': return { NS: [...v.NS].sort() };
    case 'L': return { L: v.L.map(canonicalValue) };
    case 'M': return { M: canonicalItem(v.M) };
    default: return { [type]: v[type] };
  }
}

function canonicalItem(it) {
  return Object.fromEntries(Object.keys(it).sort().map((k) => [k, canonicalValue(it[k])]));
}

// A set of items as a sorted list of canonical JSON strings: equal contents, equal lists.
function contents(items) {
  return items.map((it) => JSON.stringify(canonicalItem(it))).sort();
}

// Sends `command` and returns the error it must fail with.
async function failure(command) {
  try {
    await client.send(command);
  } catch (err) {
    return err;
  }
  assert.fail('the request succeeded; an error was expected');
}

function assertDateNear(value, from, to, what) {
  assert.ok(value instanceof Date, `${what} is a Date (${value})`);
  assert.ok(!Number.isNaN(value.getTime()), `${what} is a valid Date`);
  assert.ok(value.getTime() >= from - 1000 && value.getTime() <= to + 1000,
    `${what} ${value.toISOString()} is not within [${new Date(from).toISOString()}, ` +
    `${new Date(to).toISOString()}]`);
}

// A moment between two phases of writes: 20 ms clear of both, and not on a whole second, so
// that a restore to it shows whether the SDK kept the milliseconds.
async function restorePoint() {
  await sleep(20);
  let point = new Date();
  while (point.getMilliseconds() === 0) {
    await sleep(2);
    point = new Date();
  }
  await sleep(20);
  return point;
}

before(() => {
  if (exportDir) {
    assert.ok(existsSync(exportDir), `STATOR_EXPORT_DIR ${exportDir} does not exist`);
  }
});

after(async () => {
  for (const name of tables) {
    try {
      await client.send(new DeleteTableCommand({ TableName: name }));
    } catch {
      // never created, or the server is gone already; the tables die with it
    }
  }
  client.destroy();
});

test('a backup restores exactly the items it was taken with', async () => {
  const source = tableName('src');
  const target = tableName('restored');
  const table = await createTable(source);
  const items = [1, 2, 3, 4, 5].map((n) => item(`k${n}`, n));
  for (const it of items) await put(source, it);

  const before = Date.now();
  const { BackupDetails: created } = await client.send(new CreateBackupCommand({
    TableName: source, BackupName: 'js-backup_1.0',
  }));
  const afterCreate = Date.now();
  // DynamoDB's first answer: CREATING, size 0.
  assert.equal(created.BackupName, 'js-backup_1.0');
  assert.equal(created.BackupStatus, 'CREATING');
  assert.equal(created.BackupType, 'USER');
  assert.equal(created.BackupSizeBytes, 0);
  assertDateNear(created.BackupCreationDateTime, before, afterCreate, 'BackupCreationDateTime');
  const arn = created.BackupArn;
  const match = BACKUP_ARN.exec(arn);
  assert.ok(match, arn);
  assert.equal(match[1], source);
  assert.equal(Number(match[2]), created.BackupCreationDateTime.getTime(),
    'the ARN carries the creation time in ms');

  // Writes after the backup: an update, a delete, a new item, an overwrite.
  await client.send(new UpdateItemCommand({
    TableName: source, Key: { pk: { S: 'k1' } },
    UpdateExpression: 'SET s = :s REMOVE m', ExpressionAttributeValues: { ':s': { S: 'later' } },
  }));
  await client.send(new DeleteItemCommand({ TableName: source, Key: { pk: { S: 'k2' } } }));
  await put(source, item('new', 9));
  await put(source, { pk: { S: 'k3' } });
  assert.notDeepEqual(contents(await scanAll(source)), contents(items));

  const { BackupDescription: described } = await client.send(
    new DescribeBackupCommand({ BackupArn: arn }));
  const details = described.BackupDetails;
  assert.equal(details.BackupArn, arn);
  assert.equal(details.BackupName, 'js-backup_1.0');
  assert.equal(details.BackupStatus, 'AVAILABLE');
  assert.equal(details.BackupType, 'USER');
  assert.ok(details.BackupSizeBytes > 0, `BackupSizeBytes ${details.BackupSizeBytes}`);
  assert.ok(details.BackupCreationDateTime instanceof Date);
  assert.equal(details.BackupCreationDateTime.getTime(), created.BackupCreationDateTime.getTime());
  const sourceDetails = described.SourceTableDetails;
  assert.equal(sourceDetails.TableName, source);
  assert.equal(sourceDetails.TableArn, table.TableArn);
  assert.equal(sourceDetails.TableId, table.TableId);
  assert.equal(sourceDetails.ItemCount, items.length);
  assert.equal(sourceDetails.TableSizeBytes, details.BackupSizeBytes);
  assert.equal(sourceDetails.BillingMode, 'PAY_PER_REQUEST');
  assert.deepEqual(sourceDetails.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
  assert.ok(sourceDetails.TableCreationDateTime instanceof Date);
  assert.equal(sourceDetails.TableCreationDateTime.getTime(), table.CreationDateTime.getTime());

  const listed = await client.send(new ListBackupsCommand({ TableName: source }));
  assert.equal(listed.BackupSummaries.length, 1, JSON.stringify(listed.BackupSummaries));
  const [summary] = listed.BackupSummaries;
  assert.equal(summary.BackupArn, arn);
  assert.equal(summary.BackupName, 'js-backup_1.0');
  assert.equal(summary.BackupStatus, 'AVAILABLE');
  assert.equal(summary.BackupType, 'USER');
  assert.equal(summary.TableName, source);
  assert.equal(summary.TableArn, table.TableArn);
  assert.equal(summary.BackupSizeBytes, details.BackupSizeBytes);
  assert.ok(summary.BackupCreationDateTime instanceof Date);
  assert.equal(summary.BackupCreationDateTime.getTime(), created.BackupCreationDateTime.getTime());
  assert.equal(listed.LastEvaluatedBackupArn, undefined);

  const { TableDescription: restoring } = await client.send(new RestoreTableFromBackupCommand({
    BackupArn: arn, TargetTableName: target,
  }));
  assert.equal(restoring.TableName, target);
  assert.equal(restoring.TableStatus, 'CREATING');
  assert.notEqual(restoring.TableId, table.TableId);
  assert.deepEqual(restoring.KeySchema, table.KeySchema);
  assert.equal(restoring.RestoreSummary.SourceBackupArn, arn);
  assert.equal(restoring.RestoreSummary.SourceTableArn, table.TableArn);
  assert.equal(restoring.RestoreSummary.RestoreInProgress, true);
  assert.ok(restoring.RestoreSummary.RestoreDateTime instanceof Date);
  assert.equal(restoring.RestoreSummary.RestoreDateTime.getTime(),
    created.BackupCreationDateTime.getTime());

  const restored = await waitActive(target);
  assert.equal(restored.RestoreSummary.RestoreInProgress, false);
  assert.equal(restored.RestoreSummary.SourceBackupArn, arn);
  assert.equal(restored.ItemCount, items.length);
  assert.deepEqual(contents(await scanAll(target)), contents(items));

  const { BackupDescription: deleted } = await client.send(
    new DeleteBackupCommand({ BackupArn: arn }));
  assert.equal(deleted.BackupDetails.BackupArn, arn);
  assert.equal(deleted.BackupDetails.BackupStatus, 'DELETED');
  assert.equal(deleted.SourceTableDetails.TableName, source);

  const err = await failure(new DescribeBackupCommand({ BackupArn: arn }));
  assert.equal(err.name, 'BackupNotFoundException', `${err.name}: ${err.message}`);
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.message, `Backup not found: ${arn}`);
  const again = await failure(new DeleteBackupCommand({ BackupArn: arn }));
  assert.equal(again.name, 'BackupNotFoundException');
  const listedAfter = await client.send(new ListBackupsCommand({ TableName: source }));
  assert.deepEqual(listedAfter.BackupSummaries, []);
  // The restored table does not depend on the backup.
  assert.deepEqual(contents(await scanAll(target)), contents(items));

  const missing = await failure(new CreateBackupCommand({
    TableName: `${source}_missing`, BackupName: 'nope',
  }));
  assert.equal(missing.name, 'TableNotFoundException', `${missing.name}: ${missing.message}`);
});

test('point-in-time recovery restores the table as it was at a moment', async () => {
  const source = tableName('pitr');
  const plain = tableName('plain');
  const table = await createTable(source);
  await createTable(plain);

  const off = await client.send(new DescribeContinuousBackupsCommand({ TableName: source }));
  assert.deepEqual(off.ContinuousBackupsDescription, {
    ContinuousBackupsStatus: 'ENABLED',
    PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
  });

  const enabledAt = Date.now();
  const enabled = await enablePitr(source, { RecoveryPeriodInDays: 7 });
  const afterEnable = Date.now();
  assert.equal(enabled.ContinuousBackupsStatus, 'ENABLED');
  const window = enabled.PointInTimeRecoveryDescription;
  assert.equal(window.PointInTimeRecoveryStatus, 'ENABLED');
  assert.equal(window.RecoveryPeriodInDays, 7);
  assertDateNear(window.EarliestRestorableDateTime, enabledAt, afterEnable,
    'EarliestRestorableDateTime');
  assertDateNear(window.LatestRestorableDateTime, enabledAt, afterEnable,
    'LatestRestorableDateTime');
  // The enabling answer has Earliest = Latest, as DynamoDB's does.
  assert.equal(window.EarliestRestorableDateTime.getTime(),
    window.LatestRestorableDateTime.getTime());

  // Phase 1, a restore point, phase 2.
  const phase1 = [1, 2, 3].map((n) => item(`p${n}`, n));
  for (const it of phase1) await put(source, it);
  const point = await restorePoint();
  await client.send(new UpdateItemCommand({
    TableName: source, Key: { pk: { S: 'p1' } },
    UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': { N: '1' } },
  }));
  await client.send(new DeleteItemCommand({ TableName: source, Key: { pk: { S: 'p2' } } }));
  await put(source, item('p4', 4));
  const current = await scanAll(source);
  assert.equal(current.length, 3);
  assert.notDeepEqual(contents(current), contents(phase1));

  const described = await client.send(new DescribeContinuousBackupsCommand({ TableName: source }));
  const now = described.ContinuousBackupsDescription.PointInTimeRecoveryDescription;
  assert.equal(now.PointInTimeRecoveryStatus, 'ENABLED');
  assert.equal(now.RecoveryPeriodInDays, 7);
  assert.ok(now.EarliestRestorableDateTime instanceof Date);
  assert.ok(now.LatestRestorableDateTime instanceof Date);
  assert.equal(now.EarliestRestorableDateTime.getTime(),
    window.EarliestRestorableDateTime.getTime());
  assert.ok(now.EarliestRestorableDateTime <= point, 'the restore point is restorable');
  assertDateNear(now.LatestRestorableDateTime, point.getTime() + 20, Date.now(),
    'LatestRestorableDateTime');

  // To the point: phase 1's contents. The SDK sends the Date with its milliseconds (epoch
  // seconds with a fraction), so the answer's RestoreDateTime is the point to the ms.
  const atPoint = tableName('at_point');
  const { TableDescription: answer } = await client.send(new RestoreTableToPointInTimeCommand({
    SourceTableName: source, TargetTableName: atPoint, RestoreDateTime: point,
  }));
  assert.equal(answer.TableName, atPoint);
  assert.equal(answer.TableStatus, 'CREATING');
  assert.notEqual(answer.TableId, table.TableId);
  assert.equal(answer.RestoreSummary.SourceTableArn, table.TableArn);
  assert.equal(answer.RestoreSummary.SourceBackupArn, undefined);
  assert.equal(answer.RestoreSummary.RestoreInProgress, true);
  assert.ok(answer.RestoreSummary.RestoreDateTime instanceof Date);
  assert.equal(answer.RestoreSummary.RestoreDateTime.getTime(), point.getTime(),
    `RestoreDateTime ${answer.RestoreSummary.RestoreDateTime.toISOString()} is not the point ` +
    `${point.toISOString()} sent`);
  const restored = await waitActive(atPoint);
  assert.equal(restored.RestoreSummary.RestoreInProgress, false);
  assert.deepEqual(contents(await scanAll(atPoint)), contents(phase1));

  // To the latest restorable time, by ARN: the current contents.
  const latest = tableName('latest');
  const beforeLatest = Date.now();
  const { TableDescription: latestAnswer } = await client.send(
    new RestoreTableToPointInTimeCommand({
      SourceTableArn: table.TableArn, TargetTableName: latest, UseLatestRestorableTime: true,
    }));
  assertDateNear(latestAnswer.RestoreSummary.RestoreDateTime, beforeLatest, Date.now(),
    'RestoreDateTime of the latest restorable time');
  assert.equal(latestAnswer.RestoreSummary.SourceTableArn, table.TableArn);
  await waitActive(latest);
  assert.deepEqual(contents(await scanAll(latest)), contents(current));

  // Errors.
  let err = await failure(new RestoreTableToPointInTimeCommand({
    SourceTableName: plain, TargetTableName: tableName('never1'), UseLatestRestorableTime: true,
  }));
  assert.equal(err.name, 'PointInTimeRecoveryUnavailableException', `${err.name}: ${err.message}`);
  err = await failure(new RestoreTableToPointInTimeCommand({
    SourceTableName: `${source}_missing`, TargetTableName: tableName('never2'),
    UseLatestRestorableTime: true,
  }));
  assert.equal(err.name, 'TableNotFoundException', `${err.name}: ${err.message}`);
  assert.equal(err.message, `Table not found: ${source}_missing`);
  for (const when of [new Date(Date.now() + 3600 * 1000),
    new Date(window.EarliestRestorableDateTime.getTime() - 1000)]) {
    err = await failure(new RestoreTableToPointInTimeCommand({
      SourceTableName: source, TargetTableName: tableName('never3'), RestoreDateTime: when,
    }));
    assert.equal(err.name, 'InvalidRestoreTimeException',
      `${when.toISOString()}: ${err.name}: ${err.message}`);
  }
  err = await failure(new DescribeContinuousBackupsCommand({ TableName: `${source}_missing` }));
  assert.equal(err.name, 'TableNotFoundException', `${err.name}: ${err.message}`);
  // None of the refused restores made a table.
  err = await failure(new DescribeTableCommand({ TableName: `js_bk_never3_${run}` }));
  assert.equal(err.name, 'ResourceNotFoundException');

  // Disabled again: no more restores.
  const disabled = await client.send(new UpdateContinuousBackupsCommand({
    TableName: source,
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
  }));
  assert.equal(disabled.ContinuousBackupsDescription.PointInTimeRecoveryDescription
    .PointInTimeRecoveryStatus, 'DISABLED');
  err = await failure(new RestoreTableToPointInTimeCommand({
    SourceTableName: source, TargetTableName: tableName('never4'), RestoreDateTime: point,
  }));
  assert.equal(err.name, 'PointInTimeRecoveryUnavailableException', `${err.name}: ${err.message}`);
});

// Reads a COMPLETED export's files: the data files named by manifest-files.json, each a gzip of
// one {"Item":…} line per item. Returns the items.
function readExport(bucket, description) {
  const exportId = EXPORT_ARN.exec(description.ExportArn)[2];
  const keys = `AWSDynamoDB/${exportId}/`;
  assert.equal(description.ExportManifest, `${keys}manifest-summary.json`);
  const bucketDir = join(exportDir, bucket);
  const summary = JSON.parse(readFileSync(join(bucketDir, description.ExportManifest), 'utf8'));
  assert.equal(summary.exportArn, description.ExportArn);
  assert.equal(summary.itemCount, description.ItemCount);
  assert.equal(summary.s3Bucket, bucket);
  assert.equal(summary.outputFormat, 'DYNAMODB_JSON');
  assert.equal(summary.manifestFilesS3Key, `${keys}manifest-files.json`);
  const files = readFileSync(join(bucketDir, summary.manifestFilesS3Key), 'utf8')
    .split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
  const dataNames = readdirSync(join(bucketDir, keys, 'data')).sort();
  assert.ok(dataNames.length > 0 && dataNames.every((n) => DATA_FILE.test(n)), dataNames.join());
  assert.deepEqual(files.map((f) => f.dataFileS3Key).sort(),
    dataNames.map((n) => `${keys}data/${n}`));
  const items = [];
  for (const file of files) {
    const text = gunzipSync(readFileSync(join(bucketDir, file.dataFileS3Key))).toString('utf8');
    const lines = text.split('\n');
    assert.equal(lines.pop(), '', 'a data file ends with a newline');
    for (const line of lines) {
      const parsed = JSON.parse(line);
      assert.deepEqual(Object.keys(parsed), ['Item'], line);
      items.push(parsed.Item);
    }
    assert.equal(file.itemCount, lines.length);
  }
  return items;
}

test('an export of a PITR table completes with a data file of its items',
  { skip: !exportDir && 'STATOR_EXPORT_DIR (the server\'s --export-dir) is not set' },
  async () => {
    const name = tableName('export');
    const table = await createTable(name);
    await enablePitr(name);
    const items = [1, 2, 3, 4, 5, 6, 7].map((n) => item(`e${n}`, n));
    for (const it of items) await put(name, it);
    await client.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: 'e7' } } }));
    const expected = items.slice(0, 6);
    const bucket = `js-bucket-${run}`;
    mkdirSync(join(exportDir, bucket));

    const before = Date.now();
    const { ExportDescription: answer } = await client.send(new ExportTableToPointInTimeCommand({
      TableArn: table.TableArn, S3Bucket: bucket,
    }));
    const afterExport = Date.now();
    const match = EXPORT_ARN.exec(answer.ExportArn);
    assert.ok(match, answer.ExportArn);
    assert.equal(match[1], name);
    assert.equal(answer.ExportStatus, 'IN_PROGRESS');
    assert.equal(answer.TableArn, table.TableArn);
    assert.equal(answer.TableId, table.TableId);
    assert.equal(answer.S3Bucket, bucket);
    assert.equal(answer.ExportFormat, 'DYNAMODB_JSON');
    // The SDK filled in a ClientToken (an idempotency token), and the server echoes it.
    assert.equal(typeof answer.ClientToken, 'string');
    assert.ok(answer.ClientToken.length > 0);
    assertDateNear(answer.StartTime, before, afterExport, 'StartTime');
    assert.equal(Number(match[3]), answer.StartTime.getTime(), 'the ARN carries the start in ms');
    assert.ok(answer.ExportTime instanceof Date);
    assert.equal(answer.ExportTime.getTime(), answer.StartTime.getTime());
    assert.equal(answer.ItemCount, undefined);

    const { ExportDescription: desc } = await client.send(new DescribeExportCommand({
      ExportArn: answer.ExportArn,
    }));
    assert.equal(desc.ExportStatus, 'COMPLETED', JSON.stringify(desc));
    assert.equal(desc.ExportArn, answer.ExportArn);
    assert.equal(desc.ClientToken, answer.ClientToken);
    assert.equal(desc.ItemCount, expected.length);
    assert.ok(desc.BilledSizeBytes > 0, `BilledSizeBytes ${desc.BilledSizeBytes}`);
    assert.ok(desc.EndTime instanceof Date);
    assert.ok(desc.EndTime >= desc.StartTime && desc.EndTime.getTime() <= Date.now() + 1000);
    assert.equal(desc.StartTime.getTime(), answer.StartTime.getTime());
    assert.equal(desc.FailureCode, undefined);

    const byTable = await client.send(new ListExportsCommand({ TableArn: table.TableArn }));
    assert.deepEqual(byTable.ExportSummaries, [
      { ExportArn: answer.ExportArn, ExportStatus: 'COMPLETED', ExportType: 'FULL_EXPORT' },
    ]);
    const everything = await client.send(new ListExportsCommand({ MaxResults: 25 }));
    let all = everything.ExportSummaries;
    for (let token = everything.NextToken; token;) {
      const page = await client.send(new ListExportsCommand({ NextToken: token }));
      all = all.concat(page.ExportSummaries);
      token = page.NextToken;
    }
    assert.ok(all.some((s) => s.ExportArn === answer.ExportArn), 'ListExports lists it');

    const exported = readExport(bucket, desc);
    assert.equal(exported.length, expected.length);
    assert.deepEqual(contents(exported), contents(expected));

    // The same ClientToken again answers the same export.
    const { ExportDescription: repeated } = await client.send(new ExportTableToPointInTimeCommand({
      TableArn: table.TableArn, S3Bucket: bucket, ClientToken: answer.ClientToken,
    }));
    assert.equal(repeated.ExportArn, answer.ExportArn);
  });

test('an export to a missing bucket fails with S3NoSuchBucket', async () => {
  const name = tableName('export_nobucket');
  const table = await createTable(name);

  // Without point-in-time recovery there is no export.
  const err = await failure(new ExportTableToPointInTimeCommand({
    TableArn: table.TableArn, S3Bucket: 'whatever',
  }));
  assert.equal(err.name, 'PointInTimeRecoveryUnavailableException', `${err.name}: ${err.message}`);

  await enablePitr(name);
  await put(name, item('x', 1));
  const bucket = `js-missing-bucket-${run}`;
  const { ExportDescription: answer } = await client.send(new ExportTableToPointInTimeCommand({
    TableArn: table.TableArn, S3Bucket: bucket, S3Prefix: 'some/prefix',
  }));
  assert.equal(answer.ExportStatus, 'IN_PROGRESS');
  assert.equal(answer.S3Bucket, bucket);
  assert.equal(answer.S3Prefix, 'some/prefix');

  const { ExportDescription: desc } = await client.send(new DescribeExportCommand({
    ExportArn: answer.ExportArn,
  }));
  assert.equal(desc.ExportStatus, 'FAILED', JSON.stringify(desc));
  assert.equal(desc.FailureCode, 'S3NoSuchBucket');
  assert.equal(typeof desc.FailureMessage, 'string');
  assert.ok(desc.FailureMessage.length > 0);
  assert.ok(desc.EndTime instanceof Date && desc.EndTime >= desc.StartTime);
  assert.equal(desc.ItemCount, undefined);
  assert.equal(desc.ExportManifest, undefined);
  if (exportDir) assert.ok(!existsSync(join(exportDir, bucket)), 'no bucket folder was made');

  const listed = await client.send(new ListExportsCommand({ TableArn: table.TableArn }));
  assert.deepEqual(listed.ExportSummaries, [
    { ExportArn: answer.ExportArn, ExportStatus: 'FAILED', ExportType: 'FULL_EXPORT' },
  ]);

  const unknown = await failure(new DescribeExportCommand({
    ExportArn: `${table.TableArn}/export/01234567890123-0123abcd`,
  }));
  assert.equal(unknown.name, 'ExportNotFoundException', `${unknown.name}: ${unknown.message}`);
});
