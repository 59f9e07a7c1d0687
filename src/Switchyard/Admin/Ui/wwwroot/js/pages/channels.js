// Channels (super admin): upstreams with their keys' health. Upstream keys are write-only: the page shows the
// masked hints the API gives and sends new keys only when typed in; it never receives a key back.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import {
  badge, confirmDialog, dataTable, errorNotice, field, formDialog, input, list, notice, pageHeader, select,
} from '../ui.js';

const TYPES = ['openai', 'anthropic', 'gemini'];

function stateBadge(state) {
  return badge(state, state === 'ok' ? 'ok' : state === 'half_open' || state === 'cooling_down' ? 'warn' : 'bad');
}

function mapText(map) {
  return Object.entries(map ?? {}).map(([from, to]) => `${from}=${to}`).join(', ');
}

function parseMap(text) {
  const out = {};
  for (const pair of list(text)) {
    const [from, to] = pair.split('=');
    if (from && to) out[from.trim()] = to.trim();
  }
  return out;
}

function channelForm(existing) {
  const name = input('name', { id: 'channel-name', required: true, value: existing?.name ?? '', readonly: Boolean(existing) });
  const type = select('type', TYPES, existing?.type ?? 'openai', { id: 'channel-type' });
  const baseUrl = input('base_url', { id: 'channel-base-url', type: 'url', required: true, value: existing?.base_url ?? '', placeholder: 'https://api.example.com/v1' });
  const models = input('models', { id: 'channel-models', value: (existing?.models ?? []).join(', ') });
  const modelMap = input('model_map', { id: 'channel-model-map', value: mapText(existing?.model_map), placeholder: 'requested=upstream, …' });
  const groups = input('groups', { id: 'channel-groups', value: (existing?.groups ?? []).join(', '), placeholder: 'empty = every group' });
  const priority = input('priority', { id: 'channel-priority', type: 'number', value: existing?.priority ?? 0 });
  const weight = input('weight', { id: 'channel-weight', type: 'number', min: '1', value: existing?.weight ?? 1 });
  // Write-only: never prefilled. Empty on edit keeps the stored keys.
  const keys = h('textarea', { name: 'keys', id: 'channel-keys', autocomplete: 'off', spellcheck: 'false', placeholder: existing ? 'leave empty to keep the current keys' : 'one upstream key per line' });
  const hints = existing?.keys?.length
    ? `Current keys: ${existing.keys.map(k => k.key_hint ?? '(none)').join(', ')}. Keys typed here replace all of them.`
    : 'Stored encrypted; never shown again, only a masked hint.';
  return {
    node: h('div', { class: 'form-grid' }, field('Name', name), field('Type', type), field('Base URL', baseUrl),
      field('Models', models, 'upstream model names, comma-separated'), field('Model map', modelMap), field('Groups', groups),
      field('Priority', priority, 'higher tiers are tried first'), field('Weight', weight),
      h('div', { class: 'wide' }, field('Upstream keys', keys, hints))),
    read() {
      const body = {
        type: type.value, base_url: baseUrl.value.trim(), models: list(models.value), model_map: parseMap(modelMap.value),
        groups: list(groups.value), priority: Number(priority.value) || 0, weight: Number(weight.value) || 1,
      };
      if (!existing) body.name = name.value.trim();
      const typed = keys.value.split('\n').map(k => k.trim()).filter(Boolean);
      if (typed.length || !existing) body.keys = typed;
      return body;
    },
    clearSecrets() {
      keys.value = '';
    },
    focus: () => (existing ? baseUrl : name).focus(),
  };
}

function openForm(title, existing, submit) {
  const form = channelForm(existing);
  const dialog = formDialog(title, form.node, 'Save', async () => {
    const body = form.read();
    form.clearSecrets();
    await submit(body);
    return true;
  });
  dialog.addEventListener('close', form.clearSecrets);
  form.focus();
}

export async function render(container) {
  const status = h('div');
  const tableSlot = h('div', null, notice('muted', 'Loading channels…'));

  const load = async () => {
    let rows;
    try {
      rows = await api.getAll('/admin/channels');
    } catch (error) {
      replace(tableSlot, errorNotice(error, 'Channels'));
      return;
    }
    replace(tableSlot, dataTable({
      id: 'channels-table',
      rows,
      search: c => `${c.name} ${c.type} ${c.base_url} ${(c.models ?? []).join(' ')}`,
      filters: [{ name: 'type', options: [...new Set(rows.map(c => c.type))], test: (c, v) => c.type === v }],
      empty: 'No channels yet.',
      columns: [
        { title: 'Name', value: c => c.name },
        { title: 'Type', value: c => c.type },
        { title: 'Base URL', value: c => h('code', null, c.base_url) },
        { title: 'Models', value: c => c.models },
        { title: 'Groups', value: c => (c.groups?.length ? c.groups : 'all') },
        { title: 'Priority / weight', class: 'num', value: c => `${c.priority} / ${c.weight}` },
        { title: 'Keys', value: c => h('ul', { class: 'plain' }, ...(c.keys ?? []).map(k => h('li', null,
          h('code', null, k.key_hint ?? '(no key)'), ' ', stateBadge(k.state),
          ` ${k.requests_last_minute ?? 0} req/min, ${k.errors_last_minute ?? 0} errors${k.latency_p50_ms ? `, p50 ${k.latency_p50_ms} ms` : ''}`))) },
        { title: 'Source', value: c => c.source ?? 'config' },
        { title: '', class: 'row-actions', value: c => ((c.source ?? 'config') !== 'api' ? h('span', { class: 'hint' }, 'edit in the config file') : h('span', null,
          h('button', { type: 'button', class: 'secondary small', onclick: () => openForm(`Edit channel ${c.name}`, c, async body => {
            await api.patch(`/admin/channels/${encodeURIComponent(c.name)}`, body);
            await load();
          }) }, 'Edit'),
          h('button', { type: 'button', class: 'danger small', onclick: async () => {
            if (!await confirmDialog('Delete channel', `Delete channel “${c.name}”? Requests stop being routed to it.`, 'Delete')) return;
            try {
              await api.del(`/admin/channels/${encodeURIComponent(c.name)}`);
              await load();
            } catch (error) {
              replace(status, errorNotice(error, 'Deleting the channel'));
            }
          } }, 'Delete'))) },
      ],
    }));
  };

  const create = h('button', { type: 'button', class: 'primary', id: 'create-channel', onclick: () => openForm('Create a channel', null, async body => {
    await api.post('/admin/channels', body);
    await load();
  }) }, 'Create channel');

  replace(container, pageHeader('Channels', 'Upstream providers. Upstream keys are stored encrypted and shown only as masked hints.', create), status, tableSlot);
  await load();
}
