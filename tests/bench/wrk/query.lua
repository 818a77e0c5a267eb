-- Query of one random partition of table `table` (partitions q0000000 .. q{partitions-1},
-- each holding 10 items): returns 10 items.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function request()
  local a = bench.args
  local p = bench.key("q", math.random(0, a.partitions - 1))
  return bench.call("Query", '{"TableName":"' .. a.table ..
                    '","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":' ..
                    '{":p":{"S":"' .. p .. '"}}}')
end
