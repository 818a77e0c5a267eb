#include "protocol/metrics.h"

#include <array>
#include <cctype>
#include <atomic>
#include <charconv>
#include <unordered_map>
#include <vector>

namespace stator::protocol {
namespace {

// Upper bounds of the latency histogram's buckets, in microseconds.
constexpr std::array<int64_t, 14> kBucketMicros = {250,     500,       1'000,     2'500,    5'000,
                                                   10'000,  25'000,    50'000,    100'000,  250'000,
                                                   500'000, 1'000'000, 2'500'000, 5'000'000};

std::atomic<uint64_t> next_id{1};

// Whether a PartiQL statement reads: its first word (after blanks and comments) is SELECT.
bool IsSelectStatement(const Json* statement) {
  if (statement == nullptr || !statement->is_string()) return false;
  std::string_view text = statement->get_ref<const std::string&>();
  while (!text.empty()) {
    if (std::isspace(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
    } else if (text.substr(0, 2) == "--") {
      const size_t end = text.find('\n');
      text.remove_prefix(end == std::string_view::npos ? text.size() : end);
    } else if (text.substr(0, 2) == "/*") {
      const size_t end = text.find("*/", 2);
      text.remove_prefix(end == std::string_view::npos ? text.size() : end + 2);
    } else {
      break;
    }
  }
  if (text.size() < 6) return false;
  for (size_t i = 0; i < 6; ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != "select"[i]) return false;
  }
  return text.size() == 6 || !std::isalnum(static_cast<unsigned char>(text[6]));
}

// Whether `op`'s consumed capacity is read capacity. A PartiQL batch is all reads or all
// writes, so its first statement tells.
bool IsReadOperation(std::string_view op, const Json& request) {
  if (op == "ExecuteStatement") {
    auto it = request.find("Statement");
    return IsSelectStatement(it == request.end() ? nullptr : &*it);
  }
  if (op == "BatchExecuteStatement") {
    auto it = request.find("Statements");
    if (it == request.end() || !it->is_array() || it->empty() || !(*it)[0].is_object()) return false;
    auto first = (*it)[0].find("Statement");
    return IsSelectStatement(first == (*it)[0].end() ? nullptr : &*first);
  }
  return op == "GetItem" || op == "Query" || op == "Scan" || op == "BatchGetItem" ||
         op == "TransactGetItems";
}

std::string_view TableName(const Json& request) {
  auto it = request.find("TableName");
  if (it == request.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

// Errors a request can get without naming a table that exists; their made-up
// names must not become series.
bool NamesNoTable(Code code) {
  switch (code) {
    case Code::kValidation:
    case Code::kSerialization:
    case Code::kResourceNotFound:
    case Code::kTableNotFound:
    case Code::kAccessDenied:
    case Code::kRequestTooLarge:
      return true;
    default:
      return false;
  }
}

void Add(std::atomic<double>& a, double v) { a.fetch_add(v, std::memory_order_relaxed); }
void Bump(std::atomic<uint64_t>& a, uint64_t v = 1) { a.fetch_add(v, std::memory_order_relaxed); }

std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// The shortest text that reads back as `v`.
std::string FormatDouble(double v) {
  char buf[400];  // fixed notation of the largest double
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

}  // namespace

struct Metrics::Series {
  std::string operation;
  std::string table;
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> user_errors{0};
  std::atomic<uint64_t> system_errors{0};
  std::atomic<uint64_t> conditional_check_failed{0};
  std::atomic<uint64_t> transaction_conflicts{0};
  std::atomic<uint64_t> throttled{0};
  std::atomic<uint64_t> returned_items{0};
  // Successful requests' latency; buckets are not cumulative here.
  std::array<std::atomic<uint64_t>, kBucketMicros.size() + 1> latency_buckets{};
  std::atomic<uint64_t> latency_micros_sum{0};
};

struct Metrics::TableSeries {
  std::string table;
  std::atomic<double> read_units{0};
  std::atomic<double> write_units{0};
};

namespace {

// One thread's shortcut to the series it has recorded into, for the most
// recent Metrics instance it served.
struct ThreadCache {
  uint64_t owner = 0;
  uint64_t generation = 0;
  std::unordered_map<std::string, std::shared_ptr<Metrics::Series>> series;
  std::unordered_map<std::string, std::shared_ptr<Metrics::TableSeries>> tables;
  std::string key;  // scratch, so lookups allocate nothing once warm
};

thread_local ThreadCache t_cache;

ThreadCache& CacheFor(uint64_t owner, uint64_t generation) {
  if (t_cache.owner != owner || t_cache.generation != generation) {
    t_cache.series.clear();
    t_cache.tables.clear();
    t_cache.owner = owner;
    t_cache.generation = generation;
  }
  return t_cache;
}

}  // namespace

Metrics::Metrics() : id_(next_id.fetch_add(1)) {}
Metrics::~Metrics() = default;

Metrics::Series& Metrics::FindSeries(std::string_view operation, std::string_view table) {
  ThreadCache& cache = CacheFor(id_, generation_.load(std::memory_order_acquire));
  cache.key.assign(operation);
  cache.key += '\0';
  cache.key += table;
  if (auto it = cache.series.find(cache.key); it != cache.series.end()) return *it->second;
  std::lock_guard lock(mu_);
  auto& slot = series_[cache.key];
  if (!slot) {
    slot = std::make_shared<Series>();
    slot->operation = operation;
    slot->table = table;
  }
  cache.series.emplace(cache.key, slot);
  return *slot;
}

Metrics::TableSeries& Metrics::FindTable(std::string_view table) {
  ThreadCache& cache = CacheFor(id_, generation_.load(std::memory_order_acquire));
  cache.key.assign(table);
  if (auto it = cache.tables.find(cache.key); it != cache.tables.end()) return *it->second;
  std::lock_guard lock(mu_);
  auto& slot = tables_[cache.key];
  if (!slot) {
    slot = std::make_shared<TableSeries>();
    slot->table = table;
  }
  cache.tables.emplace(cache.key, slot);
  return *slot;
}

void Metrics::ForgetTable(std::string_view table) {
  std::lock_guard lock(mu_);
  for (auto it = series_.begin(); it != series_.end();) {
    it = it->second->table == table ? series_.erase(it) : std::next(it);
  }
  tables_.erase(std::string(table));
  // Threads drop their caches, and with them the last references.
  generation_.fetch_add(1, std::memory_order_release);
}

void Metrics::AddCapacity(bool reads, const Json& consumed) {
  auto add_one = [&](const Json& c) {
    if (!c.is_object()) return;
    std::string_view table = TableName(c);
    if (table.empty()) return;
    TableSeries& t = FindTable(table);
    auto units = [&](const char* name) {
      auto it = c.find(name);
      return it != c.end() && it->is_number() ? it->get<double>() : 0.0;
    };
    if (c.contains("ReadCapacityUnits") || c.contains("WriteCapacityUnits")) {
      Add(t.read_units, units("ReadCapacityUnits"));
      Add(t.write_units, units("WriteCapacityUnits"));
    } else {
      Add(reads ? t.read_units : t.write_units, units("CapacityUnits"));
    }
  };
  if (consumed.is_array()) {
    for (const Json& c : consumed) add_one(c);
  } else {
    add_one(consumed);
  }
}

// As AddCapacity of the JSON EncodeConsumedCapacity renders from `c`.
void Metrics::AddCapacity(bool reads, const ops::ConsumedCapacity& c) {
  if (c.table_name.empty()) return;
  TableSeries& t = FindTable(c.table_name);
  const double total = c.Total();
  switch (c.kind) {
    case ops::ConsumedCapacity::Kind::kRead:
      Add(t.read_units, total);
      Add(t.write_units, 0.0);
      break;
    case ops::ConsumedCapacity::Kind::kWrite:
      Add(t.read_units, 0.0);
      Add(t.write_units, total);
      break;
    case ops::ConsumedCapacity::Kind::kUnnamed:
      Add(reads ? t.read_units : t.write_units, total);
      break;
  }
}

Metrics::Series& Metrics::CountSuccess(std::string_view operation, std::string_view table,
                                       int64_t latency_micros) {
  Series& s = FindSeries(operation, table);
  Bump(s.requests);
  size_t bucket = 0;
  while (bucket < kBucketMicros.size() && latency_micros > kBucketMicros[bucket]) ++bucket;
  Bump(s.latency_buckets[bucket]);
  Bump(s.latency_micros_sum, static_cast<uint64_t>(std::max<int64_t>(latency_micros, 0)));
  return s;
}

void Metrics::RecordSuccess(std::string_view operation, const Json& request, const Json& response,
                            int64_t latency_micros) {
  std::string_view table = TableName(request);
  if (operation == "DeleteTable") {
    ForgetTable(table);
    return;
  }
  Series& s = CountSuccess(operation, table, latency_micros);
  if (operation == "Query" || operation == "Scan") {
    if (auto it = response.find("Count"); it != response.end() && it->is_number_integer()) {
      Bump(s.returned_items, static_cast<uint64_t>(std::max<int64_t>(it->get<int64_t>(), 0)));
    }
  }
  if (auto it = response.find("ConsumedCapacity"); it != response.end()) {
    AddCapacity(IsReadOperation(operation, request), *it);
  }
}

void Metrics::RecordSuccess(std::string_view operation, const Json& request,
                            const ops::ConsumedCapacity* consumed,
                            std::optional<int64_t> returned_items, int64_t latency_micros) {
  Series& s = CountSuccess(operation, TableName(request), latency_micros);
  if (returned_items && (operation == "Query" || operation == "Scan")) {
    Bump(s.returned_items, static_cast<uint64_t>(std::max<int64_t>(*returned_items, 0)));
  }
  if (consumed != nullptr) AddCapacity(IsReadOperation(operation, request), *consumed);
}

void Metrics::RecordFailure(std::string_view operation, const Json& request, Code code) {
  Series& s = FindSeries(operation, NamesNoTable(code) ? std::string_view() : TableName(request));
  Bump(s.requests);
  switch (code) {
    // As CloudWatch: these have metrics of their own and are not UserErrors.
    case Code::kConditionalCheckFailed:
      Bump(s.conditional_check_failed);
      return;
    case Code::kTransactionConflict:
      Bump(s.transaction_conflicts);
      return;
    case Code::kProvisionedThroughputExceeded:
    case Code::kThrottling:
      Bump(s.throttled);
      return;
    default:
      Bump(code >= Code::kInternal ? s.system_errors : s.user_errors);
  }
}

std::string Metrics::Render(const storage::Engine& engine) const {
  std::vector<std::shared_ptr<Series>> series;
  std::vector<std::shared_ptr<TableSeries>> tables;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, s] : series_) series.push_back(s);
    for (const auto& [key, t] : tables_) tables.push_back(t);
  }
  std::string out;
  auto header = [&](const char* name, const char* type, const char* help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
  };
  auto labels = [](const Series& s) {
    return "{operation=\"" + Escape(s.operation) + "\",table=\"" + Escape(s.table) + "\"}";
  };
  auto counter = [&](const char* name, const char* help, std::atomic<uint64_t> Series::*member) {
    header(name, "counter", help);
    for (const auto& s : series) {
      out += name + labels(*s) + ' ' + std::to_string((*s.*member).load()) + '\n';
    }
  };
  counter("stator_requests_total", "Requests answered, by operation and table.", &Series::requests);
  counter("stator_user_errors_total",
          "Requests refused with a 4xx error other than the ones counted apart (CloudWatch "
          "UserErrors).",
          &Series::user_errors);
  counter("stator_system_errors_total", "Requests failed with a 5xx error (SystemErrors).",
          &Series::system_errors);
  counter("stator_conditional_check_failed_requests_total",
          "Conditional writes whose condition was false (ConditionalCheckFailedRequests).",
          &Series::conditional_check_failed);
  counter("stator_transaction_conflicts_total",
          "Requests rejected by a conflicting transaction (TransactionConflict).",
          &Series::transaction_conflicts);
  counter("stator_throttled_requests_total", "Requests throttled (ThrottledRequests).",
          &Series::throttled);
  counter("stator_returned_items_total", "Items returned by Query and Scan (ReturnedItemCount).",
          &Series::returned_items);

  const char* latency = "stator_successful_request_latency_seconds";
  header(latency, "histogram", "Latency of successful requests (SuccessfulRequestLatency).");
  for (const auto& s : series) {
    std::string base = "{operation=\"" + Escape(s->operation) + "\",table=\"" + Escape(s->table);
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= kBucketMicros.size(); ++i) {
      cumulative += s->latency_buckets[i].load();
      std::string le = i < kBucketMicros.size() ? FormatDouble(kBucketMicros[i] / 1e6) : "+Inf";
      out += std::string(latency) + "_bucket" + base + "\",le=\"" + le + "\"} " +
             std::to_string(cumulative) + '\n';
    }
    out += std::string(latency) + "_sum" + labels(*s) + ' ' +
           FormatDouble(s->latency_micros_sum.load() / 1e6) + '\n';
    out += std::string(latency) + "_count" + labels(*s) + ' ' + std::to_string(cumulative) + '\n';
  }

  auto table_counter = [&](const char* name, const char* help,
                           std::atomic<double> TableSeries::*member) {
    header(name, "counter", help);
    for (const auto& t : tables) {
      out += std::string(name) + "{table=\"" + Escape(t->table) + "\"} " +
             FormatDouble((*t.*member).load()) + '\n';
    }
  };
  table_counter("stator_consumed_read_capacity_units_total",
                "Read capacity units consumed (ConsumedReadCapacityUnits).",
                &TableSeries::read_units);
  table_counter("stator_consumed_write_capacity_units_total",
                "Write capacity units consumed (ConsumedWriteCapacityUnits).",
                &TableSeries::write_units);

  std::vector<storage::TablePtr> defs = engine.ListTables();
  header("stator_table_items", "gauge", "Items in the table (DescribeTable's ItemCount).");
  std::vector<storage::TableStats> stats;
  for (const auto& def : defs) stats.push_back(engine.GetStats(def->table_id));
  for (size_t i = 0; i < defs.size(); ++i) {
    out += "stator_table_items{table=\"" + Escape(defs[i]->name) + "\"} " +
           std::to_string(stats[i].item_count) + '\n';
  }
  header("stator_table_size_bytes", "gauge",
         "Size of the table's items as DynamoDB counts it (TableSizeBytes).");
  for (size_t i = 0; i < defs.size(); ++i) {
    out += "stator_table_size_bytes{table=\"" + Escape(defs[i]->name) + "\"} " +
           std::to_string(stats[i].size_bytes) + '\n';
  }

  storage::EngineHealth health = engine.Health();
  auto gauge = [&](const char* name, const char* help, int64_t value) {
    header(name, "gauge", help);
    out += std::string(name) + ' ' + std::to_string(value) + '\n';
  };
  gauge("stator_storage_compaction_pending", "1 if RocksDB has compaction work queued.",
        health.compaction_pending ? 1 : 0);
  gauge("stator_storage_pending_compaction_bytes",
        "Bytes RocksDB estimates compaction must rewrite.", health.pending_compaction_bytes);
  gauge("stator_storage_running_compactions", "Compactions running now.",
        health.running_compactions);
  gauge("stator_storage_memtable_bytes", "Bytes in RocksDB's memtables (active and immutable).",
        health.memtable_bytes);
  gauge("stator_storage_sst_bytes", "Bytes of RocksDB's live table files.", health.sst_bytes);
  return out;
}

}  // namespace stator::protocol
