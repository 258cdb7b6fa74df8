--[[ alert-take: leases the alert deliveries that are due, so that one deliverer at a time works on each.
  KEYS[1]   a portal's alert delivery queue (zset: alert id -> due time, or lease end)
  KEYS[2]   the same portal's alert deliveries (hash: alert id -> delivery JSON; 'a|<alert id>' -> takes; 'l|<alert id>' -> announced)
  ARGV[1]   now (ms)
  ARGV[2]   lease end (ms): a deliverer that dies gives the alert back then
  ARGV[3]   the most to take
  Returns {alert id, delivery JSON, takes so far (this one included), announced 0|1, ...}. An id whose
  delivery JSON is gone (finished meanwhile) is dropped from the queue.
]]
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(due) do
  local json = redis.call('HGET', KEYS[2], id)
  if json then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    local takes = redis.call('HINCRBY', KEYS[2], 'a|' .. id, 1)
    local announced = redis.call('HEXISTS', KEYS[2], 'l|' .. id)
    out[#out + 1] = id
    out[#out + 1] = json
    out[#out + 1] = takes
    out[#out + 1] = announced
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
