// Virtual keys: list (masked hints only), create (the secret is shown once), details with limits used and
// remaining, revoke.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import {
  badge, confirmDialog, copyButton, dataTable, errorNotice, field, formatDate, formDialog, input, limitsEditor, list,
  notice, pageHeader, quotaTable, select,
} from '../ui.js';

function status(key) {
  if (key.revoked_at) return ['revoked', 'bad'];
  if (key.expires_at && new Date(key.expires_at) <= new Date()) return ['expired', 'warn'];
  return ['active', 'ok'];
}

async function optional(path) {
  try {
    return await api.getAll(path);
  } catch {
    return null;
  }
}

/** The secret of a new key, shown in this panel once; closing it drops the only copy the browser has. */
function secretPanel(created, onClose) {
  let secret = created.key;
  const output = h('input', { type: 'text', readonly: true, id: 'new-key-secret', class: 'secret', value: secret, 'aria-label': 'New key' });
  const panel = h('section', { class: 'secret-panel', id: 'new-key-panel', role: 'alert' },
    h('h2', null, `Key “${created.name}” created`),
    h('p', null, h('strong', null, 'Copy it now: this is the only time it is shown. '), 'Switchyard stores only a hash and cannot show it again.'),
    h('div', { class: 'secret-row' }, output, copyButton(() => secret)),
    h('button', { type: 'button', class: 'primary', id: 'new-key-done', onclick: () => {
      secret = null;
      output.value = '';
      panel.remove();
      onClose();
    } }, 'I have stored it'));
  output.addEventListener('focus', () => output.select());
  return panel;
}

async function showDetails(id) {
  const body = h('div', { class: 'details' }, notice('muted', 'Loading…'));
  const dialog = h('dialog', { class: 'dialog wide', id: 'key-details' },
    h('h2', null, 'Key details'), body,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Close')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    const key = await api.get(`/admin/keys/${encodeURIComponent(id)}`);
    const [text, kind] = status(key);
    replace(body,
      h('dl', { class: 'props' },
        h('dt', null, 'Name'), h('dd', null, key.name),
        h('dt', null, 'Key'), h('dd', null, h('code', null, key.key_hint)),
        h('dt', null, 'Status'), h('dd', null, badge(text, kind)),
        h('dt', null, 'Group'), h('dd', null, key.group),
        h('dt', null, 'User'), h('dd', null, key.user || '—'),
        h('dt', null, 'Models'), h('dd', null, key.models?.length ? key.models.join(', ') : 'all the group allows'),
        h('dt', null, 'Expires'), h('dd', null, formatDate(key.expires_at)),
        h('dt', null, 'Created'), h('dd', null, `${formatDate(key.created_at)} (${key.source})`)),
      h('h3', null, 'Limits: used and remaining'),
      key.quota ? quotaTable(key.quota) : notice('muted', key.limits ? 'Current use is unavailable right now.' : 'This key has no limits of its own.'));
  } catch (error) {
    replace(body, errorNotice(error, 'Key details'));
  }
}

function createDialog(me, groups, users, onCreated) {
  const name = input('name', { id: 'key-name', required: true, maxlength: '128' });
  const groupNames = groups ?? [];
  const group = groupNames.length
    ? select('group', groupNames.map(g => g.name ?? g), me.group ?? groupNames[0]?.name ?? groupNames[0], { id: 'key-group' })
    : input('group', { id: 'key-group', required: true, value: me.group ?? '' });
  if (me.role !== 'super_admin' && me.group) group.disabled = true;
  const user = users && users.length && me.role !== 'user'
    ? select('user', [['', '(none)'], ...users.map(u => [u.name, `${u.name} (${u.group})`])], me.role === 'user' ? me.name : '', { id: 'key-user' })
    : input('user', { id: 'key-user', placeholder: 'optional', value: me.role === 'user' ? me.name : '', readonly: me.role === 'user' });
  const models = input('models', { id: 'key-models', placeholder: 'empty = every model the group allows' });
  const expires = input('expires', { id: 'key-expires', type: 'date' });
  const limits = limitsEditor(null, 'key-limit');
  formDialog('Create a key', h('div', { class: 'form-grid' },
    field('Name', name), field('Group', group), field('User', user), field('Models', models, 'comma-separated'),
    field('Expires (UTC, end of day)', expires), limits.node), 'Create key', async () => {
    const payload = { name: name.value.trim(), group: group.value.trim() };
    if (user.value.trim()) payload.user = user.value.trim();
    const modelList = list(models.value);
    if (modelList.length) payload.models = modelList;
    const limitValues = limits.read();
    if (limitValues) payload.limits = limitValues;
    if (expires.value) payload.expires_at = `${expires.value}T23:59:59Z`;
    const created = await api.post('/admin/keys', payload);
    onCreated(created);
    return true;
  });
  name.focus();
}

export async function render(container, { me }) {
  const secretSlot = h('div');
  const tableSlot = h('div', null, notice('muted', 'Loading keys…'));
  let groups = null;
  let users = null;

  const load = async () => {
    let rows;
    try {
      rows = await api.getAll('/admin/keys');
    } catch (error) {
      replace(tableSlot, errorNotice(error, 'Keys'));
      return;
    }
    const groupsSeen = [...new Set(rows.map(k => k.group))].sort();
    replace(tableSlot, dataTable({
      id: 'keys-table',
      rows,
      search: k => `${k.name} ${k.key_hint} ${k.group} ${k.user ?? ''}`,
      filters: [
        { name: 'status', all: 'Any status', options: ['active', 'revoked', 'expired'], test: (k, v) => status(k)[0] === v },
        { name: 'group', options: groupsSeen, test: (k, v) => k.group === v },
      ],
      empty: 'No keys yet.',
      columns: [
        { title: 'Name', value: k => h('button', { type: 'button', class: 'link', onclick: () => showDetails(k.id) }, k.name) },
        { title: 'Key', value: k => h('code', { class: 'hint-key' }, k.key_hint) },
        { title: 'Group', value: k => k.group },
        { title: 'User', value: k => k.user },
        { title: 'Models', value: k => (k.models?.length ? k.models : 'all') },
        { title: 'Limits', value: k => k.limits },
        { title: 'Expires', value: k => formatDate(k.expires_at) },
        { title: 'Status', value: k => { const [t, c] = status(k); return badge(t, c); } },
        { title: '', class: 'row-actions', value: k => h('span', null,
          h('button', { type: 'button', class: 'secondary small', onclick: () => showDetails(k.id) }, 'Limits'),
          k.revoked_at ? null : h('button', { type: 'button', class: 'danger small', dataset: { revoke: k.name }, onclick: async () => {
            if (!await confirmDialog('Revoke key', `Revoke “${k.name}” (${k.key_hint})? Requests with it are refused from then on; this cannot be undone.`, 'Revoke')) return;
            try {
              await api.del(`/admin/keys/${encodeURIComponent(k.id)}`);
              await load();
            } catch (error) {
              replace(secretSlot, errorNotice(error, 'Revoking the key'));
            }
          } }, 'Revoke')) },
      ],
    }));
  };

  const createButton = h('button', { type: 'button', class: 'primary', id: 'create-key', onclick: async () => {
    if (groups === null) groups = (await optional('/admin/groups')) ?? [];
    if (users === null && me.role !== 'user') users = (await optional('/admin/users')) ?? [];
    createDialog(me, groups, users, created => {
      replace(secretSlot, secretPanel(created, () => replace(secretSlot)));
      load();
    });
  } }, 'Create key');

  replace(container,
    pageHeader('Keys', me.role === 'user' ? 'Your virtual keys.' : 'Virtual keys handed to people and apps. Secrets are shown once, at creation.', createButton),
    secretSlot, tableSlot);
  await load();
}
