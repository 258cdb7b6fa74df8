--[[ log-trim: removes from the head of a portal's log the entries older than the retention, one bounded step per
  call so a long backlog never blocks Redis, keeping elsewhere what the ledger still needs (docs/decisions.md,
  "The portal log's retention").
  KEYS[1]   the portal's log (list): entries appended in about the order they arrived, so the oldest are at the head
  KEYS[2]   the log's trim counts (hash): `entries` = entries ever removed from the head, so an entry's absolute
            index (from the log's first entry ever) is `entries` + its list index and export's pages stay in place;
            `pauses` = the pause and resume actions among them, the first `pauses` of the pause log
            (`pauses:{portal}`, never trimmed), which export puts back in their place
  KEYS[3]   the portal's first snapshots (hash: 'objectType:recordId' -> the `initial` entry, JSON): an `initial`
            entry at the head moves here, whatever its age, so a record whose later signals are kept keeps it
  ARGV[1]   the cutoff, ms: an entry whose time is before it is removed. A signal's time is its event time
            (`signal.at`), an action's (and a refused action's) its `at`: the times the backtest and export read
  ARGV[2]   the most entries one call looks at
  Returns {removed, state}: removed = the entries taken off the head by this call; state 0 = the head is within the
  retention or the log is empty (done); 1 = stopped after ARGV[2] entries (call again); 2 = the head entry has no
  readable time (left in place, never dropped unread: the caller reports it).
]]
local cutoff, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local head = redis.call('LRANGE', KEYS[1], 0, limit - 1)
local removed, pauses, state = 0, 0, 1
if #head < limit then state = 0 end
for _, json in ipairs(head) do
  local ok, e = pcall(cjson.decode, json)
  local at
  if ok and type(e) == 'table' then
    if e.entry == 'signal' and type(e.signal) == 'table' then
      at = e.signal.at
    elseif (e.entry == 'action' or e.entry == 'refused') and type(e.action) == 'table' then
      at = e.action.at
    elseif e.entry == 'initial' and type(e.objectType) == 'string' and type(e.recordId) == 'string' then
      -- The first snapshot wins, as the record's first commit logged it.
      redis.call('HSETNX', KEYS[3], e.objectType .. ':' .. e.recordId, json)
      at = -1 / 0
    end
  end
  if type(at) ~= 'number' then
    state = 2
    break
  end
  if at >= cutoff then
    state = 0
    break
  end
  if e.entry == 'action' and (e.action.type == 'pause' or e.action.type == 'resume') then pauses = pauses + 1 end
  removed = removed + 1
end
if removed > 0 then
  redis.call('LTRIM', KEYS[1], removed, -1)
  redis.call('HINCRBY', KEYS[2], 'entries', removed)
  if pauses > 0 then redis.call('HINCRBY', KEYS[2], 'pauses', pauses) end
end
return {removed, state}
