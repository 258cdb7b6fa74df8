--[[ criteria-publish: stores a published criteria version under the next number of its id, or refuses.
  KEYS[1]   published versions (hash: id@version -> JSON entry)
  KEYS[2]   highest published number per id (hash: id -> number)
  KEYS[3]   versions the ledger knows, from files or published (hash: id@version -> JSON {canonical, effectiveFrom})
  KEYS[4]   revision of the published set (counter; every process reloads when it moves)
  ARGV[1]   criteria id
  ARGV[2]   the number to take
  ARGV[3]   the entry, JSON
  ARGV[4]   the known-version entry, JSON
  Returns 0 when stored; else the number in the way (the highest published, or ARGV[2] itself when a file's
  version the ledger knows holds it), nothing written. One script, so two publishes never share a number.
]]
local field = ARGV[1] .. '@' .. ARGV[2]
local n = tonumber(ARGV[2])
local highest = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if highest >= n then return highest end
if redis.call('HEXISTS', KEYS[3], field) == 1 then return n end
redis.call('HSET', KEYS[1], field, ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], n)
redis.call('HSET', KEYS[3], field, ARGV[4])
redis.call('INCR', KEYS[4])
return 0
