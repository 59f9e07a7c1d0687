// Opening a password reset link (#/reset?token=…): set a new password without signing in. The token travels after
// '#', so browsers never send it to the server with the page; only this form posts it, once.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import { field, input, notice } from '../ui.js';

const MIN_LENGTH = 12;

function refusal(error) {
  if (error.status === 401 && error.retryAfter) return t('reset.throttled', { seconds: error.retryAfter });
  if (error.status === 401) return t('reset.invalid');
  return error.message || String(error);
}

export function renderReset(root, preferences, token) {
  document.title = t('reset.documentTitle');
  const status = h('div', { class: 'form-status' });
  const password = input('password', { id: 'reset-password', type: 'password', autocomplete: 'new-password', required: true, minlength: String(MIN_LENGTH) });
  const repeat = input('repeat', { id: 'reset-repeat', type: 'password', autocomplete: 'new-password', required: true, minlength: String(MIN_LENGTH) });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('reset.submit'));
  const form = h('form', { class: 'login-form', id: 'reset-form' },
    h('h2', null, t('reset.title')),
    h('p', { class: 'hint' }, t('reset.hint')),
    field(t('reset.password'), password, t('reset.length', { n: MIN_LENGTH })), field(t('reset.repeat'), repeat), status, submit);
  const signIn = h('button', { type: 'button', class: 'primary', id: 'reset-sign-in', onclick: () => { location.hash = '#/login'; } }, t('reset.signIn'));

  form.addEventListener('submit', async event => {
    event.preventDefault();
    if (password.value !== repeat.value) {
      replace(status, notice('error', t('reset.mismatch')));
      return;
    }
    replace(status, notice('muted', t('reset.saving')));
    submit.disabled = true;
    try {
      const answer = await api.post('/admin/password-reset', { token, password: password.value });
      replace(form, h('h2', null, t('reset.title')), notice('ok', t('reset.done', { name: answer.user })), signIn);
    } catch (error) {
      submit.disabled = false;
      replace(status, notice('error', refusal(error)));
    } finally {
      password.value = '';
      repeat.value = '';
    }
  });

  replace(root, h('div', { class: 'login' },
    h('div', { class: 'login-card' },
      h('div', { class: 'login-prefs' }, preferences),
      h('div', { class: 'brand big' }, 'Switchyard', h('span', { class: 'brand-sub' }, t('shell.admin'))),
      token ? form : h('div', { class: 'login-form' }, h('h2', null, t('reset.title')), notice('error', t('reset.noToken')), signIn))));
  (token ? password : signIn).focus();
}
