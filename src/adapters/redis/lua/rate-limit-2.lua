--[[ rate-limit: one sliding window of HubSpot calls shared by every process, and the pause a 429 imposes on all of them.
  KEYS[1]  calls in the window (zset: member = call id, score = time of the call, ms)
  KEYS[2]  blocked until (string: epoch ms), set after a 429
  ARGV[1]  operation: 'acquire' or 'block'
  acquire:
    ARGV[2]  now, ms
    ARGV[3]  window length, ms
    ARGV[4]  calls allowed per window
    ARGV[5]  a unique id for this call (the zset member)
    Returns {1, 0} granted: the call is counted now;
            {0, waitMs} refused: blocked, or the window is full; try again in waitMs (>= 1), nothing counted.
  block:
    ARGV[2]  until, ms
    ARGV[3]  how long the key lives, ms (longer than any block: a stale value in the past blocks nothing)
    Returns {1, until in force}: the later of the existing block and the new one (a shorter 429 never shortens a longer one).
]]
local op = ARGV[1]
if op == 'acquire' then
  local now = tonumber(ARGV[2])
  local window = tonumber(ARGV[3])
  local max = tonumber(ARGV[4])
  local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
  if blocked > now then return {0, blocked - now} end
  -- The window is (now - window, now]: a call made at t counts until t + window.
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  if redis.call('ZCARD', KEYS[1]) < max then
    redis.call('ZADD', KEYS[1], now, ARGV[5])
    redis.call('PEXPIRE', KEYS[1], window)
    return {1, 0}
  end
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(oldest[2]) + window - now)}
elseif op == 'block' then
  local untilMs = tonumber(ARGV[2])
  local current = tonumber(redis.call('GET', KEYS[2]) or '0')
  if current >= untilMs then return {1, current} end
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  return {1, untilMs}
end
return redis.error_reply('rate-limit: unknown operation ' .. tostring(op))
