-- PutItem of a new ~200-byte item at a random key among `space` (default 1,000,000) keys
-- w0000000 .. of table `table`: mostly inserts, overwrites once the space fills.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function request()
  local a = bench.args
  local i = math.random(0, (a.space or 1000000) - 1)
  return bench.call("PutItem", '{"TableName":"' .. a.table .. '","Item":' ..
                    bench.item(bench.pk("w", i), i) .. '}')
end
