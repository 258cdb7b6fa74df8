--[[ pause: appends an accepted pause or resume to the portal's pause log, if the log is as its dry run read it, with the request's answer.
  KEYS[1]   the request's marker (string, expires): the answer given to this request id
  KEYS[2]   the portal's pause log (list: pause and resume actions, JSON, in the order taken)
  KEYS[3]   the portal's log (list, appended to; log-trim-3.lua trims its head): pauses go in both lists in the same order, which export relies on
  ARGV[1]   the marker's lifetime, ms
  ARGV[2]   the marker: {fingerprint, answer}, JSON
  ARGV[3]   the pause log's length the dry run read
  ARGV[4]   the action, JSON
  ARGV[5]   the portal log's entry for the action, JSON
  Returns {1} when stored; {0} when the pause log changed since the dry run (nothing stored: dry-run
  again); {2, marker} when the request id already has an answer (nothing stored).
]]
local marker = redis.call('GET', KEYS[1])
if marker then return {2, marker} end
if redis.call('LLEN', KEYS[2]) ~= tonumber(ARGV[3]) then return {0} end
redis.call('RPUSH', KEYS[2], ARGV[4])
redis.call('RPUSH', KEYS[3], ARGV[5])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
return {1}
