-- GetItem of a random preloaded item of table `table` (keys k0000000 .. k{keys-1}).
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function request()
  local a = bench.args
  return bench.call("GetItem", '{"TableName":"' .. a.table .. '","Key":{' ..
                    bench.pk("k", math.random(0, a.keys - 1)) .. '}}')
end
