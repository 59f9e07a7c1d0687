// Virtual keys: list (masked hints only), create (the secret is shown once), details with limits used and
// remaining, revoke.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import { clientSnippets } from '../snippets.js';
import {
  badge, confirmDialog, copyButton, dataTable, errorNotice, field, formatDate, formDialog, input, limitsEditor, list,
  formatDay, formatUsd, notice, pageHeader, quotaTable, select, sourceLabel,
} from '../ui.js';

function status(key) {
  if (key.revoked_at) return ['revoked', 'bad'];
  if (key.expires_at && new Date(key.expires_at) <= new Date()) return ['expired', 'warn'];
  return ['active', 'ok'];
}

function statusLabel(name) {
  return { revoked: t('keys.status.revoked'), expired: t('keys.status.expired'), active: t('keys.status.active') }[name];
}

async function optional(path) {
  try {
    return await api.getAll(path);
  } catch {
    return null;
  }
}

/** A model the new key may use, for the snippets: its own list's first plain name, else its group's first model. */
async function snippetModel(created) {
  const own = (created.models ?? []).find(m => !/[*?[]/.test(m));
  if (own) return own;
  try {
    const answer = await api.get(`/admin/groups/${encodeURIComponent(created.group)}/models`);
    return answer.data?.[0]?.name ?? 'gpt-4o-mini';
  } catch {
    return 'gpt-4o-mini';
  }
}

/** The secret of a new key, shown in this panel once; closing it drops the only copy the browser has. */
function secretPanel(created, model, onClose) {
  let secret = created.key;
  const base = location.origin;
  const output = h('input', { type: 'text', readonly: true, id: 'new-key-secret', class: 'secret', value: secret, 'aria-label': t('keys.newKey') });
  const blocks = clientSnippets(base, secret, model, t('keys.snippetPrompt')).map(([id, label, text]) => {
    let kept = text;
    const code = h('code', null, text);
    return {
      node: h('details', { class: 'snippet', id: `snippet-${id}` },
        h('summary', null, t(label)),
        h('pre', null, code),
        copyButton(() => kept)),
      drop() {
        kept = null;
        code.textContent = '';
      },
    };
  });
  const panel = h('section', { class: 'secret-panel', id: 'new-key-panel', role: 'alert' },
    h('h2', null, t('keys.created', { name: created.name })),
    h('p', null, h('strong', null, t('keys.copyNow')), ' ', t('keys.onlyHash')),
    h('div', { class: 'secret-row' }, output, copyButton(() => secret)),
    h('p', null, t('keys.baseUrl'), ' ', h('code', { id: 'new-key-base-url' }, `${base}/v1`), ' ', h('span', { class: 'hint' }, t('keys.baseUrlHint'))),
    h('div', { class: 'snippets' }, ...blocks.map(b => b.node)),
    h('button', { type: 'button', class: 'primary', id: 'new-key-done', onclick: () => {
      secret = null;
      output.value = '';
      for (const b of blocks) b.drop();
      panel.remove();
      onClose();
    } }, t('keys.stored')));
  output.addEventListener('focus', () => output.select());
  return panel;
}

async function showDetails(id) {
  const body = h('div', { class: 'details' }, notice('muted', t('common.loading')));
  const dialog = h('dialog', { class: 'dialog wide', id: 'key-details' },
    h('h2', null, t('keys.details')), body,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, t('action.close'))));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    const key = await api.get(`/admin/keys/${encodeURIComponent(id)}`);
    const [text, kind] = status(key);
    replace(body,
      h('dl', { class: 'props' },
        h('dt', null, t('column.name')), h('dd', null, key.name),
        h('dt', null, t('column.key')), h('dd', null, h('code', null, key.key_hint)),
        h('dt', null, t('column.status')), h('dd', null, badge(statusLabel(text), kind)),
        h('dt', null, t('column.group')), h('dd', null, key.group),
        h('dt', null, t('column.user')), h('dd', null, key.user || '—'),
        h('dt', null, t('column.models')), h('dd', null, key.models?.length ? key.models.join(', ') : t('keys.allGroupModels')),
        h('dt', null, t('column.expires')), h('dd', null, formatDate(key.expires_at)),
        h('dt', null, t('column.created')), h('dd', null, `${formatDate(key.created_at)} (${sourceLabel(key.source)})`)),
      h('h3', null, t('limits.title')),
      key.quota ? quotaTable(key.quota) : notice('muted', key.limits ? t('limits.unavailable') : t('keys.noLimits')));
  } catch (error) {
    replace(body, errorNotice(error, t('keys.details')));
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
    ? select('user', [['', t('common.none')], ...users.map(u => [u.name, `${u.name} (${u.group})`])], me.role === 'user' ? me.name : '', { id: 'key-user' })
    : input('user', { id: 'key-user', placeholder: t('common.optional'), value: me.role === 'user' ? me.name : '', readonly: me.role === 'user' });
  const models = input('models', { id: 'key-models', placeholder: t('keys.modelsPlaceholder') });
  const expires = input('expires', { id: 'key-expires', type: 'date' });
  const limits = limitsEditor(null, 'key-limit');
  formDialog(t('keys.createTitle'), h('div', { class: 'form-grid' },
    field(t('column.name'), name), field(t('column.group'), group), field(t('column.user'), user), field(t('column.models'), models, t('common.commaSeparated')),
    field(t('keys.expiresField'), expires), limits.node), t('keys.create'), async () => {
    const payload = { name: name.value.trim(), group: group.value.trim() };
    if (user.value.trim()) payload.user = user.value.trim();
    const modelList = list(models.value);
    if (modelList.length) payload.models = modelList;
    const limitValues = limits.read();
    if (limitValues) payload.limits = limitValues;
    if (expires.value) payload.expires_at = `${expires.value}T23:59:59Z`;
    const created = await api.post('/admin/keys', payload);
    await onCreated(created);
    return true;
  });
  name.focus();
}

/** Changes a key in place: name, models, expiry, limits and allowed IPs (the secret stays the same). */
function editDialog(key, onSaved) {
  const name = input('name', { id: 'edit-key-name', required: true, maxlength: '128', value: key.name });
  const models = input('models', { id: 'edit-key-models', placeholder: t('keys.modelsPlaceholder'), value: (key.models ?? []).join(', ') });
  const expires = input('expires', { id: 'edit-key-expires', type: 'date', value: key.expires_at ? String(key.expires_at).slice(0, 10) : '' });
  const ips = input('allowed_ips', { id: 'edit-key-ips', placeholder: t('keys.ipsPlaceholder'), value: (key.allowed_ips ?? []).join(', ') });
  const limits = limitsEditor(key.limits, 'edit-key-limit');
  formDialog(t('keys.editTitle', { name: key.name }), h('div', { class: 'form-grid' },
    field(t('column.name'), name), field(t('column.models'), models, t('common.commaSeparated')),
    field(t('keys.expiresField'), expires, t('keys.expiresHint')), field(t('keys.ips'), ips, t('common.commaSeparated')), limits.node),
  t('action.save'), async () => {
    const payload = { name: name.value.trim(), models: list(models.value), limits: limits.read() ?? {}, allowed_ips: list(ips.value) };
    if (expires.value) payload.expires_at = `${expires.value}T23:59:59Z`;
    else payload.never_expires = true;
    await api.patch(`/admin/keys/${encodeURIComponent(key.id)}`, payload);
    await onSaved();
    return true;
  });
  name.focus();
}

export async function render(container, { me }) {
  const secretSlot = h('div');
  const tableSlot = h('div', null, notice('muted', t('common.loading')));
  let groups = null;
  let users = null;

  const load = async () => {
    let rows;
    try {
      rows = await api.getAll('/admin/keys');
    } catch (error) {
      replace(tableSlot, errorNotice(error, t('page.keys')));
      return;
    }
    const groupsSeen = [...new Set(rows.map(k => k.group))].sort();
    replace(tableSlot, dataTable({
      id: 'keys-table',
      rows,
      search: k => `${k.name} ${k.key_hint} ${k.group} ${k.user ?? ''}`,
      filters: [
        { name: 'status', all: t('keys.anyStatus'), options: ['active', 'revoked', 'expired'].map(s => [s, statusLabel(s)]), test: (k, v) => status(k)[0] === v },
        { name: 'group', all: t('common.allGroups'), options: groupsSeen, test: (k, v) => k.group === v },
      ],
      empty: t('keys.empty'),
      columns: [
        { title: t('column.name'), value: k => h('button', { type: 'button', class: 'link', onclick: () => showDetails(k.id) }, k.name) },
        { title: t('column.key'), value: k => h('code', { class: 'hint-key' }, k.key_hint) },
        { title: t('column.group'), value: k => k.group },
        { title: t('column.user'), value: k => k.user },
        { title: t('column.models'), value: k => (k.models?.length ? k.models : t('common.all')) },
        { title: t('column.limits'), value: k => k.limits },
        { title: t('column.expires'), value: k => formatDate(k.expires_at) },
        { title: t('keys.lastUsed'), value: k => (k.last_used_day ? formatDay(k.last_used_day, true) : t('keys.neverUsed')) },
        { title: t('keys.spendMonth'), class: 'num', value: k => formatUsd(k.spend_this_month_usd ?? 0) },
        { title: t('column.status'), value: k => { const [s, c] = status(k); return badge(statusLabel(s), c); } },
        { title: '', class: 'row-actions', value: k => h('span', null,
          h('button', { type: 'button', class: 'secondary small', dataset: { limits: k.name }, onclick: () => showDetails(k.id) }, t('column.limits')),
          !k.revoked_at && k.source === 'api' ? h('button', { type: 'button', class: 'secondary small', dataset: { edit: k.name }, onclick: () => editDialog(k, load) }, t('action.edit')) : null,
          k.revoked_at ? null : h('button', { type: 'button', class: 'danger small', dataset: { revoke: k.name }, onclick: async () => {
            if (!await confirmDialog(t('keys.revokeTitle'), t('keys.revokeConfirm', { name: k.name, hint: k.key_hint }), t('keys.revoke'))) return;
            try {
              await api.del(`/admin/keys/${encodeURIComponent(k.id)}`);
              await load();
            } catch (error) {
              replace(secretSlot, errorNotice(error, t('keys.revoking')));
            }
          } }, t('keys.revoke'))) },
      ],
    }));
  };

  const createButton = h('button', { type: 'button', class: 'primary', id: 'create-key', onclick: async () => {
    // A user may not list groups (the API refuses it); its keys belong to its own group.
    if (groups === null) groups = me.role === 'user' ? (me.group ? [me.group] : []) : (await optional('/admin/groups')) ?? [];
    if (users === null && me.role !== 'user') users = (await optional('/admin/users')) ?? [];
    createDialog(me, groups, users, async created => {
      replace(secretSlot, secretPanel(created, await snippetModel(created), () => replace(secretSlot)));
      load();
    });
  } }, t('keys.create'));

  replace(container,
    pageHeader(t('page.keys'), me.role === 'user' ? t('keys.subtitleUser') : t('keys.subtitle'), createButton),
    secretSlot, tableSlot);
  await load();
}
