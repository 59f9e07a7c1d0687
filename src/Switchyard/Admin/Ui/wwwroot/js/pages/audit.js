// The audit log: who changed what, when and from where; the hash chain can be checked and exported.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { badge, download, errorNotice, formatDate, formatNumber, notice, pageHeader, roleLabel } from '../ui.js';
import { logTable } from './logpage.js';
import { t } from '../i18n.js';

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
    replace(status, notice('muted', t('audit.checking')));
    try {
      const result = await api.get('/admin/audit/verify');
      const intact = result.intact ?? result.ok ?? result.valid;
      replace(status, intact
        ? notice('ok', result.entries !== undefined ? t('audit.intactCount', { n: formatNumber(result.entries) }) : t('audit.intact'))
        : notice('error', t('audit.broken', { at: result.broken_at ?? '?', reason: result.reason ?? t('audit.brokenReason') })));
    } catch (error) {
      replace(status, errorNotice(error, t('audit.verify')));
    }
  } }, t('audit.verify'));
  const exportButton = h('button', { type: 'button', class: 'secondary', id: 'audit-export', onclick: async () => {
    try {
      download(`audit-${new Date().toISOString().slice(0, 10)}.jsonl`, await api.get('/admin/audit/export', { text: true }), 'application/x-ndjson');
    } catch (error) {
      replace(status, errorNotice(error, t('audit.export')));
    }
  } }, t('audit.export'));

  replace(container,
    pageHeader(t('page.audit'), t('audit.subtitle'), verify, exportButton),
    status,
    logTable({
      path: '/admin/audit',
      what: t('page.audit'),
      id: 'audit-table',
      filters: [
        { name: 'from', label: t('log.fromDay'), type: 'date' },
        { name: 'actor', label: t('audit.actor') },
        { name: 'action', label: t('audit.action'), placeholder: t('audit.actionPlaceholder') },
        { name: 'target_type', label: t('audit.targetType') },
        { name: 'target', label: t('audit.target') },
      ],
      columns: [
        { title: '#', class: 'num', value: e => e.seq },
        { title: t('column.time'), value: e => formatDate(e.at) },
        { title: t('audit.actor'), value: e => (e.actor_role ? `${e.actor} (${roleLabel(e.actor_role)})` : e.actor) },
        { title: t('audit.address'), value: e => e.address },
        { title: t('audit.action'), value: e => e.action },
        { title: t('audit.target'), value: e => (e.target ? `${e.target_type} ${e.target}` : e.target_type) },
        { title: t('audit.outcome'), value: e => badge(e.outcome === 'success' ? t('audit.success') : e.outcome ?? '—', e.outcome === 'success' ? 'ok' : e.outcome ? 'warn' : null) },
        { title: t('audit.changes'), value: e => changes(e.changes) },
      ],
    }));
}
