using Switchyard.Resp;

namespace Switchyard.Quotas;

/// <summary>
/// The Lua scripts behind <see cref="RedisQuotaStore"/>: an admission checks every limit of every scope and only then
/// reserves on all of them, atomically; a settlement swaps the reservation for the true usage.
/// Per scope the keys are: request counts and token counts per second (a 60-second sliding window summed from
/// per-second fields), the calendar day and month (tokens, nano-dollars), the all-time nano-dollars, the
/// in-flight set (ticket → expiry) and the reservations themselves (ticket → what it reserved, where). A ticket
/// whose instance died before settling expires: the next admission on the scope takes its reservation back.
/// </summary>
internal static class QuotaScripts
{
    public const int LimitsPerScope = 8;

    /// <summary>
    /// Admissions and settlements of one instance, queued while its previous call was on the way, run in order in one
    /// atomic call: each is decided on its own, exactly as if it came alone, so the limits hold across instances, but
    /// one round trip serves many requests. KEYS: key sets of 7 (rpm, tpm, day, month, all-time dollars, in-flight set,
    /// reservations), each once. ARGV: the operation count, then per operation either
    /// <c>a now_ms now_s tokens nano_usd ticket expires n</c> followed by n × (key set index, 8 limits), or
    /// <c>s ticket at reserved_tokens reserved_nano_usd tokens nano_usd n</c> followed by n key set indexes (a
    /// settlement uses the day and month keys of its admission: usage counts in the window the request started in).
    /// Returns one reply per operation: an admission's <c>{1, scope, limit, retry}</c> (refused; retry in ms, -1 next
    /// day, -2 next month) or <c>{0, rpm, rpm left, tpm, tpm left}</c> of the tightest limits; a settlement's 0. The sliding-window
    /// sums are read once per key set and second and then carried along as admissions add to them; a settlement on a
    /// key set makes the next admission read them again.
    /// </summary>
    public static readonly RedisScript Batch = new("""
        local pos = 1
        local function arg() pos = pos + 1; return ARGV[pos] end
        local function num() return tonumber(arg()) end
        local swept, sums = {}, {}
        local function sweep(k, now_ms)
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
        local function window_sum(key, now_s)
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
        -- A key set's window sums as of second now_s: read once, then kept up to date by the admissions below.
        local function window(k, now_s)
          local w = sums[k]
          if w == nil or w.s ~= now_s then
            local ru, ro = window_sum(KEYS[k + 1], now_s)
            local tu, to = window_sum(KEYS[k + 2], now_s)
            w = {s = now_s, ru = ru, ro = ro, tu = tu, to = to}
            sums[k] = w
          end
          return w
        end
        local function admit()
          local now_ms, now_s, tokens, usd, ticket, expires, n = num(), num(), num(), num(), arg(), num(), num()
          local scopes = {}
          for i = 1, n do
            local k = num() * 7
            local l = {}
            for j = 1, 8 do l[j] = num() end
            scopes[i] = {k, l}
          end
          local best_req, best_req_left, best_tok, best_tok_left = -1, -1, -1, -1
          for i, sc in ipairs(scopes) do
            local k, l = sc[1], sc[2]
            if not swept[k] then sweep(k, now_ms); swept[k] = true; sums[k] = nil end
            local rpm, tpm, tpd, tpmo, usd_day, usd_month, usd_total, par = l[1], l[2], l[3], l[4], l[5], l[6], l[7], l[8]
            local w = window(k, now_s)
            if rpm >= 0 then
              if w.ru >= rpm then return {1, i - 1, 'rpm', ((w.ro or now_s) + 60 - now_s) * 1000} end
              if best_req < 0 or rpm - w.ru < best_req_left then best_req, best_req_left = rpm, rpm - w.ru - 1 end
            end
            if tpm >= 0 then
              if w.tu > 0 and w.tu + tokens > tpm then return {1, i - 1, 'tpm', ((w.to or now_s) + 60 - now_s) * 1000} end
              if best_tok < 0 or tpm - w.tu - tokens < best_tok_left then best_tok, best_tok_left = tpm, tpm - w.tu - tokens end
            end
            local day = redis.call('HMGET', KEYS[k + 3], 'tokens', 'usd')
            local month = redis.call('HMGET', KEYS[k + 4], 'tokens', 'usd')
            if tpd >= 0 and (tonumber(day[1]) or 0) + tokens > tpd then return {1, i - 1, 'tokens_per_day', -1} end
            if tpmo >= 0 and (tonumber(month[1]) or 0) + tokens > tpmo then return {1, i - 1, 'tokens_per_month', -2} end
            if usd_day >= 0 and (tonumber(day[2]) or 0) + usd > usd_day then return {1, i - 1, 'usd_per_day', -1} end
            if usd_month >= 0 and (tonumber(month[2]) or 0) + usd > usd_month then return {1, i - 1, 'usd_per_month', -2} end
            if usd_total >= 0 and (tonumber(redis.call('GET', KEYS[k + 5])) or 0) + usd > usd_total then return {1, i - 1, 'usd_total', 0} end
            if par >= 0 and redis.call('ZCARD', KEYS[k + 6]) >= par then return {1, i - 1, 'max_parallel', 1000} end
          end
          for _, sc in ipairs(scopes) do
            local k = sc[1]
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
            local w = sums[k]
            if w ~= nil and w.s == now_s then
              w.ru = w.ru + 1
              w.tu = w.tu + tokens
              if w.ro == nil then w.ro = now_s end
              if w.to == nil and tokens > 0 then w.to = now_s end
            end
          end
          return {0, best_req, best_req_left, best_tok, best_tok_left}
        end
        local function settle()
          local ticket, at, reserved_tokens, reserved_usd, tokens, usd, n = arg(), arg(), num(), num(), num(), num(), num()
          for _ = 1, n do
            local k = num() * 7
            redis.call('ZREM', KEYS[k + 6], ticket)
            -- A reservation already taken back by the expiry sweep is not subtracted twice: the usage counts whole.
            local held = redis.call('HDEL', KEYS[k + 7], ticket) == 1
            local dt = tokens - (held and reserved_tokens or 0)
            local du = usd - (held and reserved_usd or 0)
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
            sums[k] = nil
          end
          return 0
        end
        local replies = {}
        for op = 1, tonumber(ARGV[1]) do
          if arg() == 'a' then replies[op] = admit() else replies[op] = settle() end
        end
        return replies
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
