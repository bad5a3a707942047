/**
 * The Lua scripts of `RedisSessionStore`: each write is one atomic script,
 * so concurrent requests never see half a session.
 *
 * @module
 */

// KEYS[1] session, KEYS[2] user index prefix, KEYS[3] the old session when
// rotating. ARGV: mode, set count, field/value pairs, remove count, fields,
// then created, last, expires, user (each "" for unchanged).
export const WRITE: string = `
local key = KEYS[1]
local mode = ARGV[1]
if mode == "merge" and redis.call("EXISTS", key) == 0 then return 0 end
if mode == "rotate" then
  local fields = redis.call("HGETALL", KEYS[3])
  local old = redis.call("HGET", KEYS[3], "_user")
  if old then redis.call("SREM", KEYS[2] .. old, KEYS[3]) end
  redis.call("DEL", KEYS[3])
  for n = 1, #fields, 2 do
    local prefix = string.sub(fields[n], 1, 2)
    if prefix == "d:" or prefix == "j:" then
      redis.call("HSET", key, fields[n], fields[n + 1])
    end
  end
end
local i = 2
local sets = tonumber(ARGV[i]); i = i + 1
for n = 1, sets do
  redis.call("HSET", key, ARGV[i], ARGV[i + 1]); i = i + 2
end
local removes = tonumber(ARGV[i]); i = i + 1
for n = 1, removes do
  redis.call("HDEL", key, ARGV[i]); i = i + 1
end
local created, last, expires, user = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
if created ~= "" then redis.call("HSET", key, "_created", created) end
if last ~= "" then
  redis.call("HSET", key, "_last", last, "_expires", expires)
  redis.call("PEXPIREAT", key, expires)
end
if user ~= "" then
  local old = redis.call("HGET", key, "_user")
  if old then redis.call("SREM", KEYS[2] .. old, key) end
  if user == "-" then
    redis.call("HDEL", key, "_user")
  else
    redis.call("HSET", key, "_user", user)
    redis.call("SADD", KEYS[2] .. user, key)
  end
end
return 1
`;

/** Deletes a session and its entry in the user index. */
export const DESTROY: string = `
local user = redis.call("HGET", KEYS[1], "_user")
if user then redis.call("SREM", KEYS[2] .. user, KEYS[1]) end
return redis.call("DEL", KEYS[1])
`;

/** Deletes every session in a user index, and the index. */
export const REVOKE: string = `
local members = redis.call("SMEMBERS", KEYS[1])
local count = 0
for n = 1, #members do count = count + redis.call("DEL", members[n]) end
redis.call("DEL", KEYS[1])
return count
`;
