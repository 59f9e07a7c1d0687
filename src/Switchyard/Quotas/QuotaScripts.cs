using Switchyard.Resp;

namespace Switchyard.Quotas;

/// <summary>
/// The Lua scripts behind <see cref="RedisQuotaStore"/>: admission checks every limit of every scope and only then
/// reserves on all of them, in one atomic script call; settlement swaps the reservation for the true usage.
/// Per scope the keys are: request counts and token counts per second (a 60-second sliding window summed from
/// per-second fields), the calendar day and month (tokens, nano-dollars), the all-time nano-dollars, the
/// in-flight set (ticket → expiry) and the reservations themselves (ticket → what it reserved, where). A ticket
/// whose instance died before settling expires: the next admission on the scope takes its reservation back.
/// </summary>
internal static class QuotaScripts
{
    public const int KeysPerScope = 7;
    public const int LimitsPerScope = 8;

    public static readonly RedisScript Admit = new("""
        local now_ms = tonumber(ARGV[1])
        local now_s = tonumber(ARGV[2])
        local tokens = tonumber(ARGV[3])
        local usd = tonumber(ARGV[4])
        local ticket = ARGV[5]
        local expires = tonumber(ARGV[6])
        local scopes = (#KEYS) / 7
        -- Negations are written 0 - x: Lua formats -0 as "-0", which Redis refuses as an integer.
        local function sweep(k)
          local expired = redis.call('ZRANGEBYSCORE', KEYS[k + 6], '-inf', now_ms, 'LIMIT', 0, 50)
          for _, t in ipairs(expired) do
            local r = redis.call('HGET', KEYS[k + 7], t)
            if r then
              local tok, nusd, sec, dkey, mkey = string.match(r, '^(%-?%d+) (%-?%d+) (%d+) (%S+) (%S+)$')
              if redis.call('HEXISTS', KEYS[k + 2], sec) == 1 then redis.call('HINCRBY', KEYS[k + 2], sec, 0 - tonumber(tok)) end
              if redis.call('EXISTS', dkey) == 1 then redis.call('HINCRBY', dkey, 'tokens', 0 - tonumber(tok)); redis.call('HINCRBY', dkey, 'usd', 0 - tonumber(nusd)) end
              if redis.call('EXISTS', mkey) == 1 then redis.call('HINCRBY', mkey, 'tokens', 0 - tonumber(tok)); redis.call('HINCRBY', mkey, 'usd', 0 - tonumber(nusd)) end
              redis.call('INCRBY', KEYS[k + 5], 0 - tonumber(nusd))
              redis.call('HDEL', KEYS[k + 7], t)
            end
            redis.call('ZREM', KEYS[k + 6], t)
          end
        end
        -- The window also counts the next two seconds: another instance (or a call of this one that overtook this
        -- call on the way) may already have counted requests under a later second, and leaving them out would admit
        -- past the limit at the turn of a second.
        local function window_sum(key)
          local fields = {}
          for s = now_s - 59, now_s + 2 do fields[#fields + 1] = tostring(s) end
          local values = redis.call('HMGET', key, unpack(fields))
          local sum, oldest = 0, nil
          for i, v in ipairs(values) do
            if v then
              local n = tonumber(v)
              sum = sum + n
              if n > 0 and oldest == nil then oldest = math.min(now_s, now_s - 60 + i) end
            end
          end
          return sum, oldest
        end
        local best_req, best_req_left, best_tok, best_tok_left = -1, -1, -1, -1
        for i = 0, scopes - 1 do
          local k = i * 7
          sweep(k)
          local a = 6 + i * 8
          local rpm, tpm, tpd, tpmo = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
          local usd_day, usd_month, usd_total, par = tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]), tonumber(ARGV[a + 7]), tonumber(ARGV[a + 8])
          if rpm >= 0 then
            local used, oldest = window_sum(KEYS[k + 1])
            if used >= rpm then return {1, i, 'rpm', ((oldest or now_s) + 60 - now_s) * 1000} end
            if best_req < 0 or rpm - used < best_req_left then best_req, best_req_left = rpm, rpm - used - 1 end
          end
          if tpm >= 0 then
            local used, oldest = window_sum(KEYS[k + 2])
            if used > 0 and used + tokens > tpm then return {1, i, 'tpm', ((oldest or now_s) + 60 - now_s) * 1000} end
            if best_tok < 0 or tpm - used - tokens < best_tok_left then best_tok, best_tok_left = tpm, tpm - used - tokens end
          end
          local day = redis.call('HMGET', KEYS[k + 3], 'tokens', 'usd')
          local month = redis.call('HMGET', KEYS[k + 4], 'tokens', 'usd')
          if tpd >= 0 and (tonumber(day[1]) or 0) + tokens > tpd then return {1, i, 'tokens_per_day', -1} end
          if tpmo >= 0 and (tonumber(month[1]) or 0) + tokens > tpmo then return {1, i, 'tokens_per_month', -2} end
          if usd_day >= 0 and (tonumber(day[2]) or 0) + usd > usd_day then return {1, i, 'usd_per_day', -1} end
          if usd_month >= 0 and (tonumber(month[2]) or 0) + usd > usd_month then return {1, i, 'usd_per_month', -2} end
          if usd_total >= 0 and (tonumber(redis.call('GET', KEYS[k + 5])) or 0) + usd > usd_total then return {1, i, 'usd_total', 0} end
          if par >= 0 and redis.call('ZCARD', KEYS[k + 6]) >= par then return {1, i, 'max_parallel', 1000} end
        end
        for i = 0, scopes - 1 do
          local k = i * 7
          redis.call('HINCRBY', KEYS[k + 1], now_s, 1)
          redis.call('EXPIRE', KEYS[k + 1], 120)
          redis.call('HINCRBY', KEYS[k + 2], now_s, tokens)
          redis.call('EXPIRE', KEYS[k + 2], 120)
          redis.call('HINCRBY', KEYS[k + 3], 'tokens', tokens)
          redis.call('HINCRBY', KEYS[k + 3], 'usd', usd)
          redis.call('EXPIRE', KEYS[k + 3], 172800)
          redis.call('HINCRBY', KEYS[k + 4], 'tokens', tokens)
          redis.call('HINCRBY', KEYS[k + 4], 'usd', usd)
          redis.call('EXPIRE', KEYS[k + 4], 3456000)
          redis.call('INCRBY', KEYS[k + 5], usd)
          redis.call('ZADD', KEYS[k + 6], expires, ticket)
          redis.call('EXPIRE', KEYS[k + 6], 3600)
          redis.call('HSET', KEYS[k + 7], ticket, tokens .. ' ' .. usd .. ' ' .. now_s .. ' ' .. KEYS[k + 3] .. ' ' .. KEYS[k + 4])
          redis.call('EXPIRE', KEYS[k + 7], 3600)
        end
        return {0, best_req, best_req_left, best_tok, best_tok_left}
        """);

    /// <summary>
    /// ARGV: ticket, second of admission, reserved tokens, reserved nano-dollars, true tokens, true nano-dollars.
    /// The day and month keys are those of the admission: usage counts in the window the request started in.
    /// </summary>
    public static readonly RedisScript Settle = new("""
        local ticket, at = ARGV[1], ARGV[2]
        local tokens, usd = tonumber(ARGV[5]), tonumber(ARGV[6])
        for i = 0, (#KEYS) / 7 - 1 do
          local k = i * 7
          redis.call('ZREM', KEYS[k + 6], ticket)
          -- A reservation already taken back by the expiry sweep is not subtracted twice: the usage counts whole.
          local held = redis.call('HDEL', KEYS[k + 7], ticket) == 1
          local dt = tokens - (held and tonumber(ARGV[3]) or 0)
          local du = usd - (held and tonumber(ARGV[4]) or 0)
          if held and redis.call('HEXISTS', KEYS[k + 2], at) == 1 then redis.call('HINCRBY', KEYS[k + 2], at, dt) end
          if redis.call('EXISTS', KEYS[k + 3]) == 1 or dt > 0 then
            redis.call('HINCRBY', KEYS[k + 3], 'tokens', dt)
            redis.call('HINCRBY', KEYS[k + 3], 'usd', du)
            redis.call('EXPIRE', KEYS[k + 3], 172800)
          end
          if redis.call('EXISTS', KEYS[k + 4]) == 1 or dt > 0 then
            redis.call('HINCRBY', KEYS[k + 4], 'tokens', dt)
            redis.call('HINCRBY', KEYS[k + 4], 'usd', du)
            redis.call('EXPIRE', KEYS[k + 4], 3456000)
          end
          redis.call('INCRBY', KEYS[k + 5], du)
        end
        return 0
        """);

    /// <summary>One scope's counters without changing them. ARGV: now in ms, now in seconds. Dollars in nano-dollars.</summary>
    public static readonly RedisScript Peek = new("""
        local now_ms, now_s = tonumber(ARGV[1]), tonumber(ARGV[2])
        -- The window also counts the next two seconds: another instance (or a call of this one that overtook this
        -- call on the way) may already have counted requests under a later second, and leaving them out would admit
        -- past the limit at the turn of a second.
        local function window_sum(key)
          local fields = {}
          for s = now_s - 59, now_s + 2 do fields[#fields + 1] = tostring(s) end
          local sum = 0
          for _, v in ipairs(redis.call('HMGET', key, unpack(fields))) do if v then sum = sum + tonumber(v) end end
          return sum
        end
        local day = redis.call('HMGET', KEYS[3], 'tokens', 'usd')
        local month = redis.call('HMGET', KEYS[4], 'tokens', 'usd')
        return {window_sum(KEYS[1]), window_sum(KEYS[2]), tonumber(day[1]) or 0, tonumber(month[1]) or 0,
          tonumber(day[2]) or 0, tonumber(month[2]) or 0, tonumber(redis.call('GET', KEYS[5])) or 0,
          redis.call('ZCOUNT', KEYS[6], now_ms, '+inf')}
        """);
}
