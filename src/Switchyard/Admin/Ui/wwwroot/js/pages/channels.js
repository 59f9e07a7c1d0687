// Channels (super admin): upstreams with their keys' health. Upstream keys are write-only: the page shows the
// masked hints the API gives and sends new keys only when typed in; it never receives a key back.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import {
  badge, confirmDialog, dataTable, errorNotice, field, formatDate, formatNumber, formDialog, input, list, notice, pageHeader, select, sourceLabel,
} from '../ui.js';

const TYPES = ['openai', 'anthropic', 'gemini'];

function stateBadge(state) {
  const label = { ok: t('channels.state.ok'), half_open: t('channels.state.half_open'), cooling_down: t('channels.state.cooling_down'), open: t('channels.state.open'), disabled: t('channels.state.disabled') }[state] ?? state;
  return badge(label, state === 'ok' ? 'ok' : state === 'half_open' || state === 'cooling_down' ? 'warn' : 'bad');
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
  const modelMap = input('model_map', { id: 'channel-model-map', value: mapText(existing?.model_map), placeholder: t('channels.modelMapPlaceholder') });
  const groups = input('groups', { id: 'channel-groups', value: (existing?.groups ?? []).join(', '), placeholder: t('channels.groupsPlaceholder') });
  const priority = input('priority', { id: 'channel-priority', type: 'number', value: existing?.priority ?? 0 });
  const weight = input('weight', { id: 'channel-weight', type: 'number', min: '1', value: existing?.weight ?? 1 });
  // Write-only: never prefilled. Empty on edit keeps the stored keys.
  const keys = h('textarea', { name: 'keys', id: 'channel-keys', autocomplete: 'off', spellcheck: 'false', placeholder: existing ? t('channels.keysKeep') : t('channels.keysOnePerLine') });
  const hints = existing?.keys?.length
    ? t('channels.keysCurrent', { hints: existing.keys.map(k => k.key_hint ?? t('common.none')).join(', ') })
    : t('channels.keysStored');
  return {
    node: h('div', { class: 'form-grid' }, field(t('column.name'), name), field(t('column.type'), type), field(t('channels.baseUrl'), baseUrl),
      field(t('column.models'), models, t('channels.modelsHint')), field(t('channels.modelMap'), modelMap), field(t('page.groups'), groups),
      field(t('channels.priority'), priority, t('channels.priorityHint')), field(t('channels.weight'), weight),
      h('div', { class: 'wide' }, field(t('channels.upstreamKeys'), keys, hints))),
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
  // A refused save keeps everything typed (keys too) so it can be corrected; the keys leave the page once saved
  // or when the dialog closes.
  const dialog = formDialog(title, form.node, t('action.save'), async () => {
    await submit(form.read());
    form.clearSecrets();
    return true;
  });
  dialog.addEventListener('close', form.clearSecrets);
  form.focus();
}

/** One key's test outcome as a line: the key, a badge, status and latency, and the upstream's (masked) words. */
function testLine(result) {
  const outcome = result.ok ? badge(t('channels.testPassed'), 'ok') : badge(t('channels.testFailedBadge'), 'bad');
  const status = result.status === null || result.status === undefined ? t('channels.testNoAnswer') : t('channels.testStatus', { status: result.status });
  return h('li', { dataset: { key: result.key_id } }, h('code', null, result.key_hint ?? result.key_id), ' ', outcome, ' ',
    t('channels.testLatency', { status, ms: formatNumber(result.latency_ms) }),
    result.error ? h('div', { class: 'hint test-error' }, result.error) : null);
}

export async function render(container) {
  const status = h('div');
  const tableSlot = h('div', null, notice('muted', t('common.loading')));

  // A test answers with each key's outcome; the table then shows it as the key's last health check too.
  const runTest = async (channel, path, button) => {
    button.disabled = true;
    replace(status, notice('muted', t('channels.testing', { name: channel })));
    try {
      const answer = await api.post(path);
      replace(status, h('section', { class: 'panel', id: 'channel-test-result' },
        h('h3', null, t('channels.testTitle', { name: answer.channel })),
        h('ul', { class: 'plain' }, ...answer.results.map(testLine))));
      await load();
    } catch (error) {
      replace(status, errorNotice(error, t('channels.testing', { name: channel })));
    } finally {
      button.disabled = false;
    }
  };
  const testButton = (channel, path, label, data) => {
    const button = h('button', { type: 'button', class: 'secondary small', dataset: data }, label);
    button.addEventListener('click', () => runTest(channel, path, button));
    return button;
  };

  async function load() {
    let rows;
    try {
      rows = await api.getAll('/admin/channels');
    } catch (error) {
      replace(tableSlot, errorNotice(error, t('page.channels')));
      return;
    }
    replace(tableSlot, dataTable({
      id: 'channels-table',
      rows,
      search: c => `${c.name} ${c.type} ${c.base_url} ${(c.models ?? []).join(' ')}`,
      filters: [{ name: 'type', all: t('channels.anyType'), options: [...new Set(rows.map(c => c.type))], test: (c, v) => c.type === v }],
      empty: t('channels.empty'),
      columns: [
        { title: t('column.name'), value: c => c.name },
        { title: t('column.type'), value: c => c.type },
        { title: t('channels.baseUrl'), value: c => h('code', null, c.base_url) },
        { title: t('column.models'), value: c => c.models },
        { title: t('page.groups'), value: c => (c.groups?.length ? c.groups : t('common.all')) },
        { title: t('channels.priorityWeight'), class: 'num', value: c => `${c.priority} / ${c.weight}` },
        { title: t('page.keys'), value: c => h('ul', { class: 'plain' }, ...(c.keys ?? []).map((k, i) => h('li', null,
          h('code', null, k.key_hint ?? t('common.none')), ' ', stateBadge(k.state), ' ',
          testButton(c.name, `/admin/channels/${encodeURIComponent(c.name)}/keys/${i}/test`, t('channels.test'), { testKey: k.id }), ' ',
          t('channels.keyStats', { requests: formatNumber(k.requests_last_minute ?? 0), errors: formatNumber(k.errors_last_minute ?? 0) }),
          k.latency_p50_ms ? t('channels.keyLatency', { ms: formatNumber(k.latency_p50_ms) }) : '',
          k.last_health_check ? h('div', { class: 'hint' }, t(k.last_health_check.ok ? 'channels.checkOk' : 'channels.checkFailed', {
            at: formatDate(k.last_health_check.at), ms: formatNumber(k.last_health_check.latency_ms), error: k.last_health_check.error ?? k.last_health_check.status ?? '',
          })) : null))) },
        { title: t('column.source'), value: c => sourceLabel(c.source ?? 'config') },
        { title: '', class: 'row-actions', value: c => h('span', null,
          testButton(c.name, `/admin/channels/${encodeURIComponent(c.name)}/test`, t('channels.testAll'), { testChannel: c.name }),
          ...((c.source ?? 'config') !== 'api' ? [h('span', { class: 'hint' }, t('channels.editInConfig'))] : [
          h('button', { type: 'button', class: 'secondary small', onclick: () => openForm(t('channels.editTitle', { name: c.name }), c, async body => {
            await api.patch(`/admin/channels/${encodeURIComponent(c.name)}`, body);
            await load();
          }) }, t('action.edit')),
          h('button', { type: 'button', class: 'danger small', onclick: async () => {
            if (!await confirmDialog(t('channels.deleteTitle'), t('channels.deleteConfirm', { name: c.name }), t('action.delete'))) return;
            try {
              await api.del(`/admin/channels/${encodeURIComponent(c.name)}`);
              await load();
            } catch (error) {
              replace(status, errorNotice(error, t('channels.deleting')));
            }
          } }, t('action.delete'))])) },
      ],
    }));
  }

  const create = h('button', { type: 'button', class: 'primary', id: 'create-channel', onclick: () => openForm(t('channels.createTitle'), null, async body => {
    await api.post('/admin/channels', body);
    await load();
  }) }, t('channels.create'));

  replace(container, pageHeader(t('page.channels'), t('channels.subtitle'), create), status, tableSlot);
  await load();
}
