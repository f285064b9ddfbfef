/**
 * @module The Lua scripts behind zone ownership in the shared directory. Each runs atomically in
 * Redis, so "check the epoch, then write" cannot interleave with another process's take-over:
 * that atomicity is the fence. Keys: 1 the directory hash (zone → entry JSON), 2 the owners hash
 * (zone → `{ owner, epoch, at }`).
 */

/**
 * Takes a zone: ARGV zone, owner, expected epoch, stale-after ms, now. Succeeds (returns the new,
 * higher epoch) when nobody holds it, when the holder's epoch is the one expected (an orphan seen
 * in the directory), when the holder is this owner, or when the holder has not heartbeaten for
 * stale-after ms; otherwise 0.
 */
export const ACQUIRE_SCRIPT = `
local cur = redis.call('HGET', KEYS[2], ARGV[1])
local epoch = 0
if cur then
  local o = cjson.decode(cur)
  epoch = tonumber(o.epoch) or 0
  local fresh = tonumber(ARGV[5]) - (tonumber(o.at) or 0) < tonumber(ARGV[4])
  if epoch ~= tonumber(ARGV[3]) and o.owner ~= ARGV[2] and fresh then return 0 end
end
epoch = math.max(epoch, tonumber(ARGV[3])) + 1
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({ owner = ARGV[2], epoch = epoch, at = tonumber(ARGV[5]) }))
return epoch
`;

/**
 * The heartbeat: ARGV owner, now, ttl ms, then (zone, epoch, entry JSON) triples. A zone is
 * written only while the owners hash still names this owner at this epoch; the others are
 * returned — the zones this process lost and must stop writing to. An empty epoch is written
 * unfenced (a zone started while Redis was away, before it could take an epoch). A zone with no
 * ownership record at all (Redis restarted empty, or the hash expired while Redis was away) is
 * claimed again by its holder at its epoch: nobody took it over — a take-over leaves a record —
 * and stopping every zone of every process because Redis lost its memory would end play that
 * Redis never fenced.
 */
export const HEARTBEAT_SCRIPT = `
local lost = {}
for i = 4, #ARGV, 3 do
  local zone, epoch, json = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if epoch == '' then
    redis.call('HSET', KEYS[1], zone, json)
  else
    local cur = redis.call('HGET', KEYS[2], zone)
    local o = cur and cjson.decode(cur)
    if not o or (o.owner == ARGV[1] and tonumber(o.epoch) == tonumber(epoch)) then
      redis.call('HSET', KEYS[1], zone, json)
      redis.call('HSET', KEYS[2], zone, cjson.encode({ owner = ARGV[1], epoch = tonumber(epoch), at = tonumber(ARGV[2]) }))
    else
      table.insert(lost, zone)
    end
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return lost
`;

/**
 * Lets a zone go on purpose (a hand-off): ARGV zone, owner, epoch, entry JSON. While this owner
 * still holds it at this epoch, the entry given (already marked `updatedAt` 0 and `handoffFrom`
 * this owner) replaces the zone's, so peers see an orphan at once, and its ownership is left stale
 * at the same epoch, so exactly one peer takes it over on its next check. Returns 1, or 0 when the
 * zone was no longer this owner's.
 */
export const RELEASE_SCRIPT = `
local cur = redis.call('HGET', KEYS[2], ARGV[1])
local o = cur and cjson.decode(cur)
if not o or o.owner ~= ARGV[2] or tonumber(o.epoch) ~= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({ owner = ARGV[2], epoch = tonumber(ARGV[3]), at = 0 }))
return 1
`;
