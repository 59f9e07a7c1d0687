// The request log: one row per request the gateway handled, newest first, filtered on the server.
import { h, replace } from '../dom.js';
import { badge, formatDate, formatNumber, formatUsd, pageHeader } from '../ui.js';
import { logTable } from './logpage.js';

function statusBadge(status) {
  const n = Number(status);
  return badge(String(status), n >= 500 || n === 499 ? 'bad' : n >= 400 ? 'warn' : 'ok');
}

export async function render(container, { me }) {
  replace(container,
    pageHeader('Request log', me.role === 'user' ? 'Your requests, newest first.' : 'Every request, newest first. Prompts are not shown here.'),
    logTable({
      path: '/admin/requests',
      what: 'The request log',
      id: 'requests-table',
      filters: [
        { name: 'from', label: 'From (UTC day)', type: 'date' },
        { name: 'key', label: 'Key' },
        ...(me.role === 'user' ? [] : [{ name: 'user', label: 'User' }, { name: 'group', label: 'Group' }]),
        { name: 'model', label: 'Model' },
        { name: 'status', label: 'Status', type: 'number', placeholder: 'e.g. 429' },
      ],
      columns: [
        { title: 'Time', value: r => formatDate(r.created_at) },
        { title: 'Status', value: r => statusBadge(r.status) },
        { title: 'Key', value: r => r.key },
        { title: 'User', value: r => r.user },
        { title: 'Group', value: r => r.group },
        { title: 'Model', value: r => (r.served_model && r.served_model !== r.requested_model ? `${r.requested_model} → ${r.served_model}` : r.requested_model) },
        { title: 'Channel', value: r => r.channel },
        { title: 'Tokens in/out', class: 'num', value: r => `${formatNumber(r.input_tokens)} / ${formatNumber(r.output_tokens)}` },
        { title: 'Cost', class: 'num', value: r => formatUsd(r.cost_usd) },
        { title: 'Latency', class: 'num', value: r => (r.latency_ms === undefined ? '—' : `${formatNumber(r.latency_ms)} ms`) },
        { title: 'Error', value: r => r.error_kind },
        { title: 'Request id', value: r => h('code', null, r.request_id ?? '') },
      ],
    }));
}
