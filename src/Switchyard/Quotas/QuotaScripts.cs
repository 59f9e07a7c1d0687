using Switchyard.Resp;

namespace Switchyard.Quotas;

/// <summary>
/// The Lua scripts behind <see cref="RedisQuotaStore"/>: an admission checks every limit of every scope and only then
/// reserves on all of them, atomically; a settlement swaps the reservation for the true usage.
/// Per scope the keys are: request counts and token counts per second (a 60-second sliding window summed from
/// per-second fields), the calendar day and month (tokens, nano-dollars), the all-time nano-dollars, the
/// in-flight set (ticket → expiry), the reservations and leases themselves (id → what it holds, where) and the leases'
/// expiries. A ticket or lease whose instance died before settling or returning it expires: the next admission on the
/// scope takes back what it still held.
/// </summary>
internal static class QuotaScripts
{
    public const int LimitsPerScope = 8;

    /// <summary>A lease takes at most this fraction (1/64) of what any of a scope's limits has left (the script's <c>share</c>).</summary>
    public const int LeaseShare = 64;

    /// <summary>
    /// Admissions, settlements and lease reports of one instance, queued while its previous call was on the way, run in
    /// order in one atomic call: each is decided on its own, exactly as if it came alone, so the limits hold across
    /// instances, but one round trip serves many requests, and the script reads each sliding window once per call
    /// instead of once per request. KEYS: key sets of 8 (rpm, tpm, day, month, all-time dollars, in-flight set,
    /// reservations and leases, lease expiries), each once. ARGV: the operation count, then per operation one of
    /// <list type="bullet">
    /// <item><c>a now_ms now_s tokens nano_usd ticket expires ask lease n</c> followed by n × (key set index, 8 limits):
    /// an admission. With <c>ask</c> &gt; 0 it also leases each scope up to <c>ask</c> more requests of this size
    /// (<see cref="LeaseShare"/>), counted now under the id <c>lease</c>.</item>
    /// <item><c>s ticket at reserved_tokens reserved_nano_usd tokens nano_usd n</c> followed by n key set indexes: a
    /// settlement (it uses the day and month keys of its admission: usage counts in the window the request started
    /// in).</item>
    /// <item><c>c at tokens nano_usd n</c> followed by n key set indexes: leased requests' true usage minus their
    /// estimates, summed.</item>
    /// <item><c>l lease at final requests tokens nano_usd n</c> followed by n key set indexes: what a lease's holder has
    /// spent of it since its last report; with <c>final</c> 1 the rest goes back and the lease ends.</item>
    /// </list>
    /// Returns one reply per operation: an admission's <c>{1, scope, limit, retry}</c> (refused; retry in ms, -1 next
    /// day, -2 next month) or <c>{0, rpm, rpm left, tpm, tpm left}</c> of the tightest limits followed, when it asked
    /// for a lease, by <c>granted, rpm left, tpm left</c> per scope; any other operation's 0. The sliding-window sums
    /// are read once per key set and second and then carried along as admissions add to them; anything else on a key
    /// set makes the next admission read them again.
    /// </summary>
    public static readonly RedisScript Batch = new("""
        local pos = 1
        local function arg() pos = pos + 1; return ARGV[pos] end
        local function num() return tonumber(arg()) end
        local swept, sums = {}, {}
        -- A reservation or lease whose holder died: what it still holds goes back (a lease's unreported requests too).
        local function sweep_set(k, zkey, now_ms)
          local expired = redis.call('ZRANGEBYSCORE', zkey, '-inf', now_ms, 'LIMIT', 0, 50)
          for _, t in ipairs(expired) do
            local r = redis.call('HGET', KEYS[k + 7], t)
            if r then
              local tok, nusd, sec, dkey, mkey, req = string.match(r, '^(%-?%d+) (%-?%d+) (%d+) (%S+) (%S+) ?(%-?%d*)$')
              if req ~= '' and redis.call('HEXISTS', KEYS[k + 1], sec) == 1 then redis.call('HINCRBY', KEYS[k + 1], sec, 0 - tonumber(req)) end
              if redis.call('HEXISTS', KEYS[k + 2], sec) == 1 then redis.call('HINCRBY', KEYS[k + 2], sec, 0 - tonumber(tok)) end
              if redis.call('EXISTS', dkey) == 1 then redis.call('HINCRBY', dkey, 'tokens', 0 - tonumber(tok)); redis.call('HINCRBY', dkey, 'usd', 0 - tonumber(nusd)) end
              if redis.call('EXISTS', mkey) == 1 then redis.call('HINCRBY', mkey, 'tokens', 0 - tonumber(tok)); redis.call('HINCRBY', mkey, 'usd', 0 - tonumber(nusd)) end
              redis.call('INCRBY', KEYS[k + 5], 0 - tonumber(nusd))
              redis.call('HDEL', KEYS[k + 7], t)
            end
            redis.call('ZREM', zkey, t)
          end
        end
        local function sweep(k, now_ms)
          sweep_set(k, KEYS[k + 6], now_ms)
          sweep_set(k, KEYS[k + 8], now_ms)
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
        -- Counts requests, tokens and nano-dollars on a key set: per second (rpm, tpm), day, month and all time.
        local function count(k, now_s, req, tokens, usd)
          redis.call('HINCRBY', KEYS[k + 1], now_s, req)
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
          local w = sums[k]
          if w ~= nil and w.s == now_s then
            w.ru = w.ru + req
            w.tu = w.tu + tokens
            if w.ro == nil and req > 0 then w.ro = now_s end
            if w.to == nil and tokens > 0 then w.to = now_s end
          end
        end
        -- Replaces counted usage by the true one: tokens and nano-dollars added (or taken back) in the request's second
        -- (only while that second is still in the window), day, month and all time.
        local function correct(k, at, dt, du, in_window)
          if in_window and redis.call('HEXISTS', KEYS[k + 2], at) == 1 then redis.call('HINCRBY', KEYS[k + 2], at, dt) end
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
        local share = 64 -- QuotaScripts.LeaseShare
        local function admit()
          local now_ms, now_s, tokens, usd, ticket, expires, ask, lease, n = num(), num(), num(), num(), arg(), num(), num(), arg(), num()
          local scopes = {}
          for i = 1, n do
            local k = num() * 8
            local l = {}
            for j = 1, 8 do l[j] = num() end
            scopes[i] = {k = k, l = l}
          end
          local best_req, best_req_left, best_tok, best_tok_left = -1, -1, -1, -1
          for i, sc in ipairs(scopes) do
            local k, l = sc.k, sc.l
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
            sc.dt, sc.du, sc.mt, sc.mu = tonumber(day[1]) or 0, tonumber(day[2]) or 0, tonumber(month[1]) or 0, tonumber(month[2]) or 0
            sc.total = tonumber(redis.call('GET', KEYS[k + 5])) or 0
            if tpd >= 0 and sc.dt + tokens > tpd then return {1, i - 1, 'tokens_per_day', -1} end
            if tpmo >= 0 and sc.mt + tokens > tpmo then return {1, i - 1, 'tokens_per_month', -2} end
            if usd_day >= 0 and sc.du + usd > usd_day then return {1, i - 1, 'usd_per_day', -1} end
            if usd_month >= 0 and sc.mu + usd > usd_month then return {1, i - 1, 'usd_per_month', -2} end
            if usd_total >= 0 and sc.total + usd > usd_total then return {1, i - 1, 'usd_total', 0} end
            if par >= 0 and redis.call('ZCARD', KEYS[k + 6]) >= par then return {1, i - 1, 'max_parallel', 1000} end
          end
          local leases = {}
          for _, sc in ipairs(scopes) do
            local k = sc.k
            count(k, now_s, 1, tokens, usd)
            redis.call('ZADD', KEYS[k + 6], expires, ticket)
            redis.call('EXPIRE', KEYS[k + 6], 3600)
            redis.call('HSET', KEYS[k + 7], ticket, tokens .. ' ' .. usd .. ' ' .. now_s .. ' ' .. KEYS[k + 3] .. ' ' .. KEYS[k + 4])
            redis.call('EXPIRE', KEYS[k + 7], 3600)
          end
          local reply = {0, best_req, best_req_left, best_tok, best_tok_left}
          if ask <= 0 then return reply end
          -- A lease: up to `ask` more requests of this size, but never more than 1/share of what any limit has left,
          -- and none unless that is at least 8 requests' worth (far from every limit). Counted now, like admissions.
          for _, sc in ipairs(scopes) do
            local k, l = sc.k, sc.l
            local w = sums[k]
            local g = ask
            local function cap(room, per) if per > 0 then g = math.min(g, math.floor(room / share / per)) end end
            if l[1] >= 0 then cap(l[1] - w.ru, 1) end
            if l[2] >= 0 then cap(l[2] - w.tu, tokens) end
            if l[3] >= 0 then cap(l[3] - sc.dt - tokens, tokens) end
            if l[4] >= 0 then cap(l[4] - sc.mt - tokens, tokens) end
            if l[5] >= 0 then cap(l[5] - sc.du - usd, usd) end
            if l[6] >= 0 then cap(l[6] - sc.mu - usd, usd) end
            if l[7] >= 0 then cap(l[7] - sc.total - usd, usd) end
            if l[8] >= 0 or g < 8 then g = 0 end
            if g > 0 then
              count(k, now_s, g, g * tokens, g * usd)
              redis.call('ZADD', KEYS[k + 8], now_ms + 60000, lease)
              redis.call('EXPIRE', KEYS[k + 8], 3600)
              redis.call('HSET', KEYS[k + 7], lease, (g * tokens) .. ' ' .. (g * usd) .. ' ' .. now_s .. ' ' .. KEYS[k + 3] .. ' ' .. KEYS[k + 4] .. ' ' .. g)
              redis.call('EXPIRE', KEYS[k + 7], 3600)
            end
            reply[#reply + 1] = g
            reply[#reply + 1] = l[1] >= 0 and (l[1] - w.ru) or -1
            reply[#reply + 1] = l[2] >= 0 and (l[2] - w.tu) or -1
          end
          return reply
        end
        local function settle()
          local ticket, at, reserved_tokens, reserved_usd, tokens, usd, n = arg(), arg(), num(), num(), num(), num(), num()
          for _ = 1, n do
            local k = num() * 8
            redis.call('ZREM', KEYS[k + 6], ticket)
            -- A reservation already taken back by the expiry sweep is not subtracted twice: the usage counts whole.
            local held = redis.call('HDEL', KEYS[k + 7], ticket) == 1
            correct(k, at, tokens - (held and reserved_tokens or 0), usd - (held and reserved_usd or 0), held)
          end
          return 0
        end
        local function corrections()
          local at, tokens, usd, n = arg(), num(), num(), num()
          for _ = 1, n do correct(num() * 8, at, tokens, usd, true) end
          return 0
        end
        local function report()
          local lease, at, final, req, tokens, usd, n = arg(), arg(), num(), num(), num(), num(), num()
          for _ = 1, n do
            local k = num() * 8
            local r = redis.call('HGET', KEYS[k + 7], lease)
            if r then
              local tok, nusd, sec, dkey, mkey, held = string.match(r, '^(%-?%d+) (%-?%d+) (%d+) (%S+) (%S+) (%-?%d+)$')
              tok, nusd, held = tonumber(tok) - tokens, tonumber(nusd) - usd, tonumber(held) - req
              if final == 1 then
                -- What was never spent goes back.
                if redis.call('HEXISTS', KEYS[k + 1], at) == 1 then redis.call('HINCRBY', KEYS[k + 1], at, 0 - held) end
                correct(k, at, 0 - tok, 0 - nusd, true)
                redis.call('HDEL', KEYS[k + 7], lease)
                redis.call('ZREM', KEYS[k + 8], lease)
              else
                redis.call('HSET', KEYS[k + 7], lease, tok .. ' ' .. nusd .. ' ' .. sec .. ' ' .. dkey .. ' ' .. mkey .. ' ' .. held)
              end
            else
              -- The sweep took the whole lease back while its holder stalled: what it spent counts again.
              if redis.call('HEXISTS', KEYS[k + 1], at) == 1 then redis.call('HINCRBY', KEYS[k + 1], at, req) end
              correct(k, at, tokens, usd, true)
            end
          end
          return 0
        end
        local replies = {}
        for op = 1, tonumber(ARGV[1]) do
          local kind = arg()
          if kind == 'a' then replies[op] = admit()
          elseif kind == 's' then replies[op] = settle()
          elseif kind == 'c' then replies[op] = corrections()
          else replies[op] = report() end
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
