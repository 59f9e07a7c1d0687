// Groups: allowed models and limits (with used and remaining). Super admins create them; group admins edit theirs.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import {
  confirmDialog, dataTable, errorNotice, field, formatDate, formDialog, input, limitsEditor, list, notice, pageHeader, quotaTable,
} from '../ui.js';

function groupForm(existing) {
  const name = input('name', { id: 'group-name', required: true, value: existing?.name ?? '', readonly: Boolean(existing) });
  const models = input('models', { id: 'group-models', value: (existing?.models ?? []).join(', '), placeholder: 'empty = every model' });
  const timezone = input('timezone', { id: 'group-timezone', value: existing?.timezone ?? '', placeholder: 'UTC' });
  const limits = limitsEditor(existing?.limits, 'group-limit');
  return {
    node: h('div', { class: 'form-grid' }, field('Name', name), field('Allowed models', models, 'comma-separated'),
      field('Time zone (daily and monthly limits)', timezone), limits.node),
    read() {
      const body = { models: list(models.value), limits: limits.read() };
      if (!existing) body.name = name.value.trim();
      if (timezone.value.trim()) body.timezone = timezone.value.trim();
      return body;
    },
    focus: () => (existing ? models : name).focus(),
  };
}

async function details(groupName) {
  const body = h('div', null, notice('muted', 'Loading…'));
  const dialog = h('dialog', { class: 'dialog wide', id: 'group-details' }, h('h2', null, `Group ${groupName}`), body,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Close')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    const group = await api.get(`/admin/groups/${encodeURIComponent(groupName)}`);
    replace(body,
      h('dl', { class: 'props' }, h('dt', null, 'Allowed models'), h('dd', null, group.models?.length ? group.models.join(', ') : 'all'),
        h('dt', null, 'Time zone'), h('dd', null, group.timezone ?? 'UTC'), h('dt', null, 'Updated'), h('dd', null, formatDate(group.updated_at))),
      h('h3', null, 'Limits: used and remaining'), quotaTable(group.quota));
  } catch (error) {
    replace(body, errorNotice(error, 'The group'));
  }
}

export async function render(container, { me }) {
  const status = h('div');
  const tableSlot = h('div', null, notice('muted', 'Loading groups…'));

  const load = async () => {
    let rows;
    try {
      rows = await api.getAll('/admin/groups');
    } catch (error) {
      replace(tableSlot, errorNotice(error, 'Groups'));
      return;
    }
    replace(tableSlot, dataTable({
      id: 'groups-table',
      rows,
      search: g => `${g.name} ${(g.models ?? []).join(' ')}`,
      empty: 'No groups yet.',
      columns: [
        { title: 'Name', value: g => h('button', { type: 'button', class: 'link', onclick: () => details(g.name) }, g.name) },
        { title: 'Allowed models', value: g => (g.models?.length ? g.models : 'all') },
        { title: 'Limits', value: g => g.limits },
        { title: 'Time zone', value: g => g.timezone },
        { title: 'Source', value: g => g.source },
        { title: '', class: 'row-actions', value: g => h('span', null,
          h('button', { type: 'button', class: 'secondary small', onclick: () => details(g.name) }, 'Limits'),
          h('button', { type: 'button', class: 'secondary small', onclick: () => {
            const form = groupForm(g);
            formDialog(`Edit group ${g.name}`, form.node, 'Save', async () => {
              await api.patch(`/admin/groups/${encodeURIComponent(g.name)}`, form.read());
              await load();
              return true;
            });
            form.focus();
          } }, 'Edit'),
          me.role === 'super_admin' && g.source === 'api' ? h('button', { type: 'button', class: 'danger small', onclick: async () => {
            if (!await confirmDialog('Delete group', `Delete group “${g.name}”? It must have no users or active keys.`, 'Delete')) return;
            try {
              await api.del(`/admin/groups/${encodeURIComponent(g.name)}`);
              await load();
            } catch (error) {
              replace(status, errorNotice(error, 'Deleting the group'));
            }
          } }, 'Delete') : null) },
      ],
    }));
  };

  const create = me.role === 'super_admin' ? h('button', { type: 'button', class: 'primary', id: 'create-group', onclick: () => {
    const form = groupForm(null);
    formDialog('Create a group', form.node, 'Create group', async () => {
      await api.post('/admin/groups', form.read());
      await load();
      return true;
    });
    form.focus();
  } }, 'Create group') : null;

  replace(container, pageHeader('Groups', 'Departments or teams: which models they may use and how much.', ...(create ? [create] : [])), status, tableSlot);
  await load();
}
