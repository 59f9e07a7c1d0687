// Routing rules and A/B splits in the order they are tried, with each arm's figures for a date range. Super admins
// change the rules stored through the admin API: split percentages, on/off, order, deletion and new rules.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import {
  badge, confirmDialog, daysAgoUtc, errorNotice, field, fieldLabel, formatNumber, formatUsd, formDialog, input, notice, pageHeader,
  sourceLabel, todayUtc,
} from '../ui.js';

const ARM_NUMBERS = ['requests', 'errors', 'latency_p50_ms', 'latency_p95_ms', 'ttft_p50_ms', 'ttft_p95_ms', 'input_tokens', 'output_tokens'];

const ms = value => (value === null || value === undefined ? '—' : t('routes.ms', { n: formatNumber(value) }));

/** What a rule looks at, in a few words: the conditions that are set. */
function conditions(when) {
  const parts = [];
  for (const [name, value] of Object.entries(when?.headers ?? {})) parts.push(`${name}: ${value}`);
  if (when?.groups?.length) parts.push(t('routes.when.groups', { list: when.groups.join(', ') }));
  if (when?.keys?.length) parts.push(t('routes.when.keys', { list: when.keys.join(', ') }));
  if (when?.protocols?.length) parts.push(t('routes.when.protocols', { list: when.protocols.join(', ') }));
  if (when?.min_prompt_tokens !== null && when?.min_prompt_tokens !== undefined) parts.push(t('routes.when.minTokens', { n: formatNumber(when.min_prompt_tokens) }));
  if (when?.max_prompt_tokens !== null && when?.max_prompt_tokens !== undefined) parts.push(t('routes.when.maxTokens', { n: formatNumber(when.max_prompt_tokens) }));
  for (const feature of ['tools', 'images', 'reasoning']) {
    if (when?.[feature] === true || when?.[feature] === false) parts.push(t(`routes.when.${feature}.${when[feature]}`));
  }
  return parts.length ? parts.join(' · ') : t('routes.when.any');
}

function destination(target) {
  const parts = [];
  if (target?.model) parts.push(target.model);
  if (target?.channels?.length) parts.push(t('routes.channels', { list: target.channels.join(', ') }));
  return parts.join(' · ') || '—';
}

/** A target, or each arm of a split with its share. */
function sends(rule) {
  if (!rule.split) return destination(rule.target);
  return h('ul', { class: 'arms' }, ...rule.split.arms.map(arm => h('li', { dataset: { arm: arm.name } },
    h('strong', null, `${arm.name} ${formatNumber(arm.percent)}%`), ' → ', destination(arm))));
}

/** One number input per arm; they must add up to 100 (the server checks it too). */
function splitForm(rule) {
  const inputs = rule.split.arms.map((arm, i) => ({
    arm,
    el: input(`percent-${i}`, { id: `split-percent-${i}`, type: 'number', min: '0', max: '100', step: '0.01', value: String(arm.percent), required: true }),
  }));
  return {
    node: h('div', { class: 'form-grid' }, ...inputs.map(p => field(t('routes.armPercent', { arm: p.arm.name }), p.el))),
    read: () => ({ split: { ...rule.split, arms: inputs.map(p => ({ ...p.arm, percent: Number(p.el.value) })) } }),
    focus: () => inputs[0]?.el.focus(),
  };
}

function createForm() {
  const text = h('textarea', { id: 'route-json', name: 'rule', rows: '10', spellcheck: 'false', class: 'code', required: true });
  return {
    node: h('div', null, field(t('routes.ruleJson'), text, t('routes.ruleJsonHint'))),
    read: () => JSON.parse(text.value),
    focus: () => text.focus(),
  };
}

export async function render(container, { me }) {
  const editable = me.role === 'super_admin';
  const status = h('div', { id: 'routes-status' });
  const rulesSlot = h('div', null, notice('muted', t('common.loading')));
  const armsSlot = h('div', null, notice('muted', t('common.loading')));
  const from = input('from', { id: 'routes-from', type: 'date', value: daysAgoUtc(6) });
  const to = input('to', { id: 'routes-to', type: 'date', value: todayUtc() });
  let rules = [];

  const act = async (what, run) => {
    replace(status);
    try {
      await run();
      await loadRules();
    } catch (error) {
      replace(status, errorNotice(error, what));
    }
  };

  const move = (rule, step) => act(t('routes.reordering'), async () => {
    const names = rules.filter(r => r.source === 'api').map(r => r.name);
    const at = names.indexOf(rule.name);
    [names[at], names[at + step]] = [names[at + step], names[at]];
    await api.request('PUT', '/admin/routes/order', { names });
  });

  const editSplit = rule => {
    const form = splitForm(rule);
    formDialog(t('routes.splitTitle', { name: rule.name }), form.node, t('action.save'), async () => {
      await api.request('PATCH', `/admin/routes/${encodeURIComponent(rule.name)}`, form.read());
      await loadRules();
      return true;
    });
    form.focus();
  };

  const create = () => {
    const form = createForm();
    formDialog(t('routes.createTitle'), form.node, t('action.save'), async status => {
      let body;
      try {
        body = form.read();
      } catch {
        replace(status, notice('error', t('routes.badJson')));
        return false;
      }
      await api.request('POST', '/admin/routes', body);
      await loadRules();
      return true;
    });
    form.focus();
  };

  const actions = rule => {
    if (!editable || rule.source !== 'api') return rule.source === 'api' ? '' : h('span', { class: 'muted' }, t('routes.readOnly'));
    const stored = rules.filter(r => r.source === 'api');
    const at = stored.indexOf(rule);
    const path = `/admin/routes/${encodeURIComponent(rule.name)}`;
    return h('span', { class: 'route-actions' },
      h('button', { type: 'button', class: 'secondary small', 'aria-label': t('routes.moveUp', { name: rule.name }), disabled: at <= 0, dataset: { act: 'up' }, onclick: () => move(rule, -1) }, '↑'),
      h('button', { type: 'button', class: 'secondary small', 'aria-label': t('routes.moveDown', { name: rule.name }), disabled: at >= stored.length - 1, dataset: { act: 'down' }, onclick: () => move(rule, 1) }, '↓'),
      rule.split ? h('button', { type: 'button', class: 'secondary small', dataset: { act: 'split' }, onclick: () => editSplit(rule) }, t('routes.editSplit')) : null,
      h('button', { type: 'button', class: 'secondary small', dataset: { act: 'toggle' },
        onclick: () => act(t('action.saving'), () => api.request('PATCH', path, { enabled: !rule.enabled })) }, rule.enabled ? t('routes.disable') : t('routes.enable')),
      h('button', { type: 'button', class: 'danger small', dataset: { act: 'delete' }, onclick: async () => {
        if (!await confirmDialog(t('routes.deleteTitle'), t('routes.deleteConfirm', { name: rule.name }), t('action.delete'))) return;
        await act(t('routes.deleting'), () => api.del(path));
      } }, t('action.delete')));
  };

  async function loadRules() {
    try {
      rules = api.rowsOf(await api.get('/admin/routes'));
    } catch (error) {
      replace(rulesSlot, errorNotice(error, t('page.routes')));
      return;
    }
    if (!rules.length) {
      replace(rulesSlot, notice('info', t('routes.empty')));
      return;
    }
    const columns = [t('routes.order'), t('routes.rule'), t('column.model'), t('routes.when'), t('routes.sends'), t('routes.state'), t('column.source'), ''];
    replace(rulesSlot, h('div', { class: 'table-wrap' }, h('div', { class: 'scroll' }, h('table', { class: 'data', id: 'routes-table' },
      h('thead', null, h('tr', null, ...columns.map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', null, ...rules.map((rule, i) => h('tr', { dataset: { rule: rule.name } },
        h('td', { class: 'num', 'data-label': columns[0] }, String(i + 1)),
        h('td', { 'data-label': columns[1] }, h('strong', null, rule.name)),
        h('td', { 'data-label': columns[2] }, rule.model),
        h('td', { 'data-label': columns[3] }, conditions(rule.when)),
        h('td', { 'data-label': columns[4] }, sends(rule)),
        h('td', { 'data-label': columns[5] }, rule.enabled ? badge(t('routes.on'), 'ok') : badge(t('routes.off'), 'warn')),
        h('td', { 'data-label': columns[6] }, sourceLabel(rule.source)),
        h('td', { class: 'row-actions', 'data-label': '' }, actions(rule)))))))));
  }

  async function loadArms() {
    replace(armsSlot, notice('muted', t('common.loading')));
    let rows;
    try {
      rows = api.rowsOf(await api.get(`/admin/usage${api.query({ group_by: 'arm', from: from.value, to: to.value })}`));
    } catch (error) {
      replace(armsSlot, errorNotice(error, t('routes.armsTitle')));
      return;
    }
    if (!rows.length) {
      replace(armsSlot, notice('info', t('routes.armsEmpty')));
      return;
    }
    const label = name => t(`routes.figure.${name}`);
    replace(armsSlot, h('div', { class: 'table-wrap' }, h('div', { class: 'scroll' }, h('table', { class: 'data', id: 'arms-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('routes.rule')), h('th', { scope: 'col' }, t('routes.arm')),
        ...ARM_NUMBERS.map(n => h('th', { class: 'num', scope: 'col' }, label(n))), h('th', { class: 'num', scope: 'col' }, fieldLabel('cost_usd')))),
      h('tbody', null, ...rows.map(r => h('tr', { dataset: { key: r.key } },
        h('td', { 'data-label': t('routes.rule') }, r.route),
        h('td', { 'data-label': t('routes.arm') }, r.arm ?? '—'),
        ...ARM_NUMBERS.map(n => h('td', { class: 'num', 'data-label': label(n) }, n.endsWith('_ms') ? ms(r[n]) : formatNumber(r[n]))),
        h('td', { class: 'num', 'data-label': fieldLabel('cost_usd') }, formatUsd(r.cost_usd)))))))));
  }

  const range = h('form', { class: 'toolbar', id: 'routes-range', onsubmit: event => { event.preventDefault(); loadArms(); } },
    field(t('usage.from'), from), field(t('usage.to'), to), h('button', { type: 'submit', class: 'primary' }, t('routes.show')));
  const add = editable ? h('button', { type: 'button', class: 'primary', id: 'add-route', onclick: create }, t('routes.add')) : null;
  replace(container, pageHeader(t('page.routes'), t('routes.subtitle'), ...(add ? [add] : [])), status, rulesSlot,
    h('section', { class: 'panel arms-panel' }, h('h2', null, t('routes.armsTitle')), range, armsSlot));
  await Promise.all([loadRules(), loadArms()]);
}
