// Groups: allowed models and limits (with used and remaining). Super admins create them; group admins edit theirs.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { locale, t } from '../i18n.js';
import {
  confirmDialog, dataTable, errorNotice, field, formatDate, formDialog, input, limitsEditor, list, notice, pageHeader, quotaTable,
  sourceLabel,
} from '../ui.js';

/** The price multiplier field, for super admins only (prices are theirs); a group from the config file keeps the file's. */
function multiplierField(existing) {
  const fromConfig = existing?.source === 'config';
  const current = existing?.price_multiplier ?? 1;
  const node = input('price_multiplier', { id: 'group-multiplier', type: 'number', min: '0.0001', max: '1000', step: 'any', required: true,
    value: String(current), disabled: fromConfig });
  return {
    node: field(t('groups.multiplier'), node, fromConfig ? t('groups.multiplierInConfig') : t('groups.multiplierHint')),
    read: body => {
      const value = Number(node.value);
      if (!fromConfig && node.value !== '' && value !== Number(current)) body.price_multiplier = value;
    },
  };
}

function groupForm(me, existing) {
  const name = input('name', { id: 'group-name', required: true, value: existing?.name ?? '', readonly: Boolean(existing) });
  const models = input('models', { id: 'group-models', value: (existing?.models ?? []).join(', '), placeholder: t('groups.modelsPlaceholder') });
  const timezone = input('timezone', { id: 'group-timezone', value: existing?.timezone ?? '', placeholder: 'UTC' });
  const limits = limitsEditor(existing?.limits, 'group-limit');
  const multiplier = me.role === 'super_admin' ? multiplierField(existing) : null;
  return {
    node: h('div', { class: 'form-grid' }, field(t('column.name'), name), field(t('groups.models'), models, t('common.commaSeparated')),
      field(t('groups.timezoneField'), timezone), multiplier?.node, limits.node),
    read() {
      const body = { models: list(models.value), limits: limits.read() };
      if (!existing) body.name = name.value.trim();
      if (timezone.value.trim()) body.timezone = timezone.value.trim();
      multiplier?.read(body);
      return body;
    },
    focus: () => (existing ? models : name).focus(),
  };
}

function formatMultiplier(value) {
  const number = new Intl.NumberFormat(locale(), { maximumFractionDigits: 6 }).format(Number(value ?? 1));
  return `×${number}`;
}

async function details(groupName) {
  const body = h('div', null, notice('muted', t('common.loading')));
  const dialog = h('dialog', { class: 'dialog wide', id: 'group-details' }, h('h2', null, t('groups.detailsTitle', { name: groupName })), body,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, t('action.close'))));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    const group = await api.get(`/admin/groups/${encodeURIComponent(groupName)}`);
    replace(body,
      h('dl', { class: 'props' }, h('dt', null, t('groups.models')), h('dd', null, group.models?.length ? group.models.join(', ') : t('common.all')),
        h('dt', null, t('groups.timezone')), h('dd', null, group.timezone ?? 'UTC'), h('dt', null, t('column.updated')), h('dd', null, formatDate(group.updated_at))),
      h('h3', null, t('limits.title')), quotaTable(group.quota));
  } catch (error) {
    replace(body, errorNotice(error, t('column.group')));
  }
}

export async function render(container, { me }) {
  const status = h('div');
  const tableSlot = h('div', null, notice('muted', t('common.loading')));

  const load = async () => {
    let rows;
    try {
      rows = await api.getAll('/admin/groups');
    } catch (error) {
      replace(tableSlot, errorNotice(error, t('page.groups')));
      return;
    }
    replace(tableSlot, dataTable({
      id: 'groups-table',
      rows,
      search: g => `${g.name} ${(g.models ?? []).join(' ')}`,
      empty: t('groups.empty'),
      columns: [
        { title: t('column.name'), value: g => h('button', { type: 'button', class: 'link', onclick: () => details(g.name) }, g.name) },
        { title: t('groups.models'), value: g => (g.models?.length ? g.models : t('common.all')) },
        { title: t('column.limits'), value: g => g.limits },
        { title: t('groups.timezone'), value: g => g.timezone },
        ...(me.role === 'super_admin' ? [{ title: t('groups.multiplier'), class: 'num', value: g => formatMultiplier(g.price_multiplier) }] : []),
        { title: t('column.source'), value: g => sourceLabel(g.source) },
        { title: '', class: 'row-actions', value: g => h('span', null,
          h('button', { type: 'button', class: 'secondary small', onclick: () => details(g.name) }, t('column.limits')),
          h('button', { type: 'button', class: 'secondary small', onclick: () => {
            const form = groupForm(me, g);
            formDialog(t('groups.editTitle', { name: g.name }), form.node, t('action.save'), async () => {
              await api.patch(`/admin/groups/${encodeURIComponent(g.name)}`, form.read());
              await load();
              return true;
            });
            form.focus();
          } }, t('action.edit')),
          me.role === 'super_admin' && g.source === 'api' ? h('button', { type: 'button', class: 'danger small', onclick: async () => {
            if (!await confirmDialog(t('groups.deleteTitle'), t('groups.deleteConfirm', { name: g.name }), t('action.delete'))) return;
            try {
              await api.del(`/admin/groups/${encodeURIComponent(g.name)}`);
              await load();
            } catch (error) {
              replace(status, errorNotice(error, t('groups.deleting')));
            }
          } }, t('action.delete')) : null) },
      ],
    }));
  };

  const create = me.role === 'super_admin' ? h('button', { type: 'button', class: 'primary', id: 'create-group', onclick: () => {
    const form = groupForm(me, null);
    formDialog(t('groups.createTitle'), form.node, t('groups.create'), async () => {
      await api.post('/admin/groups', form.read());
      await load();
      return true;
    });
    form.focus();
  } }, t('groups.create')) : null;

  replace(container, pageHeader(t('page.groups'), t('groups.subtitle'), ...(create ? [create] : [])), status, tableSlot);
  await load();
}
