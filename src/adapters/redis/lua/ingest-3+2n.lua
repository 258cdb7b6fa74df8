--[[ ingest: stores a webhook batch's signals of one portal, each identity at most once, atomically, and logs them for export.
  Every key is the portal's (one hash slot on a cluster); the caller has added the portal to the
  deployment's set of portals before, as a command of its own.
  KEYS[1]          the portal's sequence counter (string): orders its signals (and actions) that share an event time
  KEYS[2]          the portal's due index (zset): record key -> earliest event time needing a worker
  KEYS[3]          the portal's log (list, appended to; log-trim-3.lua trims its head): what `export` writes out
  KEYS[2+2i]       for signal i (1-based): its seen marker (string, expires)
  KEYS[3+2i]       for signal i: its record's pending inputs (zset: score = event time)
  ARGV[1]          seen-marker lifetime, ms (longer than HubSpot's 24 h of retries)
  ARGV[3i-1]       for signal i: event time (ms)
  ARGV[3i]         for signal i: the signal, JSON
  ARGV[3i+1]       for signal i: its record key (member of the due index)
  Returns {stored, duplicates, recordKey1, dueAt1, recordKey2, dueAt2, ...}: after the two counts, every
  record whose due time moved earlier (or that had none), with its new due time: those need a job.
]]
local ttl = tonumber(ARGV[1])
local stored, duplicates = 0, 0
local moved, order, logged = {}, {}, {}
local n = (#KEYS - 3) / 2
-- One sequence block for the batch: numbers in arrival order, one INCRBY instead of one per signal.
local seq = redis.call('INCRBY', KEYS[1], n) - n
for i = 1, n do
  local seenKey, pendingKey = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
  local at, payload, recordKey = ARGV[3 * i - 1], ARGV[3 * i], ARGV[3 * i + 1]
  if redis.call('SET', seenKey, '1', 'NX', 'PX', ttl) then
    seq = seq + 1
    -- Zero-padded so members with the same event time sort in arrival order.
    redis.call('ZADD', pendingKey, at, string.format('%016d', seq) .. '|' .. payload)
    -- LT CH: counts 1 only when the record's due time was added or moved earlier.
    if redis.call('ZADD', KEYS[2], 'LT', 'CH', at, recordKey) == 1 then
      if not moved[recordKey] then table.insert(order, recordKey) end
      moved[recordKey] = at
    end
    table.insert(logged, '{"entry":"signal","signal":' .. payload .. '}')
    stored = stored + 1
  end
end
duplicates = n - stored
-- One RPUSH per batch (in slices: unpack has a stack limit), so logging costs next to nothing per signal.
for from = 1, #logged, 1000 do
  redis.call('RPUSH', KEYS[3], unpack(logged, from, math.min(from + 999, #logged)))
end
local reply = {stored, duplicates}
for _, recordKey in ipairs(order) do
  table.insert(reply, recordKey)
  table.insert(reply, moved[recordKey])
end
return reply
