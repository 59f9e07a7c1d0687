// Usage and spend reports: a date range, one dimension to group by, a table with totals, a bar chart, CSV.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { barChart } from '../chart.js';
import { t } from '../i18n.js';
import {
  daysAgoUtc, download, errorNotice, field, fieldLabel, formatDay, formatNumber, formatUsd, input, notice, pageHeader, select, todayUtc,
} from '../ui.js';

const GROUPINGS = ['day', 'month', 'key', 'user', 'group', 'model', 'channel'];
const METRICS = ['cost_usd', 'requests', 'input_tokens', 'output_tokens'];
const NUMBERS = ['requests', 'input_tokens', 'output_tokens', 'cached_tokens', 'cache_write_tokens', 'reasoning_tokens'];
const MAX_DAYS = 400;

const groupingLabel = g => t(`usage.by.${g}`);

/** Every UTC day from `from` to `to` inclusive, so a chart by day shows the quiet days too. */
function daysBetween(from, to) {
  const days = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`) && days.length < MAX_DAYS; d = new Date(d.getTime() + 86400000)) {
    days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

export async function render(container, { params }) {
  const from = input('from', { id: 'usage-from', type: 'date', value: params.get('from') || daysAgoUtc(29) });
  const to = input('to', { id: 'usage-to', type: 'date', value: params.get('to') || todayUtc() });
  const groupBy = select('group_by', GROUPINGS.map(g => [g, groupingLabel(g)]), params.get('group_by') || 'day', { id: 'usage-group-by' });
  const metric = select('metric', METRICS.map(m => [m, fieldLabel(m)]), 'cost_usd', { id: 'usage-metric' });
  const result = h('div', { id: 'usage-result' });
  const status = h('div');
  let rows = [];
  let shown = { from: from.value, to: to.value, groupBy: groupBy.value };

  const chartBars = (sorted, m) => {
    if (shown.groupBy === 'day') {
      const byDay = new Map(rows.map(r => [String(r.key).slice(0, 10), Number(r[m]) || 0]));
      return daysBetween(shown.from, shown.to).map(day => ({ label: formatDay(day), value: byDay.get(day) ?? 0 }));
    }
    return sorted.slice(0, 60).map(r => ({ label: r.key ?? '—', value: Number(r[m]) || 0 }));
  };

  const draw = () => {
    if (!rows.length) {
      replace(result, notice('muted', t('usage.empty')));
      return;
    }
    const m = metric.value;
    const sorted = shown.groupBy === 'day' || shown.groupBy === 'month'
      ? [...rows].sort((a, b) => String(a.key).localeCompare(String(b.key)))
      : [...rows].sort((a, b) => Number(b[m]) - Number(a[m]));
    const total = name => rows.reduce((sum, r) => sum + (Number(r[name]) || 0), 0);
    const first = groupingLabel(shown.groupBy);
    const keyText = r => (r.key ? (shown.groupBy === 'day' ? formatDay(r.key) : r.key) : t('usage.unnamed'));
    replace(result,
      barChart(chartBars(sorted, m), { format: m === 'cost_usd' ? formatUsd : formatNumber, title: t('usage.chartTitle', { metric: fieldLabel(m), by: first }) }),
      h('div', { class: 'table-wrap' }, h('div', { class: 'scroll' }, h('table', { class: 'data', id: 'usage-table' },
        h('thead', null, h('tr', null, h('th', null, first),
          ...NUMBERS.map(n => h('th', { class: 'num' }, fieldLabel(n))), h('th', { class: 'num' }, fieldLabel('cost_usd')))),
        h('tbody', null, ...sorted.map(r => h('tr', null, h('td', { 'data-label': first, dataset: { key: r.key ?? '' } }, keyText(r)),
          ...NUMBERS.map(n => h('td', { class: 'num', 'data-label': fieldLabel(n) }, formatNumber(r[n]))),
          h('td', { class: 'num', 'data-label': fieldLabel('cost_usd') }, formatUsd(r.cost_usd))))),
        h('tfoot', null, h('tr', null, h('td', { 'data-label': '' }, t('usage.total')),
          ...NUMBERS.map(n => h('td', { class: 'num', 'data-label': fieldLabel(n) }, formatNumber(total(n)))),
          h('td', { class: 'num', 'data-label': fieldLabel('cost_usd') }, formatUsd(total('cost_usd')))))))));
  };

  const reportQuery = extra => api.query({ from: from.value, to: to.value, group_by: groupBy.value, ...extra });

  const load = async () => {
    replace(status);
    replace(result, notice('muted', t('common.loading')));
    history.replaceState(null, '', `#/usage${reportQuery({})}`);
    try {
      const answer = api.rowsOf(await api.get(`/admin/usage${reportQuery({})}`));
      shown = { from: from.value, to: to.value, groupBy: groupBy.value };
      rows = answer;
      draw();
    } catch (error) {
      rows = [];
      replace(result, errorNotice(error, t('page.usage')));
    }
  };

  const csvButton = h('button', { type: 'button', class: 'secondary', id: 'usage-csv', onclick: async () => {
    try {
      const text = await api.get(`/admin/usage${reportQuery({ format: 'csv' })}`, { text: true });
      download(`usage-${groupBy.value}-${from.value}-to-${to.value}.csv`, text);
    } catch (error) {
      replace(status, errorNotice(error, t('usage.csv')));
    }
  } }, t('usage.csv'));

  const form = h('form', { class: 'toolbar panel', id: 'usage-form' },
    field(t('usage.from'), from), field(t('usage.to'), to), field(t('usage.groupBy'), groupBy), field(t('usage.chart'), metric),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('usage.show')), csvButton));
  form.addEventListener('submit', event => { event.preventDefault(); load(); });
  metric.addEventListener('change', draw);
  groupBy.addEventListener('change', load);

  replace(container, pageHeader(t('page.usage'), t('usage.subtitle')), form, status, result);
  await load();
}
