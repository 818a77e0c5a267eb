// DynamoDB's semantic checks of CreateTable and UpdateTable requests, run
// after the shape and constraint checks and before anything is stored. Each
// returns the first violation in DynamoDB's order with DynamoDB's message.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "model/table.h"
#include "ops/tables.h"

namespace stator::ops {

// Validates `req` and builds the table definition it describes (without the
// id, uuid and times, which the caller assigns).
Result<model::TableDef> BuildTableDef(const CreateTableRequest& req);

// Validates `req` against the current definition and returns the new one.
Result<model::TableDef> ApplyTableUpdate(const model::TableDef& current,
                                         const UpdateTableRequest& req, int64_t now_micros);

Result<model::TableClass> ParseTableClass(const std::string& value);

}  // namespace stator::ops
