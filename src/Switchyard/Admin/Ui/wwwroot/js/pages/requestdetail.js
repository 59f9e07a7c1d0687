// One request's whole record, opened from the request log: a drawer on wide screens, a full-screen sheet on phones.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import { badge, copyButton, errorNotice, formatDate, formatNumber, formatUsd, notice } from '../ui.js';

export function statusBadge(status) {
  const n = Number(status);
  return badge(String(status), n >= 500 || n === 499 ? 'bad' : n >= 400 ? 'warn' : 'ok');
}

function ms(value) {
  return value === null || value === undefined ? null : t('common.ms', { ms: formatNumber(value) });
}

/** Label/value pairs; pairs without a value are left out, so a refusal shows no empty token or channel lines. */
function props(pairs) {
  const shown = pairs.filter(([, value]) => value !== null && value !== undefined && value !== '');
  return h('dl', { class: 'props' }, ...shown.flatMap(([label, value]) => [h('dt', null, label), h('dd', null, value)]));
}

function attemptsTable(detail) {
  const attempts = detail.attempts || [];
  if (!attempts.length) return notice('muted', t('requestDetail.noAttempts'));
  const columns = [
    [t('requestDetail.attempt'), (a, i) => formatNumber(i + 1 + (i === attempts.length - 1 ? detail.attempt_count - attempts.length : 0))],
    [t('column.channel'), a => a.channel],
    [t('requestDetail.upstreamKey'), a => h('code', { class: 'hint-key', title: a.key }, a.key_hint || a.key)],
    [t('column.model'), a => a.model],
    [t('column.status'), a => statusBadge(a.status)],
    [t('requests.latency'), a => ms(a.latency_ms)],
    [t('requests.error'), a => (a.error_kind ? h('span', null, h('code', null, a.error_kind), a.error ? h('span', { class: 'attempt-error' }, a.error) : null) : '—')],
  ];
  return h('div', { class: 'scroll' }, h('table', { class: 'data attempts', id: 'request-attempts' },
    h('thead', null, h('tr', null, ...columns.map(([title]) => h('th', { scope: 'col' }, title)))),
    h('tbody', null, ...attempts.map((a, i) => h('tr', null, ...columns.map(([title, value]) => {
      const v = value(a, i);
      return h('td', { 'data-label': title }, v ?? '—');
    }))))));
}

async function bodiesSection(detail, me) {
  if (me.role === 'user') return null;
  if (!detail.bodies) return notice('muted', t('requestDetail.noBodies'));
  const holder = h('div', { id: 'request-bodies' }, notice('muted', t('common.loading')));
  api.get(`/admin/requests/${encodeURIComponent(detail.request_id)}/bodies`).then(b => {
    const part = (title, text, truncated) => h('div', { class: 'body-part' },
      h('h4', null, title, truncated ? h('span', { class: 'muted-note' }, t('requestDetail.truncated')) : null),
      h('pre', { class: 'body-text' }, text || '—'));
    replace(holder, part(t('requestDetail.prompt'), b.prompt, b.prompt_truncated), part(t('requestDetail.completion'), b.completion, b.completion_truncated));
  }, error => replace(holder, errorNotice(error, t('requestDetail.bodies'))));
  return holder;
}

function render(detail, me) {
  const tokens = [
    [t('field.input_tokens'), formatNumber(detail.input_tokens)],
    [t('field.output_tokens'), formatNumber(detail.output_tokens)],
    [t('field.cached_tokens'), detail.cached_tokens ? formatNumber(detail.cached_tokens) : null],
    [t('field.cache_write_tokens'), detail.cache_write_tokens ? formatNumber(detail.cache_write_tokens) : null],
    [t('field.reasoning_tokens'), detail.reasoning_tokens ? formatNumber(detail.reasoning_tokens) : null],
    [t('column.cost'), formatUsd(detail.cost_usd)],
    [t('requestDetail.priceVersion'), detail.price_version ? h('code', null, detail.price_version) : null],
    [t('requestDetail.estimate'), detail.usage_estimated ? t('requestDetail.estimateText', {
      input: formatNumber(detail.estimated_input_tokens), output: formatNumber(detail.estimated_output_tokens), cost: formatUsd(detail.estimated_cost_usd),
    }) : null],
  ];
  const model = detail.served_model && detail.served_model !== detail.requested_model
    ? `${detail.requested_model ?? '—'} → ${detail.served_model}` : detail.requested_model;
  return [
    h('div', { class: 'detail-status' }, statusBadge(detail.status),
      detail.refused ? badge(t('requestDetail.refused'), 'warn') : null,
      detail.fallback_from ? badge(t('requestDetail.fellBack', { model: detail.fallback_from }), 'warn') : null),
    detail.refused ? h('p', { class: 'hint' }, t('requestDetail.refusedNote')) : null,
    detail.error ? h('div', { class: 'detail-error', role: 'note' }, h('code', null, detail.error_kind), h('p', null, detail.error)) : null,
    h('div', { class: 'detail-id' }, h('code', null, detail.request_id), copyButton(() => detail.request_id)),
    props([
      [t('column.time'), formatDate(detail.created_at)],
      [t('requestDetail.endpoint'), h('code', null, detail.endpoint)],
      [t('column.key'), detail.key],
      [t('column.user'), detail.user],
      [t('column.group'), detail.group],
      [t('column.model'), model],
      [t('requestDetail.fallbackFrom'), detail.fallback_from],
      [t('column.channel'), detail.channel],
      [t('requestDetail.route'), detail.route ? (detail.arm ? `${detail.route} / ${detail.arm}` : detail.route) : null],
      [t('requestDetail.stream'), detail.stream ? t('requestDetail.yes') : t('requestDetail.no')],
      [t('requests.latency'), ms(detail.latency_ms)],
      [t('requestDetail.ttfb'), ms(detail.ttfb_ms)],
      [t('requestDetail.note'), detail.note],
    ]),
    h('h3', null, t('requestDetail.usage')),
    props(tokens),
    h('h3', null, t('requestDetail.attempts'), detail.attempt_count > (detail.attempts || []).length
      ? h('span', { class: 'muted-note' }, t('requestDetail.attemptsKept', { kept: formatNumber(detail.attempts.length), total: formatNumber(detail.attempt_count) })) : null),
    attemptsTable(detail),
  ];
}

/** Opens the record of request `id` in a modal drawer; Escape or the close button dismisses it. */
export async function openRequestDetail(id, me) {
  const body = h('div', { class: 'drawer-body' }, notice('muted', t('common.loading')));
  const dialog = h('dialog', { class: 'drawer', id: 'request-detail', 'aria-labelledby': 'request-detail-title' },
    h('header', { class: 'drawer-head' }, h('h2', { id: 'request-detail-title' }, t('requestDetail.title')),
      h('button', { type: 'button', class: 'secondary small', id: 'request-detail-close', onclick: () => dialog.close() }, t('action.close'))),
    body);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  let detail;
  try {
    detail = await api.get(`/admin/requests/${encodeURIComponent(id)}`);
  } catch (error) {
    replace(body, errorNotice(error, t('requestDetail.title')));
    return dialog;
  }
  replace(body, ...render(detail, me));
  const bodies = await bodiesSection(detail, me);
  if (bodies) body.append(h('h3', null, t('requestDetail.bodies')), bodies);
  body.dataset.loaded = 'true';
  return dialog;
}
