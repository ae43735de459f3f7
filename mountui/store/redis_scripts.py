"""The Lua scripts of `RedisStore`: each one step that must be atomic (Redis runs a script alone)."""

# INCR, and an expiry only when this call created the counter (atomic: one script).
INCR = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""

# Moving windows: per window a list of the times (Redis's clock, in microseconds) of its last `limit` hits,
# newest first. A hit fits when, in every window, the hit `limit` back is older than the window; then it is
# added to all of them, else to none. KEYS: one list per window. ARGV: limit and length (us) of each window.
# Returns 0, or the microseconds until the hit would fit.
HIT_WINDOWS = """
local t = redis.call('TIME')
local stamp = t[1] .. string.rep('0', 6 - #t[2]) .. t[2]
local now = tonumber(stamp)
local wait = 0
for i, key in ipairs(KEYS) do
  local oldest = redis.call('LINDEX', key, tonumber(ARGV[2 * i - 1]) - 1)
  if oldest then
    local left = tonumber(oldest) + tonumber(ARGV[2 * i]) - now
    if left > wait then wait = left end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('LPUSH', key, stamp)
  redis.call('LTRIM', key, 0, tonumber(ARGV[2 * i - 1]) - 1)
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[2 * i]) / 1000))
end
return 0
"""

# SADD; a ttl sets the expiry of a new set and may lengthen, never shorten, that of an existing one.
SET_ADD = """
local new = redis.call('EXISTS', KEYS[1]) == 0
redis.call('SADD', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then
  local ms = tonumber(ARGV[2])
  local left = redis.call('PTTL', KEYS[1])
  if new or (left >= 0 and left < ms) then redis.call('PEXPIRE', KEYS[1], ms) end
end
return 1
"""

# A log is a stream; item i has the id (i+1)-0 and the close marker the id n-1 (n = items so far), so the
# count is always the first part of the last id. KEYS: stream, closed flag, writer. ARGV: payload, ttl of an
# open log, how many items to keep (empty: all), the channel and message that wake readers
# (store/redis_logs.py), the writer (empty: any) and '1' to claim the log for it. Returns -1 when the log
# belongs to another writer (nothing appended).
LOG_APPEND = """
if ARGV[6] ~= '' then
  if ARGV[7] == '1' then
    redis.call('SET', KEYS[3], ARGV[6])
  else
    local owner = redis.call('GET', KEYS[3])
    if owner and owner ~= ARGV[6] then return -1 end
  end
end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local n = 0
if #last > 0 then n = tonumber(string.match(last[1][1], '^(%d+)')) end
if ARGV[3] ~= '' then
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], (n + 1) .. '-0', 'v', ARGV[1])
else
  redis.call('XADD', KEYS[1], (n + 1) .. '-0', 'v', ARGV[1])
end
if redis.call('EXISTS', KEYS[2]) == 0 and ARGV[2] ~= '' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if ARGV[7] == '1' then
  local left = redis.call('PTTL', KEYS[1])
  if left > 0 then redis.call('PEXPIRE', KEYS[3], left) end
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return n
"""

# KEYS: stream, closed flag, writer. ARGV: retention in ms, the channel and message that wake readers. Unknown
# logs stay unknown.
LOG_CLOSE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  local n = tonumber(string.match(last[1][1], '^(%d+)'))
  redis.call('XADD', KEYS[1], n .. '-1', 'c', '1')
end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
"""
