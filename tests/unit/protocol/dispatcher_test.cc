// Requests through the whole protocol stack (dispatcher, decoding, ops,
// in-memory storage), checked against DynamoDB's exact answers.
#include "protocol/dispatcher.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <random>

#include "common/crc32.h"

namespace stator::protocol {
namespace {

using nlohmann::json;

constexpr char kAuth[] =
    "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/dynamodb/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc";

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions options;
    options.in_memory = true;
    engine_ = storage::Engine::Open(options, &clock_).value();
    ops::OpsEnv env;
    env.engine = engine_.get();
    env.clock = &clock_;
    env.account_id = "123456789012";
    dispatcher_ = std::make_unique<Dispatcher>(env);
  }

  WireResponse Raw(std::string_view op, std::string_view body,
                   std::string_view content_type = "application/x-amz-json-1.0",
                   std::string_view auth = kAuth) {
    target_ = "DynamoDB_20120810." + std::string(op);
    WireRequest req;
    req.method = "POST";
    req.target = target_;
    req.content_type = content_type;
    req.authorization = auth;
    req.has_date = true;
    req.body = body;
    return dispatcher_->Handle(req);
  }

  json Call(std::string_view op, const json& body, int expected_status = 200) {
    std::string text = body.dump();
    WireResponse resp = Raw(op, text);
    EXPECT_EQ(resp.status, expected_status) << resp.body;
    return resp.body.empty() ? json() : json::parse(resp.body);
  }

  // Asserts an error answer and returns its message.
  std::string Error(std::string_view op, const json& body, const std::string& type) {
    json resp = Call(op, body, 400);
    EXPECT_EQ(resp.value("__type", ""), type) << resp.dump();
    if (resp.contains("Message")) return resp["Message"];
    return resp.value("message", "");
  }

  void CreateHashRange(const std::string& name) {
    Call("CreateTable", {{"TableName", name},
                         {"AttributeDefinitions",
                          {{{"AttributeName", "pk"}, {"AttributeType", "S"}},
                           {{"AttributeName", "sk"}, {"AttributeType", "N"}}}},
                         {"KeySchema",
                          {{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                           {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}}},
                         {"BillingMode", "PAY_PER_REQUEST"}});
  }

  ManualClock clock_{1700000000123456};
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::string target_;
};

constexpr char kValidation[] = "com.amazon.coral.validate#ValidationException";
constexpr char kSerialization[] = "com.amazon.coral.service#SerializationException";
constexpr char kNotFound[] = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException";

TEST_F(DispatcherTest, EveryResponseCarriesRequestIdAndCrc) {
  WireResponse resp = Raw("ListTables", "{}");
  ASSERT_EQ(resp.status, 200);
  std::map<std::string, std::string> headers(resp.headers.begin(), resp.headers.end());
  EXPECT_EQ(headers["x-amzn-RequestId"].size(), 52u);
  EXPECT_EQ(headers["x-amz-crc32"], std::to_string(Crc32(resp.body)));
  EXPECT_EQ(headers["Content-Type"], "application/x-amz-json-1.0");
  EXPECT_EQ(resp.body, R"({"TableNames":[]})");
}

TEST_F(DispatcherTest, ProtocolErrorsInDynamoDbOrder) {
  WireResponse bad_json = Raw("ListTables", "{not json");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(bad_json.body, R"({"__type":"com.amazon.coral.service#SerializationException"})");
  WireResponse unknown = Raw("ListTable", "{}");
  EXPECT_EQ(unknown.body, R"({"__type":"com.amazon.coral.service#UnknownOperationException"})");
  WireResponse no_auth = Raw("ListTables", "{}", "application/x-amz-json-1.0", "");
  EXPECT_EQ(no_auth.body,
            R"({"__type":"com.amazon.coral.service#MissingAuthenticationTokenException",)"
            R"("message":"Request is missing Authentication Token"})");
  WireResponse incomplete = Raw("ListTables", "{}", "application/x-amz-json-1.0", "AWS4-");
  EXPECT_NE(incomplete.body.find("IncompleteSignatureException"), std::string::npos);
  EXPECT_NE(incomplete.body.find("Authorization header requires 'Credential' parameter. "
                                 "Authorization header requires 'Signature' parameter. "),
            std::string::npos);
  WireResponse empty = Raw("ListTables", "");
  EXPECT_EQ(empty.body, R"({"__type":"com.amazon.coral.service#SerializationException"})");
  WireResponse text = Raw("ListTables", "{}", "text/plain");
  EXPECT_EQ(text.status, 404);
  WireResponse plain_json = Raw("ListTables", "{}", "application/json; charset=utf-8");
  EXPECT_EQ(plain_json.status, 200);
}

TEST_F(DispatcherTest, HealthCheck) {
  WireRequest req;
  req.method = "GET";
  WireResponse resp = dispatcher_->Handle(req);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "healthy: dynamodb.us-east-1.amazonaws.com ");
}

TEST_F(DispatcherTest, TypeErrorsAreSerializationExceptions) {
  EXPECT_EQ(Error("DescribeTable", {{"TableName", 5}}, kSerialization),
            "NUMBER_VALUE cannot be converted to String");
  EXPECT_EQ(Error("DescribeTable", {{"TableName", true}}, kSerialization),
            "TRUE_VALUE cannot be converted to String");
  EXPECT_EQ(Error("DescribeTable", {{"TableName", json::object()}}, kSerialization),
            "Start of structure or map found where not expected");
  EXPECT_EQ(Error("ListTables", {{"Limit", "5"}}, kSerialization),
            "STRING_VALUE cannot be converted to Integer");
  EXPECT_EQ(Error("CreateTable", {{"KeySchema", "x"}}, kSerialization), "Unexpected field type");
  EXPECT_EQ(Error("CreateTable", {{"KeySchema", {5}}}, kSerialization),
            "Unexpected value type in payload");
  EXPECT_EQ(Error("CreateTable", {{"ProvisionedThroughput", json::array()}}, kSerialization),
            "Unrecognized collection type class "
            "com.amazonaws.dynamodb.v20120810.ProvisionedThroughput");
  EXPECT_EQ(Error("PutItem", {{"TableName", "abc"}, {"Item", json::array()}}, kSerialization),
            "Unrecognized collection type java.util.Map<java.lang.String, "
            "com.amazonaws.dynamodb.v20120810.AttributeValue>");
  EXPECT_EQ(Error("PutItem", {{"TableName", "abc"}, {"Item", {{"a", {{"B", "abc"}}}}}},
                  kSerialization),
            "Base64 encoded length is expected a multiple of 4 bytes but found: 3");
  EXPECT_EQ(Error("PutItem", {{"TableName", "abc"}, {"Item", {{"a", {{"S", 1.5}}}}}},
                  kSerialization),
            "DECIMAL_VALUE cannot be converted to String");
  EXPECT_EQ(Error("GetItem", {{"ConsistentRead", "yes"}}, kSerialization),
            "Unexpected token received from parser");
}

TEST_F(DispatcherTest, ConstraintMessages) {
  EXPECT_EQ(Error("ListTables", {{"ExclusiveStartTableName", "a;"}, {"Limit", 500}}, kValidation),
            "3 validation errors detected: Value 'a;' at 'exclusiveStartTableName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "[a-zA-Z0-9_.-]+; Value 'a;' at 'exclusiveStartTableName' failed to satisfy "
            "constraint: Member must have length greater than or equal to 3; Value '500' at "
            "'limit' failed to satisfy constraint: Member must have value less than or equal to "
            "100");
  EXPECT_EQ(Error("CreateTable", {{"TableName", "abc;"}}, kValidation),
            "3 validation errors detected: Value null at 'attributeDefinitions' failed to "
            "satisfy constraint: Member must not be null; Value 'abc;' at 'tableName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "[a-zA-Z0-9_.-]+; Value null at 'keySchema' failed to satisfy constraint: Member "
            "must not be null");
  EXPECT_EQ(Error("DescribeTable", json::object(), kValidation),
            "The parameter 'TableName' is required but was not present in the request");
  EXPECT_EQ(Error("DeleteTable", {{"TableName", "ab"}}, kValidation),
            "TableName must be at least 3 characters long and at most 255 characters long");
  EXPECT_EQ(Error("PutItem", {{"TableName", "abc;"}, {"ReturnConsumedCapacity", "hi"},
                              {"ReturnItemCollectionMetrics", "hi"}, {"ReturnValues", "hi"}},
                  kValidation),
            "5 validation errors detected: Value 'hi' at 'returnConsumedCapacity' failed to "
            "satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; "
            "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: [a-zA-Z0-9_.-]+; Value null at 'item' failed to "
            "satisfy constraint: Member must not be null; Value 'hi' at 'returnValues' failed "
            "to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, "
            "ALL_OLD, NONE, UPDATED_NEW]; Value 'hi' at 'returnItemCollectionMetrics' failed to "
            "satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]");
}

TEST_F(DispatcherTest, CreateTableSemanticErrors) {
  json defs = {{{"AttributeName", "a"}, {"AttributeType", "S"}}};
  json hash = {{{"AttributeName", "a"}, {"KeyType", "HASH"}}};
  EXPECT_EQ(Error("CreateTable", {{"TableName", "abc"}, {"AttributeDefinitions", defs},
                                  {"KeySchema", hash}},
                  kValidation),
            "One or more parameter values were invalid: ReadCapacityUnits and "
            "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
  json ppr = {{"TableName", "abc"}, {"BillingMode", "PAY_PER_REQUEST"}, {"KeySchema", hash}};
  ppr["AttributeDefinitions"] = {{{"AttributeName", "b"}, {"AttributeType", "S"}}};
  EXPECT_EQ(Error("CreateTable", ppr, kValidation),
            "One or more parameter values were invalid: Some index key attributes are not "
            "defined in AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]");
  ppr["AttributeDefinitions"] = {{{"AttributeName", "a"}, {"AttributeType", "S"}},
                                 {{"AttributeName", "b"}, {"AttributeType", "S"}}};
  EXPECT_EQ(Error("CreateTable", ppr, kValidation),
            "One or more parameter values were invalid: Number of attributes in KeySchema does "
            "not exactly match number of attributes defined in AttributeDefinitions");
  ppr["KeySchema"] = {{{"AttributeName", "a"}, {"KeyType", "RANGE"}}};
  EXPECT_EQ(Error("CreateTable", ppr, kValidation),
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  ppr["KeySchema"] = {{{"AttributeName", "a"}, {"KeyType", "HASH"}},
                      {{"AttributeName", "a"}, {"KeyType", "RANGE"}}};
  EXPECT_EQ(Error("CreateTable", ppr, kValidation),
            "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  ppr["KeySchema"] = hash;
  ppr["AttributeDefinitions"] = defs;
  ppr["ProvisionedThroughput"] = {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}};
  EXPECT_EQ(Error("CreateTable", ppr, kValidation),
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
            "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  ppr.erase("ProvisionedThroughput");
  ppr["LocalSecondaryIndexes"] = json::array();
  EXPECT_EQ(Error("CreateTable", ppr, kValidation),
            "One or more parameter values were invalid: List of LocalSecondaryIndexes is empty");
  ppr.erase("LocalSecondaryIndexes");
  ASSERT_EQ(Call("CreateTable", ppr)["TableDescription"]["TableStatus"], "CREATING");
  EXPECT_EQ(Error("CreateTable", ppr, "com.amazonaws.dynamodb.v20120810#ResourceInUseException"),
            "Table already exists: abc");
}

TEST_F(DispatcherTest, DescribeTableShape) {
  CreateHashRange("shape");
  json t = Call("DescribeTable", {{"TableName", "shape"}})["Table"];
  EXPECT_EQ(t["TableStatus"], "ACTIVE");
  // The region comes from the request's credential scope.
  EXPECT_EQ(t["TableArn"], "arn:aws:dynamodb:eu-west-1:123456789012:table/shape");
  EXPECT_EQ(t["CreationDateTime"].get<double>(), 1700000000.123);
  EXPECT_EQ(t["ProvisionedThroughput"],
            json({{"NumberOfDecreasesToday", 0}, {"ReadCapacityUnits", 0},
                  {"WriteCapacityUnits", 0}}));
  EXPECT_EQ(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
  EXPECT_EQ(t["DeletionProtectionEnabled"], false);
  EXPECT_EQ(t["ItemCount"], 0);
  EXPECT_EQ(Error("DescribeTable", {{"TableName", "nope"}}, kNotFound),
            "Requested resource not found: Table: nope not found");
}

TEST_F(DispatcherTest, ItemRoundTripAndCapacity) {
  CreateHashRange("items");
  json item = {{"pk", {{"S", "a"}}}, {"sk", {{"N", "-0015.789e6"}}},
               {"set", {{"NS", {"1", "2.50"}}}}, {"empty", {{"S", ""}}}};
  json put = Call("PutItem", {{"TableName", "items"}, {"Item", item},
                              {"ReturnConsumedCapacity", "INDEXES"}});
  EXPECT_EQ(put, json({{"ConsumedCapacity",
                        {{"TableName", "items"}, {"CapacityUnits", 1.0},
                         {"Table", {{"CapacityUnits", 1.0}}}}}}));
  json got = Call("GetItem", {{"TableName", "items"},
                              {"Key", {{"pk", {{"S", "a"}}}, {"sk", {{"N", "-15789000"}}}}},
                              {"ReturnConsumedCapacity", "TOTAL"}});
  EXPECT_EQ(got["Item"]["sk"]["N"], "-15789000");
  EXPECT_EQ(got["Item"]["set"]["NS"], json({"1", "2.5"}));
  EXPECT_EQ(got["ConsumedCapacity"]["CapacityUnits"], 0.5);
  json old = Call("DeleteItem", {{"TableName", "items"},
                                 {"Key", {{"pk", {{"S", "a"}}}, {"sk", {{"N", "-15789000"}}}}},
                                 {"ReturnValues", "ALL_OLD"}});
  EXPECT_EQ(old["Attributes"]["empty"]["S"], "");
  EXPECT_EQ(Call("GetItem", {{"TableName", "items"},
                             {"Key", {{"pk", {{"S", "a"}}}, {"sk", {{"N", "1"}}}}}}),
            json::object());
}

TEST_F(DispatcherTest, ItemValidationMessages) {
  CreateHashRange("items");
  auto put = [&](const json& item) {
    return Error("PutItem", {{"TableName", "items"}, {"Item", item}}, kValidation);
  };
  json key = {{"pk", {{"S", "a"}}}, {"sk", {{"N", "1"}}}};
  auto with = [&](const std::string& name, const json& value) {
    json item = key;
    item[name] = value;
    return item;
  };
  EXPECT_EQ(put(with("x", json::object())),
            "Supplied AttributeValue is empty, must contain exactly one of the supported "
            "datatypes");
  EXPECT_EQ(put(with("x", {{"S", "a"}, {"N", "1"}})),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes");
  EXPECT_EQ(put(with("x", {{"NULL", false}})),
            "One or more parameter values were invalid: Null attribute value types must have "
            "the value of true");
  EXPECT_EQ(put(with("x", {{"SS", json::array()}})),
            "One or more parameter values were invalid: An string set  may not be empty");
  EXPECT_EQ(put(with("x", {{"SS", {"a", "a"}}})),
            "One or more parameter values were invalid: Input collection [a, a] contains "
            "duplicates.");
  EXPECT_EQ(put(with("x", {{"NS", {"1", "1.0"}}})), "Input collection contains duplicates");
  EXPECT_EQ(put(with("x", {{"BS", {"Yg==", "Yg=="}}})),
            "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS "
            "contains duplicates.");
  EXPECT_EQ(put(with("x", {{"N", "dog"}})),
            "The parameter cannot be converted to a numeric value: dog");
  EXPECT_EQ(put({{"pk", {{"S", "a"}}}}),
            "One or more parameter values were invalid: Missing the key sk in the item");
  EXPECT_EQ(put({{"pk", {{"N", "1"}}}, {"sk", {{"N", "1"}}}}),
            "One or more parameter values were invalid: Type mismatch for key pk expected: S "
            "actual: N");
  EXPECT_EQ(put({{"pk", {{"S", ""}}}, {"sk", {{"N", "1"}}}}),
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: pk");
  EXPECT_EQ(put({{"pk", {{"S", std::string(2049, 'x')}}}, {"sk", {{"N", "1"}}}}),
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
            "size limit of2048 bytes");
  EXPECT_EQ(Error("GetItem", {{"TableName", "items"}, {"Key", {{"pk", {{"S", "a"}}}}}},
                  kValidation),
            "The provided key element does not match the schema");
  EXPECT_EQ(Error("PutItem", {{"TableName", "items"}, {"Item", key}, {"ReturnValues", "ALL_NEW"}},
                  kValidation),
            "ReturnValues can only be ALL_OLD or NONE");
  EXPECT_EQ(Error("PutItem", {{"TableName", "nothere"}, {"Item", key}}, kNotFound),
            "Requested resource not found");
}

TEST_F(DispatcherTest, NestingLimitIsThirtyTwoLevels) {
  CreateHashRange("deep");
  auto nested = [](int wraps) {
    json v = {{"S", "leaf"}};
    for (int i = 0; i < wraps; ++i) v = {{"L", {v}}};
    return v;
  };
  json item = {{"pk", {{"S", "a"}}}, {"sk", {{"N", "1"}}}, {"x", nested(31)}};
  Call("PutItem", {{"TableName", "deep"}, {"Item", item}});
  item["x"] = nested(32);
  EXPECT_EQ(Error("PutItem", {{"TableName", "deep"}, {"Item", item}}, kValidation),
            "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
            "levels beyond supported limit");
  // Far deeper input must be refused, not recursed into (it crashed the server once).
  constexpr int kDeep = 200000;
  std::string deep;
  for (int i = 0; i < kDeep; ++i) deep += R"({"L":[)";
  deep += R"({"S":"x"})";
  for (int i = 0; i < kDeep; ++i) deep += "]}";
  std::string body = R"({"TableName":"deep","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"x":)" + deep +
                     "}}";
  WireResponse resp = Raw("PutItem", body);
  EXPECT_EQ(resp.status, 400);
  EXPECT_NE(resp.body.find("Nesting Levels have exceeded supported limits"), std::string::npos);
}

TEST_F(DispatcherTest, ProjectionExpression) {
  CreateHashRange("proj");
  json key = {{"pk", {{"S", "a"}}}, {"sk", {{"N", "1"}}}};
  json item = key;
  item["a"] = {{"S", "x"}};
  item["b"] = {{"S", "y"}};
  Call("PutItem", {{"TableName", "proj"}, {"Item", item}});
  json got = Call("GetItem", {{"TableName", "proj"}, {"Key", key},
                              {"ProjectionExpression", "#n, pk"},
                              {"ExpressionAttributeNames", {{"#n", "a"}}}});
  EXPECT_EQ(got["Item"], json({{"a", {{"S", "x"}}}, {"pk", {{"S", "a"}}}}));
  EXPECT_EQ(Error("GetItem", {{"TableName", "proj"}, {"Key", key},
                              {"ProjectionExpression", "a"},
                              {"ExpressionAttributeNames", {{"#n", "a"}}}},
                  kValidation),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}");
  EXPECT_EQ(Error("GetItem", {{"TableName", "proj"}, {"Key", key},
                              {"ProjectionExpression", "#m"}},
                  kValidation),
            "Invalid ProjectionExpression: An expression attribute name used in the document "
            "path is not defined; attribute name: #m");
  EXPECT_EQ(Error("GetItem", {{"TableName", "proj"}, {"Key", key},
                              {"ProjectionExpression", "a"}, {"AttributesToGet", {"a"}}},
                  kValidation),
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {AttributesToGet} Expression parameters: "
            "{ProjectionExpression}");
}

TEST_F(DispatcherTest, UpdateAndDeleteTable) {
  CreateHashRange("upd");
  EXPECT_EQ(Error("UpdateTable", {{"TableName", "upd"}}, kValidation).rfind("At least one of ", 0),
            0u);
  json resp = Call("UpdateTable", {{"TableName", "upd"}, {"BillingMode", "PROVISIONED"},
                                   {"ProvisionedThroughput",
                                    {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 3}}}});
  EXPECT_EQ(resp["TableDescription"]["TableStatus"], "UPDATING");
  json t = Call("DescribeTable", {{"TableName", "upd"}})["Table"];
  EXPECT_EQ(t["ProvisionedThroughput"]["ReadCapacityUnits"], 5);
  EXPECT_EQ(Error("UpdateTable", {{"TableName", "upd"},
                                  {"ProvisionedThroughput",
                                   {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 3}}}},
                  kValidation)
                .rfind("The provisioned throughput for the table will not change.", 0),
            0u);
  Call("UpdateTable", {{"TableName", "upd"}, {"DeletionProtectionEnabled", true}});
  EXPECT_EQ(Error("DeleteTable", {{"TableName", "upd"}}, kValidation),
            "Resource cannot be deleted as it is currently protected against deletion. Disable "
            "deletion protection first.");
  Call("UpdateTable", {{"TableName", "upd"}, {"DeletionProtectionEnabled", false}});
  json deleted = Call("DeleteTable", {{"TableName", "upd"}});
  EXPECT_EQ(deleted["TableDescription"]["TableStatus"], "DELETING");
  EXPECT_EQ(Error("DeleteTable", {{"TableName", "upd"}}, kNotFound),
            "Requested resource not found: Table: upd not found");
}

TEST_F(DispatcherTest, ListTablesPaginates) {
  for (const char* name : {"t03", "t01", "t02"}) CreateHashRange(name);
  json page = Call("ListTables", {{"Limit", 2}});
  EXPECT_EQ(page, json({{"TableNames", {"t01", "t02"}}, {"LastEvaluatedTableName", "t02"}}));
  EXPECT_EQ(Call("ListTables", {{"ExclusiveStartTableName", "t02"}}),
            json({{"TableNames", {"t03"}}}));
  EXPECT_EQ(Call("ListTables", {{"Limit", 3}}), json({{"TableNames", {"t01", "t02", "t03"}}}));
}

}  // namespace
}  // namespace stator::protocol

namespace stator::protocol {
namespace {

// Random corruptions of valid requests must always get an answer, never a
// crash (run under the sanitizers by scripts/test.sh).
TEST_F(DispatcherTest, MutatedRequestsAlwaysGetAnAnswer) {
  CreateHashRange("fuzz");
  const std::vector<std::pair<std::string, std::string>> seeds = {
      {"PutItem", R"({"TableName":"fuzz","Item":{"pk":{"S":"a"},"sk":{"N":"1"},)"
                  R"("m":{"M":{"l":{"L":[{"BS":["AQI="]},{"NS":["1","2"]}]}}}}})"},
      {"GetItem", R"({"TableName":"fuzz","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},)"
                  R"("ProjectionExpression":"#a, m","ExpressionAttributeNames":{"#a":"pk"}})"},
      {"CreateTable", R"({"TableName":"fz2","AttributeDefinitions":[{"AttributeName":"a",)"
                      R"("AttributeType":"S"}],"KeySchema":[{"AttributeName":"a","KeyType":)"
                      R"("HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[]})"},
      {"UpdateTable", R"({"TableName":"fuzz","BillingMode":"PROVISIONED",)"
                      R"("ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})"},
      {"DeleteItem", R"({"TableName":"fuzz","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},)"
                     R"("ReturnValues":"ALL_OLD"})"},
  };
  const std::string alphabet = "{}[]\":,0123456789.eE-+ \\abcSNBLM#";
  std::mt19937 gen(12345);
  for (int i = 0; i < 4000; ++i) {
    const auto& [op, seed] = seeds[i % seeds.size()];
    std::string body = seed;
    if (i % 2 == 0) {
      // Structural: replace a random node of the document by a value of another shape.
      json doc = json::parse(seed);
      std::vector<json*> nodes;
      std::function<void(json&)> collect = [&](json& n) {
        nodes.push_back(&n);
        if (n.is_structured()) {
          for (auto& child : n) collect(child);
        }
      };
      collect(doc);
      static const json kReplacements[] = {5,    "x",       true,        json::array(),
                                           json::object(), nullptr, 1.5, {{"S", ""}},
                                           {{"N", "1e400"}}, {{"L", {{{"M", json::object()}}}}}};
      *nodes[gen() % nodes.size()] = kReplacements[gen() % std::size(kReplacements)];
      body = doc.dump();
      WireResponse resp = Raw(op, body);
      ASSERT_TRUE(resp.status == 200 || resp.status == 400) << op << " " << body << " -> "
                                                            << resp.status << " " << resp.body;
      continue;
    }
    int edits = 1 + static_cast<int>(gen() % 4);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      size_t pos = gen() % body.size();
      switch (gen() % 3) {
        case 0: body[pos] = alphabet[gen() % alphabet.size()]; break;
        case 1: body.erase(pos, 1 + gen() % 8); break;
        default: body.insert(pos, 1, alphabet[gen() % alphabet.size()]); break;
      }
    }
    WireResponse resp = Raw(op, body);
    ASSERT_TRUE(resp.status == 200 || resp.status == 400) << op << " " << body << " -> "
                                                          << resp.status << " " << resp.body;
  }
}

}  // namespace
}  // namespace stator::protocol
