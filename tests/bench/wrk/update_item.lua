-- UpdateItem `SET c = c + :one` of a random preloaded item of table `table`.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function request()
  local a = bench.args
  return bench.call("UpdateItem", '{"TableName":"' .. a.table .. '","Key":{' ..
                    bench.pk("k", math.random(0, a.keys - 1)) ..
                    '},"UpdateExpression":"SET c = c + :one",' ..
                    '"ExpressionAttributeValues":{":one":{"N":"1"}}}')
end
