// The request log: one row per request the gateway handled, newest first, filtered on the server.
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { badge, formatDate, formatNumber, formatUsd, pageHeader } from '../ui.js';
import { logTable } from './logpage.js';

function statusBadge(status) {
  const n = Number(status);
  return badge(String(status), n >= 500 || n === 499 ? 'bad' : n >= 400 ? 'warn' : 'ok');
}

export async function render(container, { me }) {
  replace(container,
    pageHeader(t('page.requests'), me.role === 'user' ? t('requests.subtitleUser') : t('requests.subtitle')),
    logTable({
      path: '/admin/requests',
      what: t('page.requests'),
      id: 'requests-table',
      filters: [
        { name: 'from', label: t('log.fromDay'), type: 'date' },
        { name: 'key', label: t('column.key') },
        ...(me.role === 'user' ? [] : [{ name: 'user', label: t('column.user') }, { name: 'group', label: t('column.group') }]),
        { name: 'model', label: t('column.model') },
        { name: 'status', label: t('column.status'), type: 'number', placeholder: t('requests.statusPlaceholder') },
      ],
      columns: [
        { title: t('column.time'), value: r => formatDate(r.created_at) },
        { title: t('column.status'), value: r => statusBadge(r.status) },
        { title: t('column.key'), value: r => r.key },
        { title: t('column.user'), value: r => r.user },
        { title: t('column.group'), value: r => r.group },
        { title: t('column.model'), value: r => (r.served_model && r.served_model !== r.requested_model ? `${r.requested_model} → ${r.served_model}` : r.requested_model) },
        { title: t('column.channel'), value: r => r.channel },
        { title: t('requests.tokens'), class: 'num', value: r => `${formatNumber(r.input_tokens)} / ${formatNumber(r.output_tokens)}` },
        { title: t('column.cost'), class: 'num', value: r => formatUsd(r.cost_usd) },
        { title: t('requests.latency'), class: 'num', value: r => (r.latency_ms === undefined ? '—' : t('common.ms', { ms: formatNumber(r.latency_ms) })) },
        { title: t('requests.error'), value: r => r.error_kind },
        { title: t('requests.id'), value: r => h('code', null, r.request_id ?? '') },
      ],
    }));
}
