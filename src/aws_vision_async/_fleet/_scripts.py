"""The Lua scripts of ``RedisRateLimiter``: the shared bucket's every change, atomic on the server.

Each script works on two keys that share the hash tag ``{key}`` (one cluster slot):
``{key}:bucket``, a hash with the bucket and what the limiter learnt, and
``{key}:procs``, a sorted set of the limiters using it (member: a random id per
limiter, score: the server time of its last call), which counts the processes.

Time is always the server's (``TIME``): clients' clocks differ, the server's is one.
The arithmetic is the base ``RateLimiter``'s (botocore's adaptive mode: a token
bucket, CUBIC on throttles, a measured sending rate), moved into the store so that
all processes learn together. Numbers travel as strings (``%.17g``): Redis turns
Lua numbers in replies into integers.

Every script takes the same leading arguments (:data:`CONFIG_ARGS` of them):
``per_second`` (``-1``: none), ``burst`` (``-1``: none), ``adaptive`` (0/1), the
rate to seed a missing bucket with (``-1``: unlimited), whether that seed is a
fresh start (1: slow start applies) or a re-seed from a local rate after the
store lost its data (0), the limiter's id, and the heartbeat lifetime in seconds.
Every reply starts with the same fields: the server time, the processes seen,
the shared rate (``-1``: unlimited), the throttles counted, whether the bucket was
(re-)seeded just now, and the bucket's epoch (its seeding time: a waiter's place
in the queue means nothing in another epoch).
"""

from __future__ import annotations

from typing import Final

from .. import ratelimit

__all__ = ["ACQUIRE", "CONFIG_ARGS", "RECHECK", "RELEASE", "REPORT", "SLOW_START_STEP", "SLOW_START_RATE"]

# Slow start as the base limiter's: its first rate, and what each success adds to it.
SLOW_START_RATE: Final = ratelimit.SLOW_START_RATE
SLOW_START_STEP: Final = ratelimit.SLOW_START_STEP
#: How long an idle bucket outlives its last use, in milliseconds.
_BUCKET_TTL_MS: Final = 3_600_000
#: Leading arguments common to every script.
CONFIG_ARGS: Final = 7

_CONSTANTS: Final = {
    "BETA": ratelimit._BETA,  # pyright: ignore[reportPrivateUsage]
    "SCALE": ratelimit._SCALE_CONSTANT,  # pyright: ignore[reportPrivateUsage]
    "MIN_RATE": ratelimit._MIN_RATE,  # pyright: ignore[reportPrivateUsage]
    "MAX_ADJUST": ratelimit._MAX_RATE_ADJUST_SCALE,  # pyright: ignore[reportPrivateUsage]
    "SMOOTHING": ratelimit._SMOOTHING,  # pyright: ignore[reportPrivateUsage]
    "BUCKET_RANGE": ratelimit._TIME_BUCKET_RANGE,  # pyright: ignore[reportPrivateUsage]
    "EPSILON": ratelimit._EPSILON,  # pyright: ignore[reportPrivateUsage]
    "SS_RATE": SLOW_START_RATE,
    "SS_STEP": SLOW_START_STEP,
    "TTL_MS": float(_BUCKET_TTL_MS),
}

_PRELUDE: Final = """
local BETA, SCALE, MIN_RATE = {BETA!r}, {SCALE!r}, {MIN_RATE!r}
local MAX_ADJUST, SMOOTHING, BUCKET_RANGE = {MAX_ADJUST!r}, {SMOOTHING!r}, {BUCKET_RANGE!r}
local EPSILON, SS_RATE, SS_STEP, TTL_MS = {EPSILON!r}, {SS_RATE!r}, {SS_STEP!r}, {TTL_MS!r}
local FIELDS = {{'rate', 'cap', 'tokens', 'last', 'filled', 'throttles', 'learnt', 'w_max', 'k',
  'last_throttle', 'cut', 'measured', 'count', 'last_bucket', 'started', 'ss', 'ss_at', 'epoch'}}

local function fmt(x) return string.format('%.17g', x) end

local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local per_second, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local adaptive = ARGV[3] == '1'
local max_cap = 1
if burst > 0 then max_cap = burst end

local s = {{}}
local raw = redis.call('HGETALL', KEYS[1])
for i = 1, #raw, 2 do s[raw[i]] = tonumber(raw[i + 1]) end
local seeded = 0
if s.rate == nil then
  seeded = 1
  local rate = tonumber(ARGV[4])
  local fresh = ARGV[5] == '1'
  s = {{rate = rate, cap = max_cap, last = now, filled = 0, throttles = 0, learnt = 0, w_max = 0, k = 0,
    last_throttle = now, cut = -1, measured = 0, count = 0,
    last_bucket = math.floor(now / BUCKET_RANGE) * BUCKET_RANGE, started = now, ss = 0, ss_at = now,
    epoch = now}}
  if fresh and adaptive and per_second < 0 then
    s.rate, s.ss = SS_RATE, 1
    s.cap = math.min(max_cap, SS_RATE)  -- one second of the rate, as the base limiter's slow start
  elseif not fresh and rate > 0 then
    -- Re-seeded from a local rate that was learnt: CUBIC goes on from it, at its plateau.
    s.cap = math.min(max_cap, math.max(1, rate))
    s.learnt, s.w_max = 1, rate
    s.k = (rate * (1 - BETA) / SCALE) ^ (1 / 3)
    s.last_throttle = now - s.k
  end
  s.tokens = s.cap
end

redis.call('ZADD', KEYS[2], now, ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[7]))
redis.call('PEXPIRE', KEYS[2], math.floor(tonumber(ARGV[7]) * 1000))
local procs = redis.call('ZCARD', KEYS[2])

local function refill()
  if s.rate > 0 and now > s.last then
    local added = (now - s.last) * s.rate
    s.tokens = math.min(s.cap, s.tokens + added)
    -- A clock in tokens: waiters compare their place in the queue with it.
    s.filled = s.filled + added
  end
  if now > s.last then s.last = now end
end

local function record_send()
  local bucket = math.floor(now / BUCKET_RANGE) * BUCKET_RANGE
  s.count = s.count + 1
  if bucket > s.last_bucket then
    if s.measured > 0 then
      s.measured = (s.count / (bucket - s.last_bucket)) * SMOOTHING + s.measured * (1 - SMOOTHING)
    else
      -- The first measure: over the time since the start, not smoothed with the 0 before it.
      s.measured = s.count / math.max(bucket - math.max(s.last_bucket, s.started), BUCKET_RANGE / 2)
    end
    s.count, s.last_bucket = 0, bucket
  end
end

local function measured_now()
  if s.measured > 0 then return s.measured end
  return s.count / math.max(now - s.started, BUCKET_RANGE)
end

local function set_rate(rate)
  local measured = measured_now()
  if measured > 0 then rate = math.min(rate, MAX_ADJUST * measured) end
  if per_second > 0 then rate = math.min(rate, per_second) end
  refill()
  s.rate = math.max(rate, MIN_RATE)
  -- No more than one second of the new rate: a full burst after a throttle would be throttled again.
  s.cap = math.min(max_cap, math.max(1, s.rate))
  s.tokens = math.min(s.tokens, s.cap)
end

local function save()
  local flat = {{}}
  for _, name in ipairs(FIELDS) do
    flat[#flat + 1] = name
    flat[#flat + 1] = fmt(s[name])
  end
  redis.call('HSET', KEYS[1], unpack(flat))
  redis.call('PEXPIRE', KEYS[1], TTL_MS)
end

local function reply(...)
  return {{fmt(now), procs, fmt(s.rate), s.throttles, seeded, fmt(s.epoch), ...}}
end
"""

#: Take a token (reserving it: the bucket may go into debt). Extra argument: ``max_wait`` (``-1``: none).
#: Reply fields after the common ones: the seconds to wait (``-1``: refused, as ``max_wait``
#: is shorter), then the wait needed (when refused) or the token's place in the queue.
ACQUIRE: Final = (
    _PRELUDE
    + """
refill()
if s.rate <= 0 then
  record_send()
  save()
  return reply('0', '0')
end
local need = math.max(0, 1 - s.tokens)
local wait = need / s.rate
local max_wait = tonumber(ARGV[8])
if max_wait >= 0 and wait > max_wait then
  save()
  return reply('-1', fmt(wait))
end
s.tokens = s.tokens - 1
local target = s.filled + need
if wait <= 0 then record_send() end
save()
return reply(fmt(wait), fmt(target))
"""
).format(**_CONSTANTS)

#: Look again whether a reserved token is due. Extra arguments: the token's place, the epoch.
#: Reply field after the common ones: the seconds still to wait (0: granted now; ``-1``: the
#: bucket was seeded again since, so the reservation is gone).
RECHECK: Final = (
    _PRELUDE
    + """
if seeded == 1 or fmt(s.epoch) ~= ARGV[9] then
  save()
  return reply('-1')
end
refill()
local missing = tonumber(ARGV[8]) - s.filled
if missing <= EPSILON or s.rate <= 0 then
  record_send()
  save()
  return reply('0')
end
save()
return reply(fmt(missing / s.rate))
"""
).format(**_CONSTANTS)

#: Give a reserved token back (its waiter was cancelled). Extra argument: the epoch.
RELEASE: Final = (
    _PRELUDE
    + """
if seeded == 0 and fmt(s.epoch) == ARGV[8] then
  refill()
  s.tokens = math.min(s.cap, s.tokens + 1)
end
save()
return reply()
"""
).format(**_CONSTANTS)

#: Record a reply. Extra arguments: throttled (0/1), the server time the request was sent
#: (``-1``: unknown). A throttle of a request sent before the last cut cuts nothing more.
REPORT: Final = (
    _PRELUDE
    + """
if ARGV[8] == '1' then
  s.throttles = s.throttles + 1
  local sent_at = tonumber(ARGV[9])
  if adaptive and not (sent_at >= 0 and s.cut >= 0 and sent_at < s.cut) then
    s.cut, s.ss, s.learnt = now, 0, 1
    local measured = measured_now()
    local rate_to_use = measured
    if s.rate > 0 then rate_to_use = math.min(measured, s.rate) end
    s.w_max = rate_to_use
    s.k = (s.w_max * (1 - BETA) / SCALE) ^ (1 / 3)
    s.last_throttle = now
    set_rate(rate_to_use * BETA)
    -- The service's bucket is empty now: the next request waits a whole interval of the new rate.
    if s.tokens >= 0 then
      s.tokens = 0
    else
      s.tokens = s.tokens - 1
      s.filled = s.filled - 1
    end
  end
elseif adaptive then
  if s.ss == 1 then
    -- Slow start: each success adds SS_STEP, never above twice the rate measured (demand decides).
    local grown = math.min(s.rate + SS_STEP, MAX_ADJUST * measured_now())
    if grown > s.rate then set_rate(grown) end
  elseif s.learnt == 1 then
    set_rate(SCALE * (now - s.last_throttle - s.k) ^ 3 + s.w_max)
  end
end
save()
return reply()
"""
).format(**_CONSTANTS)
