// Today and this month at a glance: spend, requests and errors, with the last 14 days' spend.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { barChart } from '../chart.js';
import { locale, t } from '../i18n.js';
import {
  daysAgoUtc, errorNotice, formatDay, formatNumber, formatUsd, monthStartUtc, notice, pageHeader, quotaTable, todayUtc,
} from '../ui.js';

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

/** The signed-in user's own limits and its group's, each with used and remaining (the master key has neither). */
async function limits(me, slot) {
  if (!me.group) return;
  const [own, group] = await Promise.allSettled([
    api.get(`/admin/users/${encodeURIComponent(me.name)}`),
    api.get(`/admin/groups/${encodeURIComponent(me.group)}/quota`),
  ]);
  const part = (title, id, answer) => h('div', { class: 'limits-part', id },
    h('h3', null, title),
    answer.status === 'rejected' ? errorNotice(answer.reason, title)
      : answer.value.quota ? quotaTable(answer.value.quota) : notice('muted', t('limits.unavailable')));
  replace(slot, h('h2', null, t('overview.limitsTitle')),
    h('div', { class: 'limits-split' },
      part(t('overview.limitsOwn'), 'limits-own', own),
      part(t('overview.limitsGroup', { group: me.group }), 'limits-group', group)));
}

export async function render(container, { me }) {
  const cards = h('div', { class: 'cards' }, notice('muted', t('common.loading')));
  const chart = h('div');
  const quota = h('div', { id: 'overview-limits' });
  const models = h('div');
  replace(container, pageHeader(t('page.overview'), me.role === 'user' ? t('overview.subtitleUser') : t('overview.subtitle')), cards, quota, chart, models);
  const quotaDrawn = limits(me, quota);

  const [today, month, days, errors] = await Promise.allSettled([
    usage(todayUtc(), todayUtc(), 'model'),
    usage(monthStartUtc(), todayUtc(), 'model'),
    usage(daysAgoUtc(13), todayUtc(), 'day'),
    errorsToday(),
  ]);
  if (today.status === 'rejected') {
    replace(cards, errorNotice(today.reason, t('page.usage')));
  } else {
    const todayRows = today.value;
    const monthRows = month.status === 'fulfilled' ? month.value : [];
    let errorCard;
    if (errors.status === 'fulfilled') {
      const e = errors.value;
      errorCard = card(t('overview.errorsToday'), `${e.truncated ? '≥ ' : ''}${formatNumber(e.failed)}`,
        e.total ? t('overview.errorShare', {
          share: new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(e.failed / e.total),
          total: formatNumber(e.total),
        }) : t('overview.noRequestsLogged'), 'card-errors');
    } else {
      errorCard = card(t('overview.errorsToday'), '—', errors.reason?.unavailable ? t('overview.logUnavailable') : t('overview.logUnreadable'), 'card-errors');
    }
    replace(cards,
      card(t('overview.spendToday'), formatUsd(sum(todayRows, 'cost_usd')), null, 'card-spend-today'),
      card(t('overview.spendMonth'), formatUsd(sum(monthRows, 'cost_usd')), null, 'card-spend-month'),
      card(t('overview.requestsToday'), formatNumber(sum(todayRows, 'requests')), t('overview.requestsMonth', { n: formatNumber(sum(monthRows, 'requests')) }), 'card-requests'),
      card(t('overview.tokensToday'), formatNumber(sum(todayRows, 'input_tokens') + sum(todayRows, 'output_tokens')), t('overview.tokensNote')),
      errorCard);
    const top = monthRows.filter(r => r.key).sort((a, b) => Number(b.cost_usd) - Number(a.cost_usd) || Number(b.requests) - Number(a.requests)).slice(0, 8);
    replace(models, h('h2', null, t('overview.topModels')), top.length
      ? h('div', { class: 'table-wrap' }, h('div', { class: 'scroll' }, h('table', { class: 'data', id: 'top-models' },
        h('thead', null, h('tr', null, h('th', null, t('column.model')), h('th', { class: 'num' }, t('column.requests')),
          h('th', { class: 'num' }, t('column.tokens')), h('th', { class: 'num' }, t('column.cost')))),
        h('tbody', null, ...top.map(r => h('tr', null, h('td', { 'data-label': t('column.model') }, r.key),
          h('td', { class: 'num', 'data-label': t('column.requests') }, formatNumber(r.requests)),
          h('td', { class: 'num', 'data-label': t('column.tokens') }, formatNumber(Number(r.input_tokens) + Number(r.output_tokens))),
          h('td', { class: 'num', 'data-label': t('column.cost') }, formatUsd(r.cost_usd))))))))
      : notice('muted', t('overview.noRequestsMonth')));
  }
  if (days.status === 'fulfilled') {
    const byDay = new Map(days.value.map(r => [String(r.key).slice(0, 10), Number(r.cost_usd) || 0]));
    const bars = [];
    for (let i = 13; i >= 0; i--) {
      const day = daysAgoUtc(i);
      bars.push({ label: formatDay(day), value: byDay.get(day) ?? 0 });
    }
    replace(chart, h('h2', null, t('overview.chartTitle')), barChart(bars, { format: formatUsd, title: t('overview.chartTitle') }));
  }
  await quotaDrawn;
}
