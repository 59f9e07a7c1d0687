// Reconciliation (an upstream's usage export against the ledger, per model) and alert deliveries (super admin).
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import {
  badge, dataTable, daysAgoUtc, errorNotice, field, formatDate, formatNumber, formatUsd, input, notice, pageHeader, select,
} from '../ui.js';

const VERDICTS = { match: 'reports.match', mismatch: 'reports.mismatch', missing_in_gateway: 'reports.missingInGateway', missing_upstream: 'reports.missingUpstream' };

function verdictBadge(verdict) {
  return badge(VERDICTS[verdict] ? t(VERDICTS[verdict]) : verdict, verdict === 'match' ? 'ok' : 'bad');
}

const side = figures => (figures ? `${formatNumber(figures.input_tokens)} / ${formatNumber(figures.output_tokens)} · ${formatUsd(figures.cost_usd)}` : '—');

/** One report: its verdict and every model's two sides. */
function reportView(report) {
  return h('div', { class: 'panel', id: 'reconciliation-report' },
    h('h3', null, t('reports.reportTitle', { channel: report.channel, day: report.day }), ' ', verdictBadge(report.verdict)),
    h('div', { class: 'scroll' }, h('table', { class: 'data', id: 'reconciliation-models' },
      h('thead', null, h('tr', null, ...[t('column.model'), t('reports.verdict'), t('reports.gateway'), t('reports.upstream'), t('reports.costDifference')]
        .map(x => h('th', null, x)))),
      h('tbody', null, ...(report.models ?? []).map(m => h('tr', null,
        h('td', { 'data-label': t('column.model') }, m.model),
        h('td', { 'data-label': t('reports.verdict') }, verdictBadge(m.verdict)),
        h('td', { 'data-label': t('reports.gateway') }, side(m.gateway)),
        h('td', { 'data-label': t('reports.upstream') }, side(m.upstream)),
        h('td', { 'data-label': t('reports.costDifference') }, m.cost_usd_difference === null || m.cost_usd_difference === undefined ? '—' : formatUsd(m.cost_usd_difference))))))));
}

export async function render(container) {
  const status = h('div');
  const current = h('div');
  const listSlot = h('div', null, notice('muted', t('common.loading')));
  const alertsSlot = h('div', null, notice('muted', t('common.loading')));
  replace(container, pageHeader(t('page.reports'), t('reports.subtitle')), notice('muted', t('common.loading')));
  let channels = [];
  try {
    channels = (await api.getAll('/admin/channels')).map(c => c.name);
  } catch {
    // The form still takes a typed channel name.
  }
  const channel = channels.length ? select('channel', channels, channels[0], { id: 'reconcile-channel' }) : input('channel', { id: 'reconcile-channel', required: true });
  const day = input('day', { id: 'reconcile-day', type: 'date', required: true, value: daysAgoUtc(1) });
  const file = h('input', { type: 'file', id: 'reconcile-file', accept: '.csv,text/csv', required: true });

  const loadList = async () => {
    try {
      const reports = api.rowsOf(await api.get('/admin/reconciliation'));
      replace(listSlot, dataTable({
        id: 'reconciliation-table',
        rows: reports,
        search: r => `${r.channel} ${r.day} ${r.verdict}`,
        empty: t('reports.noReports'),
        columns: [
          { title: t('reports.day'), value: r => r.day },
          { title: t('column.channel'), value: r => r.channel },
          { title: t('reports.verdict'), value: r => verdictBadge(r.verdict) },
          { title: t('column.created'), value: r => formatDate(r.created_at) },
          { title: '', class: 'row-actions', value: r => h('span', null, h('button', { type: 'button', class: 'secondary small', onclick: async () => {
            try {
              replace(current, reportView(await api.get(`/admin/reconciliation/${encodeURIComponent(r.id)}`)));
            } catch (error) {
              replace(current, errorNotice(error, t('reports.reconciliation')));
            }
          } }, t('reports.open'))) },
        ],
      }));
    } catch (error) {
      replace(listSlot, errorNotice(error, t('reports.reconciliation')));
    }
  };

  const loadAlerts = async () => {
    try {
      const deliveries = api.rowsOf(await api.get('/admin/alerts'));
      replace(alertsSlot, dataTable({
        id: 'alerts-table',
        rows: deliveries,
        search: d => `${d.event} ${d.subject} ${d.webhook} ${d.status}`,
        empty: t('reports.noAlerts'),
        columns: [
          { title: t('column.time'), value: d => formatDate(d.time) },
          { title: t('reports.event'), value: d => d.event },
          { title: t('reports.subject'), value: d => d.subject },
          { title: t('reports.webhook'), value: d => d.webhook },
          { title: t('column.status'), value: d => badge(d.status, d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'bad' : 'warn') },
          { title: t('reports.attempts'), class: 'num', value: d => formatNumber(d.attempts) },
          { title: t('reports.lastError'), value: d => d.last_error },
        ],
      }));
    } catch (error) {
      replace(alertsSlot, errorNotice(error, t('reports.alerts')));
    }
  };

  const form = h('form', { class: 'toolbar panel', id: 'reconcile-form' },
    field(t('column.channel'), channel), field(t('reports.day'), day), field(t('reports.export'), file),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('reports.compare'))));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replace(status);
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      const report = await api.post(`/admin/reconciliation${api.query({ channel: channel.value.trim(), day: day.value })}`, await chosen.text(), { contentType: 'text/csv' });
      replace(current, reportView(report));
      await loadList();
    } catch (error) {
      replace(status, errorNotice(error, t('reports.reconciliation')));
    }
  });

  replace(container, pageHeader(t('page.reports'), t('reports.subtitle')),
    h('h2', null, t('reports.reconciliation')), h('p', { class: 'hint' }, t('reports.reconcileHint')), form, status, current, listSlot,
    h('h2', { class: 'section' }, t('reports.alerts')), alertsSlot);
  await Promise.all([loadList(), loadAlerts()]);
}
