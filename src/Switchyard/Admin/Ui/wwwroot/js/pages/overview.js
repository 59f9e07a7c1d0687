// Today and this month at a glance: spend, requests and errors, with the last 14 days' spend.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { barChart } from '../chart.js';
import { daysAgoUtc, errorNotice, formatNumber, formatUsd, monthStartUtc, notice, pageHeader, todayUtc } from '../ui.js';

function card(label, value, note, id) {
  return h('div', { class: 'card', id }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value),
    note ? h('div', { class: 'card-note' }, note) : null);
}

function sum(rows, field) {
  return rows.reduce((total, row) => total + (Number(row[field]) || 0), 0);
}

async function usage(from, to, groupBy) {
  return api.rowsOf(await api.get(`/admin/usage${api.query({ from, to, group_by: groupBy })}`));
}

/** Failed requests today, from the request log (at most 5000 looked at). */
async function errorsToday() {
  const rows = await api.getAll('/admin/requests', { from: `${todayUtc()}T00:00:00Z` }, 5000);
  const failed = rows.filter(r => Number(r.status) >= 400).length;
  return { failed, total: rows.length, truncated: rows.truncated };
}

export async function render(container, { me }) {
  const cards = h('div', { class: 'cards' }, notice('muted', 'Loading…'));
  const chart = h('div');
  const models = h('div');
  replace(container, pageHeader('Overview', me.role === 'user' ? 'Your use of the gateway (UTC days).' : 'Spend and traffic (UTC days).'), cards, chart, models);

  const [today, month, days, errors] = await Promise.allSettled([
    usage(todayUtc(), todayUtc(), 'model'),
    usage(monthStartUtc(), todayUtc(), 'model'),
    usage(daysAgoUtc(13), todayUtc(), 'day'),
    errorsToday(),
  ]);
  if (today.status === 'rejected') {
    replace(cards, errorNotice(today.reason, 'Usage'));
  } else {
    const todayRows = today.value;
    const monthRows = month.status === 'fulfilled' ? month.value : [];
    let errorCard;
    if (errors.status === 'fulfilled') {
      const e = errors.value;
      errorCard = card('Errors today', `${e.truncated ? '≥ ' : ''}${formatNumber(e.failed)}`,
        e.total ? `${((e.failed / e.total) * 100).toFixed(1)}% of ${formatNumber(e.total)} logged` : 'no requests logged', 'card-errors');
    } else {
      errorCard = card('Errors today', '—', errors.reason?.unavailable ? 'request log not available on this server' : 'request log not readable', 'card-errors');
    }
    replace(cards,
      card('Spend today', formatUsd(sum(todayRows, 'cost_usd')), null, 'card-spend-today'),
      card('Spend this month', formatUsd(sum(monthRows, 'cost_usd')), null, 'card-spend-month'),
      card('Requests today', formatNumber(sum(todayRows, 'requests')), `${formatNumber(sum(monthRows, 'requests'))} this month`, 'card-requests'),
      card('Tokens today', formatNumber(sum(todayRows, 'input_tokens') + sum(todayRows, 'output_tokens')), 'input + output'),
      errorCard);
    const top = [...monthRows].sort((a, b) => Number(b.cost_usd) - Number(a.cost_usd)).slice(0, 8);
    replace(models, h('h2', null, 'Top models this month'), top.length
      ? h('div', { class: 'table-wrap' }, h('div', { class: 'scroll' }, h('table', { class: 'data' },
        h('thead', null, h('tr', null, h('th', null, 'Model'), h('th', { class: 'num' }, 'Requests'), h('th', { class: 'num' }, 'Tokens'), h('th', { class: 'num' }, 'Cost'))),
        h('tbody', null, ...top.map(r => h('tr', null, h('td', null, r.key ?? '—'), h('td', { class: 'num' }, formatNumber(r.requests)),
          h('td', { class: 'num' }, formatNumber(Number(r.input_tokens) + Number(r.output_tokens))), h('td', { class: 'num' }, formatUsd(r.cost_usd))))))))
      : notice('muted', 'No requests this month yet.'));
  }
  if (days.status === 'fulfilled') {
    const byDay = new Map(days.value.map(r => [String(r.key).slice(0, 10), Number(r.cost_usd) || 0]));
    const bars = [];
    for (let i = 13; i >= 0; i--) {
      const day = daysAgoUtc(i);
      bars.push({ label: day.slice(5), value: byDay.get(day) ?? 0 });
    }
    replace(chart, h('h2', null, 'Spend, last 14 days'), barChart(bars, { format: formatUsd, title: 'Spend per day, last 14 days' }));
  }
}
