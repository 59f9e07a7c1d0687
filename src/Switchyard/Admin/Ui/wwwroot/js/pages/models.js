// Models and prices (USD per million tokens), aliases and fallbacks. Super admins edit them; group admins and users
// see the models their group may use at the prices it is charged.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import {
  confirmDialog, dataTable, errorNotice, field, formatUsd, formDialog, input, list, notice, pageHeader, sourceLabel,
} from '../ui.js';

const PRICES = ['input', 'output', 'cached_input', 'cache_write', 'reasoning'];
const priceLabel = key => t(`models.price.${key}`);

function price(value) {
  return value === null || value === undefined ? '—' : formatUsd(value);
}

function modelForm(existing) {
  const name = input('name', { id: 'model-name', required: true, value: existing?.name ?? '', readonly: Boolean(existing) });
  const aliases = input('aliases', { id: 'model-aliases', value: (existing?.aliases ?? []).join(', ') });
  const fallbacks = input('fallbacks', { id: 'model-fallbacks', value: (existing?.fallbacks ?? []).join(', ') });
  const prices = PRICES.map(key => ({ key, el: input(`price-${key}`, { id: `model-price-${key}`, type: 'number', min: '0', step: 'any', value: existing?.price?.[key] ?? '', placeholder: '—' }), label: priceLabel(key) }));
  return {
    node: h('div', { class: 'form-grid' }, field(t('column.model'), name), field(t('models.aliases'), aliases, t('common.commaSeparated')),
      field(t('models.fallbacks'), fallbacks, t('models.fallbacksHint')),
      h('fieldset', { class: 'limits' }, h('legend', null, t('models.priceLegend')), h('div', { class: 'grid' }, ...prices.map(p => field(p.label, p.el))))),
    name: () => name.value.trim(),
    read() {
      const priceBody = {};
      for (const p of prices) if (p.el.value !== '') priceBody[p.key] = Number(p.el.value);
      return { aliases: list(aliases.value), fallbacks: list(fallbacks.value), price: Object.keys(priceBody).length ? priceBody : null };
    },
    focus: () => (existing ? aliases : name).focus(),
  };
}

/**
 * A group admin's or a user's view: only the models its group may use, at the prices the group is charged
 * (its price multiplier applied), read-only.
 */
async function renderForMember(container, me) {
  const tableSlot = h('div', null, notice('muted', t('common.loading')));
  const header = pageHeader(t('page.models'), t('models.subtitleMember', { group: me.group }));
  replace(container, header, tableSlot);
  let answer;
  try {
    answer = await api.get(`/admin/groups/${encodeURIComponent(me.group)}/models`);
  } catch (error) {
    replace(tableSlot, errorNotice(error, t('page.models')));
    return;
  }
  const multiplier = Number(answer.price_multiplier);
  replace(container, header,
    multiplier !== 1 ? notice('muted', t('models.multiplierNote', { multiplier: String(answer.price_multiplier) })) : null,
    dataTable({
      id: 'member-models-table',
      rows: answer.data,
      search: m => `${m.name} ${m.model}`,
      empty: t('models.noneUsable'),
      columns: [
        { title: t('models.requestAs'), value: m => h('code', null, m.name) },
        { title: t('column.model'), value: m => (m.model === m.name ? '' : m.model) },
        ...PRICES.map(key => ({ title: priceLabel(key), class: 'num', value: m => price(m.price?.[key]) })),
      ],
    }));
}

export async function render(container, { me }) {
  if (me.role !== 'super_admin' && me.group) {
    await renderForMember(container, me);
    return;
  }
  const status = h('div');
  const tableSlot = h('div', null, notice('muted', t('common.loading')));
  const editable = me.role === 'super_admin';

  const edit = existing => {
    const form = modelForm(existing);
    formDialog(existing ? t('users.editTitle', { name: existing.name }) : t('models.addTitle'), form.node, t('action.save'), async () => {
      await api.request('PUT', `/admin/models/${encodeURIComponent(form.name())}`, form.read());
      await load();
      return true;
    });
    form.focus();
  };

  async function load() {
    let rows;
    try {
      rows = await api.getAll('/admin/models');
    } catch (error) {
      replace(tableSlot, errorNotice(error, t('page.models')));
      return;
    }
    replace(tableSlot, dataTable({
      id: 'models-table',
      rows,
      search: m => `${m.name} ${(m.aliases ?? []).join(' ')}`,
      empty: t('models.empty'),
      columns: [
        { title: t('column.model'), value: m => m.name },
        { title: t('models.aliases'), value: m => m.aliases },
        ...PRICES.map(key => ({ title: priceLabel(key), class: 'num', value: m => price(m.price?.[key]) })),
        { title: t('models.fallbacks'), value: m => m.fallbacks },
        { title: t('column.source'), value: m => sourceLabel(m.source) },
        { title: '', class: 'row-actions', value: m => (!editable ? '' : h('span', null,
          h('button', { type: 'button', class: 'secondary small', onclick: () => edit(m) }, t('action.edit')),
          m.source === 'api' ? h('button', { type: 'button', class: 'danger small', onclick: async () => {
            if (!await confirmDialog(t('models.deleteTitle'), t('models.deleteConfirm', { name: m.name }), t('action.delete'))) return;
            try {
              await api.del(`/admin/models/${encodeURIComponent(m.name)}`);
              await load();
            } catch (error) {
              replace(status, errorNotice(error, t('models.deleting')));
            }
          } }, t('action.delete')) : null)) },
      ],
    }));
  }

  const add = editable ? h('button', { type: 'button', class: 'primary', id: 'add-model', onclick: () => edit(null) }, t('models.add')) : null;
  replace(container, pageHeader(t('page.models'), t('models.subtitle'), ...(add ? [add] : [])), status, tableSlot);
  await load();
}
