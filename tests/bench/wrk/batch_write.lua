-- BatchWriteItem of 25 puts into table `table`. Keys b0000000 .. follow a counter, so
-- no two requests in flight and no two puts in one request share a key.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

local next_key = 0

function request()
  local a = bench.args
  local space = a.space or 1000000
  local puts = {}
  for j = 1, 25 do
    puts[j] = '{"PutRequest":{"Item":' .. bench.item(bench.pk("b", next_key), next_key) .. '}}'
    next_key = (next_key + 1) % space
  end
  return bench.call("BatchWriteItem", '{"RequestItems":{"' .. a.table .. '":[' ..
                    table.concat(puts, ",") .. ']}}')
end
