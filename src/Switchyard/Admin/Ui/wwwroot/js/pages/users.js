// Users: who may sign in, their group, role and limits. Group admins see and manage their own group.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import {
  badge, confirmDialog, dataTable, errorNotice, field, formatDate, formDialog, input, limitsEditor, notice, pageHeader, quotaTable, select,
} from '../ui.js';

const ROLES = [['user', 'User'], ['group_admin', 'Group admin'], ['super_admin', 'Super admin']];

function userForm(me, groups, existing) {
  const name = input('name', { id: 'user-name', required: true, value: existing?.name ?? '', readonly: Boolean(existing) });
  const groupNames = groups.map(g => g.name);
  const group = groupNames.length
    ? select('group', groupNames, existing?.group ?? me.group ?? groupNames[0], { id: 'user-group', disabled: me.role !== 'super_admin' })
    : input('group', { id: 'user-group', required: true, value: existing?.group ?? me.group ?? '' });
  const roles = me.role === 'super_admin' ? ROLES : ROLES.slice(0, 2);
  const role = select('role', roles, existing?.role ?? 'user', { id: 'user-role' });
  const password = input('password', { id: 'user-password', type: 'password', autocomplete: 'new-password', placeholder: existing ? 'unchanged' : 'optional: lets the user sign in here', minlength: '8' });
  const limits = limitsEditor(existing?.limits, 'user-limit');
  const node = h('div', { class: 'form-grid' }, field('Name', name), field('Group', group), field('Role', role),
    field('Password', password, existing?.has_password ? 'The user has a password; type a new one to replace it.' : 'At least 8 characters.'), limits.node);
  const read = () => {
    const body = { group: group.value.trim(), role: role.value, limits: limits.read() };
    if (!existing) body.name = name.value.trim();
    if (password.value) body.password = password.value;
    return body;
  };
  return { node, read, focus: () => (existing ? role : name).focus() };
}

async function details(userName) {
  const body = h('div', null, notice('muted', 'Loading…'));
  const dialog = h('dialog', { class: 'dialog wide', id: 'user-details' }, h('h2', null, `User ${userName}`), body,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Close')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    const user = await api.get(`/admin/users/${encodeURIComponent(userName)}`);
    replace(body, h('h3', null, 'Limits: used and remaining'), quotaTable(user.quota));
  } catch (error) {
    replace(body, errorNotice(error, 'The user'));
  }
}

export async function render(container, { me }) {
  const status = h('div');
  const tableSlot = h('div', null, notice('muted', 'Loading users…'));
  let groups = [];

  const load = async () => {
    let rows;
    try {
      rows = await api.getAll('/admin/users');
    } catch (error) {
      replace(tableSlot, errorNotice(error, 'Users'));
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
        { name: 'role', all: 'Any role', options: ROLES, test: (u, v) => u.role === v },
        { name: 'group', options: [...new Set(rows.map(u => u.group))].sort(), test: (u, v) => u.group === v },
      ],
      empty: 'No users yet.',
      columns: [
        { title: 'Name', value: u => h('button', { type: 'button', class: 'link', onclick: () => details(u.name) }, u.name) },
        { title: 'Group', value: u => u.group },
        { title: 'Role', value: u => badge(ROLES.find(r => r[0] === u.role)?.[1] ?? u.role, u.role === 'user' ? null : 'role') },
        { title: 'Password', value: u => (u.has_password ? 'set' : '—') },
        { title: 'Locked until', value: u => (u.locked_until ? formatDate(u.locked_until) : '—') },
        { title: 'Limits', value: u => u.limits },
        { title: 'Source', value: u => u.source },
        { title: '', class: 'row-actions', value: u => h('span', null,
          h('button', { type: 'button', class: 'secondary small', onclick: () => {
            const form = userForm(me, groups, u);
            formDialog(`Edit ${u.name}`, form.node, 'Save', async () => {
              await api.patch(`/admin/users/${encodeURIComponent(u.name)}`, form.read());
              await load();
              return true;
            });
            form.focus();
          } }, 'Edit'),
          u.locked_until ? h('button', { type: 'button', class: 'secondary small', onclick: async () => {
            try {
              await api.patch(`/admin/users/${encodeURIComponent(u.name)}`, { unlock: true });
              await load();
            } catch (error) {
              replace(status, errorNotice(error, 'Unlocking'));
            }
          } }, 'Unlock') : null,
          u.source === 'api' ? h('button', { type: 'button', class: 'danger small', onclick: async () => {
            if (!await confirmDialog('Delete user', `Delete user “${u.name}”? It must have no active keys.`, 'Delete')) return;
            try {
              await api.del(`/admin/users/${encodeURIComponent(u.name)}`);
              await load();
            } catch (error) {
              replace(status, errorNotice(error, 'Deleting the user'));
            }
          } }, 'Delete') : null) },
      ],
    }));
  };

  const create = h('button', { type: 'button', class: 'primary', id: 'create-user', onclick: () => {
    const form = userForm(me, groups, null);
    formDialog('Create a user', form.node, 'Create user', async () => {
      await api.post('/admin/users', form.read());
      await load();
      return true;
    });
    form.focus();
  } }, 'Create user');

  replace(container, pageHeader('Users', me.role === 'group_admin' ? `Users of group ${me.group}.` : 'People and apps that own keys; admins and passwords for signing in here.', create), status, tableSlot);
  await load();
}
