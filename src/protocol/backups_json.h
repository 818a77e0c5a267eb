// JSON <-> typed requests and responses of the backup and point-in-time
// recovery operations: CreateBackup, DescribeBackup, DeleteBackup,
// ListBackups, RestoreTableFromBackup, UpdateContinuousBackups,
// DescribeContinuousBackups, RestoreTableToPointInTime.
//
// Each Decode* runs DynamoDB's first two phases (JSON types, then member
// constraints) and returns the typed request or the phase's error; the
// operations' own checks (e.g. a point-in-time restore naming exactly one
// source) are the ops layer's. Timestamps travel as epoch seconds: JSON
// numbers with a fraction (botocore's form), decoded to the nearest
// microsecond and encoded with millisecond precision. The restores answer
// with EncodeTableDescription (table_json.h).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "common/status.h"
#include "ops/backups.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

Result<ops::CreateBackupRequest> DecodeCreateBackup(const Json& body);
Result<std::string> DecodeBackupArn(const Json& body);  // DescribeBackup, DeleteBackup
Result<ops::ListBackupsRequest> DecodeListBackups(const Json& body);
Result<ops::RestoreTableFromBackupRequest> DecodeRestoreTableFromBackup(const Json& body);
Result<ops::UpdateContinuousBackupsRequest> DecodeUpdateContinuousBackups(const Json& body);
Result<std::string> DecodeDescribeContinuousBackups(const Json& body);  // the table name or ARN
Result<ops::RestoreTableToPointInTimeRequest> DecodeRestoreTableToPointInTime(const Json& body);

Json EncodeCreateBackup(const ops::BackupDetails& details);
// DescribeBackup's and DeleteBackup's answer. `ctx` names the account and
// region of an encrypted source's key ARN.
Json EncodeBackupDescription(const ops::BackupDescription& desc, const ops::RequestContext& ctx);
Json EncodeListBackups(const ops::ListBackupsResponse& resp);
// UpdateContinuousBackups' and DescribeContinuousBackups' answer.
Json EncodeContinuousBackups(const ops::ContinuousBackupsDescription& desc);

}  // namespace stator::protocol
