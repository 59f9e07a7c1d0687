// Models and prices (USD per million tokens), aliases and fallbacks. Super admins edit them.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { confirmDialog, dataTable, errorNotice, field, formDialog, input, list, notice, pageHeader } from '../ui.js';

const PRICES = [['input', 'Input'], ['output', 'Output'], ['cached_input', 'Cached input'], ['cache_write', 'Cache write'], ['reasoning', 'Reasoning']];

function price(value) {
  return value === null || value === undefined ? '—' : `$${value}`;
}

function modelForm(existing) {
  const name = input('name', { id: 'model-name', required: true, value: existing?.name ?? '', readonly: Boolean(existing) });
  const aliases = input('aliases', { id: 'model-aliases', value: (existing?.aliases ?? []).join(', ') });
  const fallbacks = input('fallbacks', { id: 'model-fallbacks', value: (existing?.fallbacks ?? []).join(', ') });
  const prices = PRICES.map(([key, label]) => ({ key, el: input(`price-${key}`, { id: `model-price-${key}`, type: 'number', min: '0', step: 'any', value: existing?.price?.[key] ?? '', placeholder: '—' }), label }));
  return {
    node: h('div', { class: 'form-grid' }, field('Model', name), field('Aliases', aliases, 'comma-separated'), field('Fallbacks', fallbacks, 'tried in order'),
      h('fieldset', { class: 'limits' }, h('legend', null, 'Price, USD per 1M tokens'), h('div', { class: 'grid' }, ...prices.map(p => field(p.label, p.el))))),
    name: () => name.value.trim(),
    read() {
      const priceBody = {};
      for (const p of prices) if (p.el.value !== '') priceBody[p.key] = Number(p.el.value);
      return { aliases: list(aliases.value), fallbacks: list(fallbacks.value), price: Object.keys(priceBody).length ? priceBody : null };
    },
    focus: () => (existing ? aliases : name).focus(),
  };
}

export async function render(container, { me }) {
  const status = h('div');
  const tableSlot = h('div', null, notice('muted', 'Loading models…'));
  const editable = me.role === 'super_admin';

  const edit = existing => {
    const form = modelForm(existing);
    formDialog(existing ? `Edit ${existing.name}` : 'Add a model', form.node, 'Save', async () => {
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
      replace(tableSlot, errorNotice(error, 'Models and prices'));
      return;
    }
    replace(tableSlot, dataTable({
      id: 'models-table',
      rows,
      search: m => `${m.name} ${(m.aliases ?? []).join(' ')}`,
      empty: 'No model settings yet.',
      columns: [
        { title: 'Model', value: m => m.name },
        { title: 'Aliases', value: m => m.aliases },
        ...PRICES.map(([key, label]) => ({ title: label, class: 'num', value: m => price(m.price?.[key]) })),
        { title: 'Fallbacks', value: m => m.fallbacks },
        { title: 'Source', value: m => m.source },
        { title: '', class: 'row-actions', value: m => (!editable ? '' : h('span', null,
          h('button', { type: 'button', class: 'secondary small', onclick: () => edit(m) }, 'Edit'),
          m.source === 'api' ? h('button', { type: 'button', class: 'danger small', onclick: async () => {
            if (!await confirmDialog('Delete model settings', `Delete the stored settings of “${m.name}”?`, 'Delete')) return;
            try {
              await api.del(`/admin/models/${encodeURIComponent(m.name)}`);
              await load();
            } catch (error) {
              replace(status, errorNotice(error, 'Deleting'));
            }
          } }, 'Delete') : null)) },
      ],
    }));
  }

  const add = editable ? h('button', { type: 'button', class: 'primary', id: 'add-model', onclick: () => edit(null) }, 'Add model') : null;
  replace(container, pageHeader('Models & prices', 'Prices are USD per million tokens; a request is charged at the price in force when it ran.', ...(add ? [add] : [])), status, tableSlot);
  await load();
}
