// Shared pieces of every page: notices, tables with filters and pages, dialogs, form fields, formats.
import { h, replace } from './dom.js';
import { locale, t, tn } from './i18n.js';

export function notice(kind, ...text) {
  return h('p', { class: ['notice', kind], role: kind === 'error' ? 'alert' : 'status' }, ...text);
}

/** What a failed request means for the reader: not on this server yet, not allowed, or the server's message. */
export function errorNotice(error, what) {
  if (error && error.unavailable) {
    return notice('unavailable', t('error.unavailable', { what }));
  }
  if (error && error.status === 403) {
    return notice('unavailable', t('error.forbidden', { what }));
  }
  return notice('error', t('error.failed', { what, message: error && error.message ? error.message : String(error) }));
}

export function pageHeader(title, subtitle, ...actions) {
  return h('header', { class: 'page-header' },
    h('div', null, h('h1', null, title), subtitle ? h('p', { class: 'subtitle' }, subtitle) : null),
    actions.length ? h('div', { class: 'actions' }, ...actions) : null);
}

/** A compact UTC timestamp in the reader's language; the year only when it is not this year's. */
export function formatDate(value) {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const thisYear = date.getUTCFullYear() === new Date().getUTCFullYear();
  return new Intl.DateTimeFormat(locale(), {
    year: thisYear ? undefined : 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23', timeZone: 'UTC', timeZoneName: 'short',
  }).format(date);
}

/** A UTC day (YYYY-MM-DD) as the reader writes a short date. */
export function formatDay(day, withYear = false) {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return String(day);
  return new Intl.DateTimeFormat(locale(), { year: withYear ? 'numeric' : undefined, month: 'numeric', day: 'numeric', timeZone: 'UTC' }).format(date);
}

export function formatNumber(value) {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  return Number.isFinite(n) ? new Intl.NumberFormat(locale()).format(n) : String(value);
}

export function formatUsd(value) {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return new Intl.NumberFormat(locale(), {
    style: 'currency', currency: 'USD', currencyDisplay: 'narrowSymbol', minimumFractionDigits: 2,
    maximumFractionDigits: n !== 0 && Math.abs(n) < 0.01 ? 6 : 2,
  }).format(n);
}

export function formatValue(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length ? value.map(formatValue).join(', ') : '—';
  if (typeof value === 'object') {
    // Absent limits and settings come as nulls: only what is set is worth a reader's time.
    return Object.entries(value).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && !v.length))
      .map(([k, v]) => `${fieldLabel(k)} ${formatValue(v)}`).join(', ') || '—';
  }
  return String(value);
}

export function roleLabel(role) {
  return { super_admin: t('role.super_admin'), group_admin: t('role.group_admin'), user: t('role.user') }[role] || role;
}

/** Where an entity is defined: the config file or the admin API. */
export function sourceLabel(source) {
  return source === 'api' ? t('source.api') : source === 'playground' ? t('source.playground') : t('source.config');
}

export function badge(text, kind) {
  return h('span', { class: ['badge', kind] }, text);
}

export function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

export function daysAgoUtc(days) {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

export function monthStartUtc() {
  return `${todayUtc().slice(0, 7)}-01`;
}

/** A labelled input; extra attributes go to the input. */
export function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'label' }, label), input, hint ? h('span', { class: 'hint' }, hint) : null);
}

export function input(name, attrs = {}) {
  return h('input', { name, id: attrs.id ?? `f-${name}`, type: 'text', autocomplete: 'off', ...attrs });
}

export function select(name, options, selected, attrs = {}) {
  return h('select', { name, id: attrs.id ?? `f-${name}`, ...attrs },
    ...options.map(option => {
      const [value, text] = Array.isArray(option) ? option : [option, option];
      return h('option', { value, selected: value === selected }, text);
    }));
}

/** "a, b ,c" → ['a','b','c'] */
export function list(text) {
  return String(text || '').split(/[,\s]+/).map(s => s.trim()).filter(Boolean);
}

export const LIMIT_FIELDS = ['rpm', 'tpm', 'tokens_per_day', 'tokens_per_month', 'usd_per_day', 'usd_per_month', 'usd_total', 'max_parallel'];

/** The reader's label of an API field name (limits, windows): never the snake_case name itself. */
export function fieldLabel(name) {
  const key = `field.${String(name).replace(/ /g, '_')}`;
  const text = t(key);
  return text === key ? String(name).replace(/_/g, ' ') : text;
}

/** Inputs for every limit, prefilled from a limits object; read() answers the object to send (or null). */
export function limitsEditor(limits, prefix = 'limit') {
  const inputs = LIMIT_FIELDS.map(name => {
    const el = input(`${prefix}-${name}`, { type: 'number', min: '0', step: name.startsWith('usd') ? '0.01' : '1', placeholder: t('limits.none'), value: limits?.[name] ?? '' });
    return { name, label: fieldLabel(name), el };
  });
  const node = h('fieldset', { class: 'limits' }, h('legend', null, t('limits.legend')),
    h('div', { class: 'grid' }, ...inputs.map(i => field(i.label, i.el))));
  return {
    node,
    read() {
      const out = {};
      for (const i of inputs) {
        if (i.el.value !== '') out[i.name] = Number(i.el.value);
      }
      return Object.keys(out).length ? out : null;
    },
  };
}

/** Used/remaining of each limit, as the admin API's quota views give them. */
export function quotaTable(quota) {
  if (!quota || !quota.length) return notice('muted', t('limits.empty'));
  return h('table', { class: 'data quota' },
    h('thead', null, h('tr', null, ...[t('limits.limit'), t('limits.window'), t('limits.value'), t('limits.used'), t('limits.remaining'), ''].map(x => h('th', null, x)))),
    h('tbody', null, ...quota.map(q => h('tr', null,
      h('td', { 'data-label': t('limits.limit') }, fieldLabel(q.limit)), h('td', { 'data-label': t('limits.window') }, fieldLabel(q.window)),
      h('td', { class: 'num', 'data-label': t('limits.value') }, formatNumber(q.value)), h('td', { class: 'num', 'data-label': t('limits.used') }, formatNumber(q.used)),
      h('td', { class: 'num', 'data-label': t('limits.remaining') }, formatNumber(q.remaining)),
      h('td', null, h('meter', { min: '0', max: String(Number(q.value) || 1), value: String(Number(q.used) || 0), high: String((Number(q.value) || 1) * 0.8) }))))));
}

/** A modal dialog; resolves true when confirmed. */
export function confirmDialog(title, message, confirmText = t('action.confirm'), danger = true) {
  return new Promise(resolve => {
    const dialog = h('dialog', { class: 'dialog' });
    const close = result => {
      dialog.close();
      dialog.remove();
      resolve(result);
    };
    dialog.append(
      h('h2', null, title),
      h('p', null, message),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => close(false) }, t('action.cancel')),
        h('button', { type: 'button', class: danger ? 'danger' : 'primary', onclick: () => close(true) }, confirmText)));
    dialog.addEventListener('cancel', () => close(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A dialog holding a form; onSubmit answers true to close it. */
export function formDialog(title, body, submitText, onSubmit) {
  const status = h('div', { class: 'form-status' });
  const form = h('form', { class: 'dialog-form', method: 'dialog' }, h('h2', null, title), body, status,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => { dialog.close(); dialog.remove(); } }, t('action.cancel')),
      h('button', { type: 'submit', class: 'primary' }, submitText)));
  const dialog = h('dialog', { class: 'dialog wide' }, form);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replace(status);
    try {
      if (await onSubmit(status)) {
        dialog.close();
        dialog.remove();
      }
    } catch (error) {
      replace(status, errorNotice(error, t('action.saving')));
    }
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

export function copyButton(getText, label = t('action.copy')) {
  const button = h('button', { type: 'button', class: 'secondary copy' }, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(getText());
      button.textContent = t('action.copied');
    } catch {
      button.textContent = t('action.copyManually');
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
  return button;
}

/**
 * A table over rows held in memory: a text filter, optional select filters, and pages of `pageSize`.
 * columns: [{title, value: row => text|Node, class?, sort?: row => comparable}]
 */
export function dataTable({ columns, rows, pageSize = 20, filters = [], search = row => JSON.stringify(row), empty = t('table.empty'), id }) {
  let page = 0;
  const searchBox = h('input', { type: 'search', placeholder: t('table.filter'), class: 'filter', 'aria-label': t('table.filterRows') });
  const selects = filters.map(f => ({ ...f, el: select(`filter-${f.name}`, [['', f.all], ...f.options], '', { class: 'filter', 'aria-label': f.all }) }));
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const table = h('table', { class: 'data', id },
    h('thead', null, h('tr', null, ...columns.map(c => h('th', { class: c.class, scope: 'col' }, c.title)))), body);

  const visible = () => {
    const text = searchBox.value.trim().toLowerCase();
    return rows.filter(row => (!text || search(row).toLowerCase().includes(text))
      && selects.every(s => !s.el.value || s.test(row, s.el.value)));
  };

  const render = () => {
    const shown = visible();
    const pages = Math.max(1, Math.ceil(shown.length / pageSize));
    page = Math.min(page, pages - 1);
    const slice = shown.slice(page * pageSize, (page + 1) * pageSize);
    replace(body, slice.length ? slice.map(row => h('tr', null, ...columns.map(c => {
      const value = c.value(row);
      return h('td', { class: c.class, 'data-label': c.title }, value instanceof Node ? value : formatValue(value));
    }))) : h('tr', null, h('td', { colspan: String(columns.length), class: 'empty' }, rows.length ? t('table.noMatch') : empty)));
    replace(pager,
      h('span', null, shown.length !== rows.length ? tn('table.rowsOf', shown.length, { total: formatNumber(rows.length) }) : tn('table.rows', shown.length)),
      h('button', { type: 'button', class: 'secondary small', disabled: page === 0, onclick: () => { page--; render(); } }, t('table.prev')),
      h('span', null, t('table.page', { page: page + 1, pages })),
      h('button', { type: 'button', class: 'secondary small', disabled: page >= pages - 1, onclick: () => { page++; render(); } }, t('table.next')));
  };
  searchBox.addEventListener('input', () => { page = 0; render(); });
  for (const s of selects) s.el.addEventListener('change', () => { page = 0; render(); });
  render();
  return h('div', { class: 'table-wrap' },
    h('div', { class: 'toolbar' }, searchBox, ...selects.map(s => s.el)),
    h('div', { class: 'scroll' }, table), pager);
}

/** Saves text as a file the browser downloads (CSV reports, exports). */
export function download(filename, text, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: filename, class: 'hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
