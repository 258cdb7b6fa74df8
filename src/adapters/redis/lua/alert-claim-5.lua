--[[ alert-claim: records budget alerts as fired, each once per portal, criteria id, period and threshold, and queues their delivery in the same step.
  Every key is the portal's (one hash slot on a cluster).
  KEYS[1]   fired alerts of the portal and period (hash: 'criteria id|threshold' -> alert JSON): the home page's list
  KEYS[2]   the portal's alert deliveries (hash: alert id -> delivery JSON; 'a|<alert id>' -> takes so far; 'l|<alert id>' -> 1 once announced)
  KEYS[3]   the portal's alert delivery queue (zset: alert id -> time it is due, or its lease's end while taken)
  KEYS[4]   the portal's charge counters (hash; only the check's revision field is read)
  KEYS[5]   the portal's alert checks (zset: 'portal|criteria id|period' -> event time)
  ARGV[1]   now (ms): when the deliveries are due
  ARGV[2]   the check's revision as the check read it ('' when there was none)
  ARGV[3]   the check's member in KEYS[5]
  ARGV[4]   the check's revision field in KEYS[4] ('~rev|<criteria id>|<period>')
  ARGV[5..] per alert, three: field in KEYS[1], alert id, delivery JSON
  Returns the alert ids recorded now; one whose field was already set fired before (another worker, an
  earlier check) and is neither recorded nor queued again: HSETNX is the once-only decision, and the
  delivery is queued in the same script, so a worker that dies after the claim still has it delivered.
  The check is cleared only when no commit changed the counters since it read them: otherwise the
  sweeper looks again, with those changes in.
]]
local claimed = {}
for i = 5, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 2]) == 1 then
    redis.call('HSET', KEYS[2], ARGV[i + 1], ARGV[i + 2])
    redis.call('ZADD', KEYS[3], ARGV[1], ARGV[i + 1])
    claimed[#claimed + 1] = ARGV[i + 1]
  end
end
if (redis.call('HGET', KEYS[4], ARGV[4]) or '') == ARGV[2] then redis.call('ZREM', KEYS[5], ARGV[3]) end
return claimed
