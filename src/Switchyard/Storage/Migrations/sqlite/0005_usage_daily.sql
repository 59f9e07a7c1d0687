-- Daily sums per key, user, group, model and channel, kept by the ledger writer in the same transaction as the
-- records they sum: reports over any whole days read these instead of the request log. '' stands for "none".
CREATE TABLE usage_daily (
    day                     TEXT NOT NULL,
    key_name                TEXT NOT NULL,
    user_name               TEXT NOT NULL,
    group_name              TEXT NOT NULL,
    model                   TEXT NOT NULL,
    channel                 TEXT NOT NULL,
    requests                INTEGER NOT NULL,
    input_tokens            INTEGER NOT NULL,
    output_tokens           INTEGER NOT NULL,
    cached_tokens           INTEGER NOT NULL,
    cache_write_tokens      INTEGER NOT NULL,
    reasoning_tokens        INTEGER NOT NULL,
    cost_picousd            INTEGER NOT NULL,
    estimated_requests      INTEGER NOT NULL,
    estimated_input_tokens  INTEGER NOT NULL,
    estimated_output_tokens INTEGER NOT NULL,
    estimated_cost_picousd  INTEGER NOT NULL,
    PRIMARY KEY (day, key_name, user_name, group_name, model, channel)
) WITHOUT ROWID;

INSERT INTO usage_daily
SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch'), COALESCE(key_name, ''), COALESCE(user_name, ''),
       COALESCE(group_name, ''), COALESCE(served_model, requested_model, ''), COALESCE(channel, ''),
       COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens), SUM(cache_write_tokens), SUM(reasoning_tokens),
       SUM(cost_picousd), SUM(usage_estimated), SUM(estimated_input_tokens), SUM(estimated_output_tokens), SUM(estimated_cost_picousd)
FROM usage_records
GROUP BY 1, 2, 3, 4, 5, 6;
