#!/usr/bin/env bash
# The 1M-record month report on PostgreSQL: a throwaway schema gets the gateway's migrations, a month of one million
# request records, and the daily rollups the ledger writer would have kept for them (the same sums, computed here in
# one statement instead of batch by batch); then the month report's query runs with EXPLAIN ANALYZE, and the same
# report straight over the records for comparison. Usage: bench/LedgerReport/run.sh [postgres-url] [records]
set -euo pipefail
cd "$(dirname "$0")/../.."
URL="${1:-${SWITCHYARD_TEST_POSTGRES:-postgres://switchyard:switchyard@127.0.0.1:55432/switchyard_test}}"
RECORDS="${2:-1000000}"
PSQL="$(ls /usr/lib/postgresql/*/bin/psql | head -n 1)"
SCHEMA="bench_ledger_$$"
run() { PGOPTIONS="-c search_path=$SCHEMA" "$PSQL" "$URL" -v ON_ERROR_STOP=1 -q "$@"; }
"$PSQL" "$URL" -q -c "CREATE SCHEMA $SCHEMA"
trap '"$PSQL" "$URL" -q -c "DROP SCHEMA $SCHEMA CASCADE"' EXIT
for f in src/Switchyard/Storage/Migrations/postgres/*.sql; do run -f "$f"; done
# November 2026, as the gateway creates it at start.
for m in 10 11 12; do
  from=$(date -ud "2026-$m-01" +%s)000; to=$(date -ud "2026-$m-01 +1 month" +%s)000
  run -c "CREATE TABLE usage_records_2026$m PARTITION OF usage_records FOR VALUES FROM ($from) TO ($to)"
done
start=$(date -ud 2026-11-01 +%s)000
echo "inserting $RECORDS records into November 2026 ..."
run -c "
INSERT INTO usage_records (request_id, created_at, endpoint, key_name, user_name, group_name, requested_model, served_model,
    channel, status, input_tokens, output_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost_picousd,
    latency_ms, stream, price_version)
SELECT 'req_' || g, $start + (g::bigint * 2592000000 / $RECORDS), 'chat.completions', 'key-' || (g % 200), 'user-' || (g % 50),
    'group-' || (g % 8), m, m, 'channel-' || (g % 4), 200, 500 + g % 1000, 50 + g % 300, g % 200, 0, g % 40,
    (500 + g % 1000) * 2500000 + (50 + g % 300) * 10000000, 800, true, 'pv_0123456789abcdef'
FROM generate_series(1::bigint, $RECORDS) g, LATERAL (SELECT (ARRAY['gpt-4o','gpt-4o-mini','claude-sonnet-4-5','deepseek-chat','qwen-plus'])[1 + g % 5] AS m) models"
run -c "
INSERT INTO usage_daily
SELECT to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), COALESCE(key_name, ''), COALESCE(user_name, ''),
       COALESCE(group_name, ''), COALESCE(served_model, requested_model, ''), COALESCE(channel, ''),
       COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens), SUM(cache_write_tokens), SUM(reasoning_tokens),
       SUM(cost_picousd), SUM(CASE WHEN usage_estimated THEN 1 ELSE 0 END), SUM(estimated_input_tokens),
       SUM(estimated_output_tokens), SUM(estimated_cost_picousd)
FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6"
run -c "VACUUM ANALYZE usage_records" -c "VACUUM ANALYZE usage_daily"
run -c "SELECT (SELECT COUNT(*) FROM usage_records) AS records, (SELECT COUNT(*) FROM usage_daily) AS rollup_rows"
report="SELECT model AS dimension, COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(input_tokens), 0) AS input_tokens,
  COALESCE(SUM(output_tokens), 0) AS output_tokens, COALESCE(SUM(cached_tokens), 0) AS cached_tokens,
  COALESCE(SUM(cache_write_tokens), 0) AS cache_write_tokens, COALESCE(SUM(reasoning_tokens), 0) AS reasoning_tokens,
  COALESCE(SUM(cost_picousd), 0) AS cost_picousd, COALESCE(SUM(estimated_requests), 0) AS estimated_requests,
  COALESCE(SUM(estimated_input_tokens), 0) AS estimated_input_tokens, COALESCE(SUM(estimated_output_tokens), 0) AS estimated_output_tokens,
  COALESCE(SUM(estimated_cost_picousd), 0) AS estimated_cost_picousd
FROM usage_daily WHERE day >= '2026-11-01' AND day < '2026-12-01' GROUP BY model"
echo "== month report, group_by=model, from the rollups (what GET /admin/usage runs) =="
run -c "EXPLAIN (ANALYZE, BUFFERS) $report"
run -c "\\timing on" -c "$report"
echo "== the same sums straight over the records, for comparison =="
run -c "EXPLAIN (ANALYZE) SELECT COALESCE(served_model, requested_model, '') AS dimension, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cost_picousd)
FROM usage_records WHERE created_at >= $start AND created_at < $(date -ud 2026-12-01 +%s)000 GROUP BY 1"
