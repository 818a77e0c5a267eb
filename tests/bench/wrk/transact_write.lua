-- TransactWriteItems of 4 puts into table `table`. Keys t0000000 .. follow a counter, so
-- no two transactions in flight touch the same item (which would be a conflict).
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

local next_key = 0

function request()
  local a = bench.args
  local space = a.space or 1000000
  local actions = {}
  for j = 1, 4 do
    actions[j] = '{"Put":{"TableName":"' .. a.table .. '","Item":' ..
                 bench.item(bench.pk("t", next_key), next_key) .. '}}'
    next_key = (next_key + 1) % space
  end
  return bench.call("TransactWriteItems", '{"TransactItems":[' ..
                    table.concat(actions, ",") .. ']}')
end
