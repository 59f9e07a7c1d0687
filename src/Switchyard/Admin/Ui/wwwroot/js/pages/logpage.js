// A server-paged log (request log, audit log): filters go to the server, pages follow next_cursor.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { t, tn } from '../i18n.js';
import { errorNotice, field, formatValue, input, notice } from '../ui.js';

/**
 * filters: [{name, label, type?, placeholder?}] become query parameters (a date means from that UTC day on);
 * columns: [{title, value: row => text|Node, class?}]; onOpen(row), when given, opens a row's detail on a click on the
 * row (a button in the row opens it from the keyboard). Answers the node.
 */
export function logTable({ path, what, filters, columns, pageSize = 50, id, onOpen }) {
  const inputs = filters.map(f => ({ ...f, el: input(f.name, { id: `${id}-${f.name}`, type: f.type || 'text', placeholder: f.placeholder || '' }) }));
  const body = h('div', null, notice('muted', t('common.loading')));
  const pager = h('div', { class: 'pager' });
  let cursors = [null];
  let page = 0;

  const params = () => {
    const out = { limit: pageSize };
    for (const f of inputs) {
      const v = f.el.value.trim();
      if (v) out[f.name] = f.type === 'date' ? `${v}T00:00:00Z` : v;
    }
    return out;
  };

  const load = async () => {
    replace(body, notice('muted', t('common.loading')));
    let answer;
    try {
      answer = await api.get(path + api.query({ ...params(), cursor: cursors[page] }));
    } catch (error) {
      replace(body, errorNotice(error, what));
      replace(pager);
      return;
    }
    const rows = api.rowsOf(answer);
    const next = api.nextCursorOf(answer);
    cursors[page + 1] = next;
    replace(body, h('div', { class: 'scroll' }, h('table', { class: 'data', id },
      h('thead', null, h('tr', null, ...columns.map(c => h('th', { class: c.class, scope: 'col' }, c.title)))),
      h('tbody', null, rows.length ? rows.map(row => h('tr', onOpen ? {
        class: 'openable',
        onclick: event => { if (!event.target.closest('button, a') && !window.getSelection()?.toString()) onOpen(row); },
      } : null, ...columns.map(c => {
        const value = c.value(row);
        return h('td', { class: c.class, 'data-label': c.title }, value instanceof Node ? value : formatValue(value));
      }))) : h('tr', null, h('td', { colspan: String(columns.length), class: 'empty' }, t('log.noMatch')))))));
    replace(pager,
      h('span', null, tn('log.entries', rows.length)),
      h('button', { type: 'button', class: 'secondary small', disabled: page === 0, onclick: () => { page--; load(); } }, t('log.newer')),
      h('span', null, t('log.page', { page: page + 1 })),
      h('button', { type: 'button', class: 'secondary small', disabled: !next, onclick: () => { page++; load(); } }, t('log.older')));
  };

  const form = h('form', { class: 'toolbar' }, ...inputs.map(f => field(f.label, f.el)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('log.filter'))));
  form.addEventListener('submit', event => {
    event.preventDefault();
    cursors = [null];
    page = 0;
    load();
  });
  load();
  return h('div', { class: 'table-wrap' }, form, body, pager);
}
