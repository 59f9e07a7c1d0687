// Users: who may sign in, their group, role and limits. Group admins see and manage their own group.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import {
  badge, confirmDialog, copyButton, dataTable, errorNotice, field, formatDate, formDialog, input, limitsEditor, notice, pageHeader, quotaTable,
  roleLabel, select, sourceLabel,
} from '../ui.js';

const ROLES = ['user', 'group_admin', 'super_admin'];
const roleOptions = roles => roles.map(r => [r, roleLabel(r)]);

function userForm(me, groups, existing) {
  const name = input('name', { id: 'user-name', required: true, value: existing?.name ?? '', readonly: Boolean(existing) });
  const groupNames = groups.map(g => g.name);
  const group = groupNames.length
    ? select('group', groupNames, existing?.group ?? me.group ?? groupNames[0], { id: 'user-group', disabled: me.role !== 'super_admin' })
    : input('group', { id: 'user-group', required: true, value: existing?.group ?? me.group ?? '' });
  const roles = me.role === 'super_admin' ? ROLES : ROLES.slice(0, 2);
  const role = select('role', roleOptions(roles), existing?.role ?? 'user', { id: 'user-role' });
  const password = input('password', { id: 'user-password', type: 'password', autocomplete: 'new-password', placeholder: existing ? t('users.passwordUnchanged') : t('users.passwordOptional'), minlength: '12' });
  const limits = limitsEditor(existing?.limits, 'user-limit');
  const node = h('div', { class: 'form-grid' }, field(t('column.name'), name), field(t('column.group'), group), field(t('column.role'), role),
    field(t('login.password'), password, existing?.has_password ? t('users.passwordReplace') : t('users.passwordLength')), limits.node);
  const read = () => {
    const body = { group: group.value.trim(), role: role.value, limits: limits.read() };
    if (!existing) body.name = name.value.trim();
    if (password.value) body.password = password.value;
    return body;
  };
  return { node, read, focus: () => (existing ? role : name).focus() };
}

/** Who may hand a user a reset link: as the server decides (a super admin anyone; a group admin its group's plain users). */
function mayReset(me, user) {
  return me.role === 'super_admin' || (me.role === 'group_admin' && user.group === me.group && user.role === 'user');
}

/** A new reset link, shown in this panel once; closing it drops the only copy the browser has. */
function resetPanel(created, onClose) {
  let link = created.link;
  const output = h('input', { type: 'text', readonly: true, id: 'reset-link', class: 'secret', value: link, 'aria-label': t('users.resetLink') });
  const panel = h('section', { class: 'secret-panel', id: 'reset-link-panel', role: 'alert' },
    h('h2', null, t('users.resetCreated', { name: created.user })),
    h('p', null, h('strong', null, t('users.resetCopyNow')), ' ', t('users.resetOnce', { expires: formatDate(created.expires_at) })),
    h('div', { class: 'secret-row' }, output, copyButton(() => link)),
    h('button', { type: 'button', class: 'primary', id: 'reset-link-done', onclick: () => {
      link = null;
      output.value = '';
      panel.remove();
      onClose();
    } }, t('users.resetDone')));
  output.addEventListener('focus', () => output.select());
  return panel;
}

async function details(userName) {
  const body = h('div', null, notice('muted', t('common.loading')));
  const dialog = h('dialog', { class: 'dialog wide', id: 'user-details' }, h('h2', null, t('users.detailsTitle', { name: userName })), body,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, t('action.close'))));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    const user = await api.get(`/admin/users/${encodeURIComponent(userName)}`);
    replace(body, h('h3', null, t('limits.title')), quotaTable(user.quota));
  } catch (error) {
    replace(body, errorNotice(error, t('column.user')));
  }
}

export async function render(container, { me }) {
  const status = h('div');
  const tableSlot = h('div', null, notice('muted', t('common.loading')));
  let groups = [];

  const load = async () => {
    let rows;
    try {
      rows = await api.getAll('/admin/users');
    } catch (error) {
      replace(tableSlot, errorNotice(error, t('page.users')));
      return;
    }
    try {
      groups = await api.getAll('/admin/groups');
    } catch {
      groups = [...new Set(rows.map(u => u.group))].map(name => ({ name }));
    }
    replace(tableSlot, dataTable({
      id: 'users-table',
      rows,
      search: u => `${u.name} ${u.group} ${u.role}`,
      filters: [
        { name: 'role', all: t('users.anyRole'), options: roleOptions(ROLES), test: (u, v) => u.role === v },
        { name: 'group', all: t('common.allGroups'), options: [...new Set(rows.map(u => u.group))].sort(), test: (u, v) => u.group === v },
      ],
      empty: t('users.empty'),
      columns: [
        { title: t('column.name'), value: u => h('button', { type: 'button', class: 'link', onclick: () => details(u.name) }, u.name) },
        { title: t('column.group'), value: u => u.group },
        { title: t('column.role'), value: u => badge(roleLabel(u.role), u.role === 'user' ? null : 'role') },
        { title: t('login.password'), value: u => (u.has_password ? t('users.passwordSet') : '—') },
        { title: t('users.lockedUntil'), value: u => (u.locked_until ? formatDate(u.locked_until) : '—') },
        { title: t('column.limits'), value: u => u.limits },
        { title: t('column.source'), value: u => sourceLabel(u.source) },
        { title: '', class: 'row-actions', value: u => h('span', null,
          h('button', { type: 'button', class: 'secondary small', onclick: () => {
            const form = userForm(me, groups, u);
            formDialog(t('users.editTitle', { name: u.name }), form.node, t('action.save'), async () => {
              await api.patch(`/admin/users/${encodeURIComponent(u.name)}`, form.read());
              await load();
              return true;
            });
            form.focus();
          } }, t('action.edit')),
          mayReset(me, u) ? h('button', { type: 'button', class: 'secondary small', dataset: { reset: u.name }, onclick: async () => {
            if (!await confirmDialog(t('users.resetTitle'), t('users.resetConfirm', { name: u.name }), t('users.resetIssue'), false)) return;
            try {
              const created = await api.post(`/admin/users/${encodeURIComponent(u.name)}/reset-link`);
              replace(status, resetPanel(created, () => replace(status)));
            } catch (error) {
              replace(status, errorNotice(error, t('users.resetIssuing')));
            }
          } }, t('users.reset')) : null,
          u.locked_until ? h('button', { type: 'button', class: 'secondary small', onclick: async () => {
            try {
              await api.patch(`/admin/users/${encodeURIComponent(u.name)}`, { unlock: true });
              await load();
            } catch (error) {
              replace(status, errorNotice(error, t('users.unlocking')));
            }
          } }, t('users.unlock')) : null,
          u.source === 'api' ? h('button', { type: 'button', class: 'danger small', onclick: async () => {
            if (!await confirmDialog(t('users.deleteTitle'), t('users.deleteConfirm', { name: u.name }), t('action.delete'))) return;
            try {
              await api.del(`/admin/users/${encodeURIComponent(u.name)}`);
              await load();
            } catch (error) {
              replace(status, errorNotice(error, t('users.deleting')));
            }
          } }, t('action.delete')) : null) },
      ],
    }));
  };

  const create = h('button', { type: 'button', class: 'primary', id: 'create-user', onclick: () => {
    const form = userForm(me, groups, null);
    formDialog(t('users.createTitle'), form.node, t('users.create'), async () => {
      await api.post('/admin/users', form.read());
      await load();
      return true;
    });
    form.focus();
  } }, t('users.create'));

  replace(container, pageHeader(t('page.users'), me.role === 'group_admin' ? t('users.subtitleGroup', { group: me.group }) : t('users.subtitle'), create), status, tableSlot);
  await load();
}
