-- Shared by the workload scripts in this directory: DynamoDB request framing, the shape of
-- the benchmark's items, the count of non-200 responses, and the result line that
-- tests/bench/bench.py parses. A workload script loads it with
--   local bench = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")
-- and defines request(); setup, init, response and done come from here.
--
-- Arguments (after wrk's "--"): name=value pairs, e.g. `table=bench keys=100000`.
local M = {}

M.AUTH = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, " ..
         "SignedHeaders=host;x-amz-date, Signature=0"

-- An item is 5 attributes and about 200 bytes (DynamoDB's measure: names plus values):
-- pk, name (a 130-character string), email, n (the key's number) and c (a counter).
-- tests/bench/dynamo.py builds the same items for the preload.
local NAME = string.rep("abcdefghij", 13)
local EMAIL = "someone.with.a.long.address@example.com"

function M.key(prefix, i) return string.format("%s%07d", prefix, i) end

-- The JSON of an item whose key attributes are given as JSON members, e.g. '"pk":{"S":"k1"}'.
function M.item(key_members, i)
  return "{" .. key_members .. ',"name":{"S":"' .. NAME .. '"},"email":{"S":"' .. EMAIL ..
         '"},"n":{"N":"' .. i .. '"},"c":{"N":"0"}}'
end

function M.pk(prefix, i) return '"pk":{"S":"' .. M.key(prefix, i) .. '"}' end

-- Arguments, with defaults; init() fills it.
M.args = {}

-- Per-operation request heads, built once: everything up to the Content-Length value.
local heads = {}

function M.call(operation, body)
  local head = heads[operation]
  if head == nil then
    head = "POST / HTTP/1.1\r\nHost: " .. wrk.host .. ":" .. tostring(wrk.port) ..
           "\r\nX-Amz-Target: DynamoDB_20120810." .. operation ..
           "\r\nContent-Type: application/x-amz-json-1.0" ..
           "\r\nAuthorization: " .. M.AUTH ..
           "\r\nX-Amz-Date: 20260101T000000Z" ..
           "\r\nContent-Length: "
    heads[operation] = head
  end
  return head .. #body .. "\r\n\r\n" .. body
end

-- Thread-side state, read by done() through thread:get.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(argv)
  non200 = 0
  first_error = nil
  for _, arg in ipairs(argv) do
    local name, value = arg:match("^([%w_]+)=(.*)$")
    if name then M.args[name] = tonumber(value) or value end
  end
  math.randomseed(os.time())
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if first_error == nil then first_error = status .. " " .. (body or "") end
  end
end

-- One line the driver parses, plus the first non-200 answer if there was one.
function done(summary, latency, requests)
  local bad, first = 0, nil
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non200") or 0)
    first = first or thread:get("first_error")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d non200=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
  if first then io.write("BENCH first_error=" .. first:gsub("[\r\n]", " ") .. "\n") end
end

return M
