--[[ dispute: stores an accepted dispute action on its record, if its dry run still holds, with the request's answer.
  KEYS[1]   the request's marker (string, expires): the answer given to this request id
  KEYS[2]   record state (hash: v = version)
  KEYS[3]   record's pending inputs (zset: score = event time)
  KEYS[4]   the portal's sequence counter (string), shared with its signals: ties in event time keep the order things were stored
  KEYS[5]   the portal's due index (zset: record key -> earliest event time needing a worker)
  KEYS[6]   the portal's log (list, appended to; log-trim-3.lua trims its head)
  ARGV[1]   the marker's lifetime, ms
  ARGV[2]   the marker: {fingerprint, answer}, JSON
  ARGV[3]   the record version the dry run read
  ARGV[4]   the action's time, ms
  ARGV[5]   how many pending inputs up to the action's time the dry run read
  ARGV[6]   the action, JSON
  ARGV[7]   record key (member of the due index)
  ARGV[8]   the portal log's entry for the action, JSON
  Returns {1, 1 if the record's due time moved earlier else 0} when stored; {0} when the record or its
  pending inputs up to the action's time changed since the dry run, or an action later than it is
  pending (stored meanwhile by a replica whose clock runs ahead) (nothing stored: dry-run again);
  {2, marker} when the request id already has an answer (nothing stored).
]]
local marker = redis.call('GET', KEYS[1])
if marker then return {2, marker} end
local version = tonumber(redis.call('HGET', KEYS[2], 'v') or '0')
if version ~= tonumber(ARGV[3]) then return {0} end
if redis.call('ZCOUNT', KEYS[3], '-inf', ARGV[4]) ~= tonumber(ARGV[5]) then return {0} end
-- Members are "<16-digit seq>|<JSON>": a signal's JSON has `kind`, an action's has not.
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[4], '+inf')) do
  if cjson.decode(string.sub(member, 18)).kind == nil then return {0} end
end
local seq = redis.call('INCR', KEYS[4])
redis.call('ZADD', KEYS[3], ARGV[4], string.format('%016d', seq) .. '|' .. ARGV[6])
redis.call('RPUSH', KEYS[6], ARGV[8])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
return {1, redis.call('ZADD', KEYS[5], 'LT', 'CH', ARGV[4], ARGV[7])}
