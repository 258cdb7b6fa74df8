--[[ writeback-finish: records what a write-back drain wrote, then takes records off the outbox only if they did not change meanwhile (compare-and-remove).
  KEYS[1]        a portal's write-back outbox (zset: record key -> time of its latest unwritten change)
  KEYS[2]        the portal's written outcomes (hash: "portal|outcome id" -> content hash of the verification log last written)
  KEYS[3]        the portal's written records (hash: record key -> content hash of the billing properties last written)
  KEYS[4 ..]     the state (hash: v = version) of each of the portal's records to remove, in the order of the removals below
  ARGV[1]                 n, the number of outcome pairs that follow
  ARGV[2 .. 1+2n]         outcome field, content hash, outcome field, content hash, ...
  ARGV[2+2n]              m, the number of record pairs that follow
  ARGV[3+2n .. 2+2n+2m]   record key, content hash, ...
  ARGV[3+2n+2m ..]        record key, outbox score as read, state version as read, ... : one triple per KEYS[4 ..]
  Returns the number of outbox entries removed. An entry stays when its score or its record's version
  changed: a newer change came in while its writes were on their way, and the next drain writes the
  latest state. (The version catches a change within the same millisecond, which the score alone misses.)
]]
local i = 1
local n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]); i = i + 2 end
local m = tonumber(ARGV[i]); i = i + 1
for _ = 1, m do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]); i = i + 2 end
local removed = 0
local k = 4
while i <= #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  local version = tonumber(redis.call('HGET', KEYS[k], 'v') or '0')
  if score and tonumber(score) == tonumber(ARGV[i + 1]) and version == tonumber(ARGV[i + 2]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
    removed = removed + 1
  end
  i = i + 3
  k = k + 1
end
return removed
