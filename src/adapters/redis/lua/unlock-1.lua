--[[ unlock: releases a lock only if it is still the caller's (it may have expired and been taken by another process).
  KEYS[1]  the lock (string: the holder's token)
  ARGV[1]  the caller's token
  Returns 1 when released, 0 when the lock was not the caller's (nothing changed).
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
