-- Half GetItem, half PutItem (a fresh copy of the item), both of random preloaded items of
-- table `table`.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function request()
  local a = bench.args
  local i = math.random(0, a.keys - 1)
  if math.random() < 0.5 then
    return bench.call("GetItem", '{"TableName":"' .. a.table .. '","Key":{' ..
                      bench.pk("k", i) .. '}}')
  end
  return bench.call("PutItem", '{"TableName":"' .. a.table .. '","Item":' ..
                    bench.item(bench.pk("k", i), i) .. '}')
end
