// The request log: one row per request the gateway handled, newest first, filtered on the server.
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { badge, formatDate, formatNumber, formatUsd, pageHeader } from '../ui.js';
import { logTable } from './logpage.js';
import { openRequestDetail, statusBadge } from './requestdetail.js';

/**
 * The id's last characters open the detail, which shows it whole: a full id (36 characters that cannot wrap
 * sensibly) would take a fifth of the table at 1400 px.
 */
function idButton(row, me) {
  const id = String(row.request_id ?? '');
  return h('button', { type: 'button', class: 'link request-open', title: id, 'aria-label': t('requests.open', { id }), onclick: () => openRequestDetail(id, me) },
    h('code', null, `…${id.slice(-8)}`));
}

export async function render(container, { me }) {
  replace(container,
    pageHeader(t('page.requests'), me.role === 'user' ? t('requests.subtitleUser') : t('requests.subtitle')),
    logTable({
      path: '/admin/requests',
      what: t('page.requests'),
      id: 'requests-table',
      onOpen: row => openRequestDetail(row.request_id, me),
      filters: [
        { name: 'from', label: t('log.fromDay'), type: 'date' },
        { name: 'key', label: t('column.key') },
        ...(me.role === 'user' ? [] : [{ name: 'user', label: t('column.user') }, { name: 'group', label: t('column.group') }]),
        { name: 'model', label: t('column.model') },
        { name: 'status', label: t('column.status'), type: 'number', placeholder: t('requests.statusPlaceholder') },
      ],
      columns: [
        { title: t('column.time'), class: 'nowrap', value: r => formatDate(r.created_at) },
        { title: t('column.status'), value: r => statusBadge(r.status) },
        { title: t('column.key'), value: r => r.key },
        { title: t('column.user'), value: r => r.user },
        { title: t('column.group'), value: r => r.group },
        { title: t('column.model'), value: r => (r.served_model && r.served_model !== r.requested_model ? `${r.requested_model} → ${r.served_model}` : r.requested_model) },
        { title: t('column.channel'), value: r => r.channel },
        { title: t('requests.tokens'), class: 'num', value: r => `${formatNumber(r.input_tokens)} / ${formatNumber(r.output_tokens)}` },
        { title: t('column.cost'), class: 'num', value: r => formatUsd(r.cost_usd) },
        { title: t('requests.latency'), class: 'num', value: r => (r.latency_ms === undefined ? '—' : t('common.ms', { ms: formatNumber(r.latency_ms) })) },
        { title: t('requests.error'), value: r => (r.refused ? h('span', null, r.error_kind, ' ', badge(t('requests.refused'), 'warn')) : r.error_kind) },
        { title: t('requests.id'), class: 'request-id', value: r => idButton(r, me) },
      ],
    }));
}
