--[[ commit: saves a record's new state if nobody changed it since it was loaded (compare-and-set), and
  with it, atomically, what the record keeps for late inputs (docs/decisions.md, "Late signals"). Every
  key is the record's or its portal's: one hash slot on a cluster (docs/decisions.md, "Redis Cluster").
  KEYS[1]   record state (hash: v = version, s = state JSON, c = checkpoint JSON, counted = 1 once its outcomes
            are in the charge counters)
  KEYS[2]   record's pending inputs (zset: signals and dispute actions)
  KEYS[3]   the portal's due index (zset: record key -> earliest event time needing a worker)
  KEYS[4]   the portal's records with state (set)
  KEYS[5]   the portal's outcome counts by status (hash)
  KEYS[6]   the portal's write-back outbox (zset: record key -> time its unwritten changes are due to be written)
  KEYS[7]   the portal's sweeper rescues per record (hash): a commit shows the record is moving again
  KEYS[8]   the record's portal's log (list, appended to; log-trim-3.lua trims its head): CRM reads applied, first snapshots, refusals
  KEYS[9]   record's kept inputs (zset: score = event time, member as in KEYS[2]; CRM reads with sequence 0)
  KEYS[10]  the portal's charge counters (hash: counter field -> count; '~rev|<criteria id>|<period>' -> marks of that check), for budget alerts
  KEYS[11]  the portal's alert checks (zset: 'portal|criteria id|period' -> event time to check at)
  KEYS[12]  record's archive (hash: outcome id -> outcome JSON): settled outcomes past every horizon
  ARGV[1]   expected version (0: no state yet)
  ARGV[2]   new state, JSON
  ARGV[3]   record key (member of the due index, the records set, the outbox and the rescues)
  ARGV[4]   earliest pending timer, event time ms, or '' for none
  ARGV[5]   status count changes, JSON object {status: delta}
  ARGV[6]   when an outcome changed: the time its write to the CRM is due (ms), else ''
  ARGV[7]   new checkpoint, JSON, or '' to leave the stored one
  ARGV[8]   n: how many log entries follow
  ARGV[9]   k: how many kept inputs to add (score, member pairs) follow the log entries
  ARGV[10]  d: how many kept members to drop (folded into the checkpoint) follow those
  ARGV[11]  charge counters, JSON {d: {field: delta}, f: {field: count}}: the change this commit makes, and
            the new state's whole counts (added instead when the record's outcomes were never counted:
            a record last written before the counters existed)
  ARGV[12]  alert checks to mark, JSON array of [member, event time, revision field]
  ARGV[13]  a: how many archived outcomes (outcome id, JSON pairs) follow the kept members to drop
  ARGV[14..13+n]                    log entries, JSON, to append to the portal's log
  ARGV[14+n..13+n+2k]               kept inputs to add: event time, member
  ARGV[14+n+2k..13+n+2k+d]          kept members to drop
  ARGV[14+n+2k+d..13+n+2k+d+2a]     archived outcomes to add (already out of the state and checkpoint)
  ARGV[14+n+2k+d+2a..]              pending members that were applied, to remove
  Returns {1, next pending event time or '', due time after the commit or '', 1 if the due time changed else 0}
  when saved; {0, '', '', 0} on a version conflict (nothing written).
]]
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return {0, '', '', 0} end
local counted = redis.call('HEXISTS', KEYS[1], 'counted') == 1
if ARGV[7] ~= '' then
  redis.call('HSET', KEYS[1], 'v', current + 1, 's', ARGV[2], 'c', ARGV[7])
else
  redis.call('HSET', KEYS[1], 'v', current + 1, 's', ARGV[2])
end
local logged, keep, drop, archived = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[13])
local at = 14
if logged > 0 then redis.call('RPUSH', KEYS[8], unpack(ARGV, at, at + logged - 1)) end
at = at + logged
-- In slices: unpack has a stack limit, and a replay may keep or fold many inputs at once.
for from = at, at + 2 * keep - 1, 1000 do
  redis.call('ZADD', KEYS[9], unpack(ARGV, from, math.min(from + 999, at + 2 * keep - 1)))
end
at = at + 2 * keep
for from = at, at + drop - 1, 1000 do
  redis.call('ZREM', KEYS[9], unpack(ARGV, from, math.min(from + 999, at + drop - 1)))
end
at = at + drop
for from = at, at + 2 * archived - 1, 1000 do
  redis.call('HSET', KEYS[12], unpack(ARGV, from, math.min(from + 999, at + 2 * archived - 1)))
end
at = at + 2 * archived
for i = at, #ARGV do redis.call('ZREM', KEYS[2], ARGV[i]) end
-- LT: an earlier due time wins, so a settlement is never held back by a pending change before it.
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[6], 'LT', ARGV[6], ARGV[3]) end
redis.call('SADD', KEYS[4], ARGV[3])
redis.call('HDEL', KEYS[7], ARGV[3])
for status, delta in pairs(cjson.decode(ARGV[5])) do
  if delta ~= 0 then redis.call('HINCRBY', KEYS[5], status, delta) end
end
-- The counters move with the state they count, so a period's charge is always that of the committed ledger.
local counters = cjson.decode(ARGV[11])
for field, delta in pairs(counted and counters.d or counters.f) do
  if delta ~= 0 then redis.call('HINCRBY', KEYS[10], field, delta) end
end
redis.call('HSET', KEYS[1], 'counted', 1)
-- GT: a later instant wins (the budget in force then). The mark stays until a check that read this
-- commit's counters clears it: the revision tells a check whether a commit came after its read.
for _, check in ipairs(cjson.decode(ARGV[12])) do
  redis.call('ZADD', KEYS[11], 'GT', check[2], check[1])
  redis.call('HINCRBY', KEYS[10], check[3], 1)
end
local previousDue = redis.call('ZSCORE', KEYS[3], ARGV[3])
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local nextPending = first[2]
local due = nextPending and tonumber(nextPending) or nil
if ARGV[4] ~= '' then
  local timer = tonumber(ARGV[4])
  if due == nil or timer < due then due = timer end
end
if due == nil then
  redis.call('ZREM', KEYS[3], ARGV[3])
else
  redis.call('ZADD', KEYS[3], due, ARGV[3])
end
local changed = 1
if previousDue and due and tonumber(previousDue) == due then changed = 0 end
if not previousDue and not due then changed = 0 end
-- Due times go back to the caller as strings: a Lua number reply would be cut to an integer anyway.
return {1, nextPending or '', due and string.format('%.0f', due) or '', changed}
