// The audit log: who changed what, when and from where; the hash chain can be checked and exported.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { badge, download, errorNotice, formatDate, notice, pageHeader } from '../ui.js';
import { logTable } from './logpage.js';

function changes(text) {
  if (!text) return '—';
  try {
    const value = JSON.parse(text);
    return h('code', { class: 'changes' }, JSON.stringify(value));
  } catch {
    return h('code', { class: 'changes' }, text);
  }
}

export async function render(container) {
  const status = h('div', { id: 'audit-status' });
  const verify = h('button', { type: 'button', class: 'secondary', id: 'audit-verify', onclick: async () => {
    replace(status, notice('muted', 'Checking the chain…'));
    try {
      const result = await api.get('/admin/audit/verify');
      const intact = result.intact ?? result.ok ?? result.valid;
      replace(status, intact
        ? notice('ok', `The hash chain is intact${result.entries !== undefined ? ` (${result.entries} entries)` : ''}.`)
        : notice('error', `The chain is broken${result.broken_at !== undefined ? ` at entry ${result.broken_at}` : ''}: ${result.reason ?? 'an entry was changed or removed'}.`));
    } catch (error) {
      replace(status, errorNotice(error, 'Checking the chain'));
    }
  } }, 'Verify chain');
  const exportButton = h('button', { type: 'button', class: 'secondary', id: 'audit-export', onclick: async () => {
    try {
      download(`audit-${new Date().toISOString().slice(0, 10)}.jsonl`, await api.get('/admin/audit/export', { text: true }), 'application/x-ndjson');
    } catch (error) {
      replace(status, errorNotice(error, 'Export'));
    }
  } }, 'Export (JSON lines)');

  replace(container,
    pageHeader('Audit log', 'Every change of users, groups, keys, channels, prices and limits, and every login. Append-only and hash-chained.', verify, exportButton),
    status,
    logTable({
      path: '/admin/audit',
      what: 'The audit log',
      id: 'audit-table',
      filters: [
        { name: 'from', label: 'From (UTC day)', type: 'date' },
        { name: 'actor', label: 'Actor' },
        { name: 'action', label: 'Action', placeholder: 'e.g. key.create' },
        { name: 'target_type', label: 'Target type' },
        { name: 'target', label: 'Target' },
      ],
      columns: [
        { title: '#', class: 'num', value: e => e.seq },
        { title: 'Time', value: e => formatDate(e.at) },
        { title: 'Actor', value: e => (e.actor_role ? `${e.actor} (${e.actor_role})` : e.actor) },
        { title: 'Address', value: e => e.address },
        { title: 'Action', value: e => e.action },
        { title: 'Target', value: e => (e.target ? `${e.target_type} ${e.target}` : e.target_type) },
        { title: 'Outcome', value: e => badge(e.outcome ?? '—', e.outcome === 'success' ? 'ok' : e.outcome ? 'warn' : null) },
        { title: 'Changes', value: e => changes(e.changes) },
      ],
    }));
}
