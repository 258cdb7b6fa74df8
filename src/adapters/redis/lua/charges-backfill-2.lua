--[[ charges-backfill: adds a record's outcomes to the portal's charge counters, once, for a record last
  written before the counters existed (its commits since then only add their changes).
  KEYS[1]   record state (hash: v = version, counted = 1 once counted)
  KEYS[2]   the portal's charge counters (hash)
  ARGV[1]   the state's version as read
  ARGV[2]   the state's counts, JSON {field: count}
  Returns 1: counted now; 2: already counted (by a commit or another backfill), nothing written;
  0: the record changed since it was read (nothing written): read it again.
]]
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'counted') == 1 then return 2 end
for field, count in pairs(cjson.decode(ARGV[2])) do
  if count ~= 0 then redis.call('HINCRBY', KEYS[2], field, count) end
end
redis.call('HSET', KEYS[1], 'counted', 1)
return 1
