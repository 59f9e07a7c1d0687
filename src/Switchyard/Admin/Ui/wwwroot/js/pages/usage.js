// Usage and spend reports: a date range, one dimension to group by, a table with totals, a bar chart, CSV.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { barChart } from '../chart.js';
import { daysAgoUtc, download, errorNotice, field, formatNumber, formatUsd, input, notice, pageHeader, select, todayUtc } from '../ui.js';

const GROUPINGS = [['day', 'Day'], ['month', 'Month'], ['key', 'Key'], ['user', 'User'], ['group', 'Group'], ['model', 'Model'], ['channel', 'Channel']];
const METRICS = [['cost_usd', 'Cost (USD)'], ['requests', 'Requests'], ['input_tokens', 'Input tokens'], ['output_tokens', 'Output tokens']];
const NUMBERS = ['requests', 'input_tokens', 'output_tokens', 'cached_tokens', 'cache_write_tokens', 'reasoning_tokens'];

export async function render(container, { params }) {
  const from = input('from', { id: 'usage-from', type: 'date', value: params.get('from') || daysAgoUtc(29) });
  const to = input('to', { id: 'usage-to', type: 'date', value: params.get('to') || todayUtc() });
  const groupBy = select('group_by', GROUPINGS, params.get('group_by') || 'day', { id: 'usage-group-by' });
  const metric = select('metric', METRICS, 'cost_usd', { id: 'usage-metric' });
  const result = h('div', { id: 'usage-result' });
  const status = h('div');
  let rows = [];

  const draw = () => {
    if (!rows.length) {
      replace(result, notice('muted', 'No usage in this range.'));
      return;
    }
    const m = metric.value;
    const isMoney = m === 'cost_usd';
    const sorted = groupBy.value === 'day' || groupBy.value === 'month'
      ? [...rows].sort((a, b) => String(a.key).localeCompare(String(b.key)))
      : [...rows].sort((a, b) => Number(b[m]) - Number(a[m]));
    const total = field => rows.reduce((t, r) => t + (Number(r[field]) || 0), 0);
    replace(result,
      barChart(sorted.slice(0, 60).map(r => ({ label: r.key ?? '—', value: Number(r[m]) || 0 })),
        { format: isMoney ? formatUsd : formatNumber, title: `${METRICS.find(x => x[0] === m)[1]} by ${groupBy.value}` }),
      h('div', { class: 'table-wrap' }, h('div', { class: 'scroll' }, h('table', { class: 'data', id: 'usage-table' },
        h('thead', null, h('tr', null, h('th', null, GROUPINGS.find(g => g[0] === groupBy.value)[1]),
          ...NUMBERS.map(n => h('th', { class: 'num' }, n.replace(/_/g, ' '))), h('th', { class: 'num' }, 'cost'))),
        h('tbody', null, ...sorted.map(r => h('tr', null, h('td', { 'data-label': 'key' }, r.key ?? '—'),
          ...NUMBERS.map(n => h('td', { class: 'num', 'data-label': n }, formatNumber(r[n]))),
          h('td', { class: 'num', 'data-label': 'cost' }, formatUsd(r.cost_usd))))),
        h('tfoot', null, h('tr', null, h('td', null, 'Total'), ...NUMBERS.map(n => h('td', { class: 'num' }, formatNumber(total(n)))),
          h('td', { class: 'num' }, formatUsd(total('cost_usd')))))))));
  };

  const reportQuery = extra => api.query({ from: from.value, to: to.value, group_by: groupBy.value, ...extra });

  const load = async () => {
    replace(status);
    replace(result, notice('muted', 'Loading…'));
    history.replaceState(null, '', `#/usage${reportQuery({})}`);
    try {
      rows = api.rowsOf(await api.get(`/admin/usage${reportQuery({})}`));
      draw();
    } catch (error) {
      rows = [];
      replace(result, errorNotice(error, 'Usage'));
    }
  };

  const csvButton = h('button', { type: 'button', class: 'secondary', id: 'usage-csv', onclick: async () => {
    try {
      const text = await api.get(`/admin/usage${reportQuery({ format: 'csv' })}`, { text: true });
      download(`usage-${groupBy.value}-${from.value}-to-${to.value}.csv`, text);
    } catch (error) {
      replace(status, errorNotice(error, 'CSV download'));
    }
  } }, 'Download CSV');

  const form = h('form', { class: 'toolbar panel', id: 'usage-form' },
    field('From', from), field('To (inclusive)', to), field('Group by', groupBy), field('Chart', metric),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show'), csvButton));
  form.addEventListener('submit', event => { event.preventDefault(); load(); });
  metric.addEventListener('change', draw);
  groupBy.addEventListener('change', load);

  replace(container, pageHeader('Usage', 'Requests, tokens and cost from the ledger. Days are UTC.'), form, status, result);
  await load();
}
