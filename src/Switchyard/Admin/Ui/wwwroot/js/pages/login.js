// Sign-in: name and password (a session cookie), or an admin key kept for this browser tab only.
import { h, replace } from '../dom.js';
import * as session from '../session.js';
import { t } from '../i18n.js';
import { field, input, notice } from '../ui.js';

function passwordMessage(error) {
  if (error.unavailable) return t('login.passwordUnavailable');
  // Every refused login answers 401; a Retry-After comes only while this address is held back after failures.
  if (error.status === 401 && error.retryAfter) return t('login.throttled', { seconds: error.retryAfter });
  if (error.status === 401) return t('login.wrongPassword');
  return error.message || String(error);
}

export function renderLogin(root, preferences, onSignedIn) {
  document.title = t('login.documentTitle');
  const passwordStatus = h('div', { class: 'form-status' });
  const keyStatus = h('div', { class: 'form-status' });
  const name = input('name', { id: 'login-name', autocomplete: 'username', required: true });
  const password = input('password', { id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
  const key = input('admin-key', { id: 'login-key', type: 'password', autocomplete: 'off', required: true, placeholder: 'sk-…' });

  const passwordForm = h('form', { class: 'login-form', id: 'password-login' },
    h('h2', null, t('login.title')),
    field(t('login.name'), name), field(t('login.password'), password), passwordStatus,
    h('button', { type: 'submit', class: 'primary' }, t('login.submit')));
  passwordForm.addEventListener('submit', async event => {
    event.preventDefault();
    replace(passwordStatus, notice('muted', t('login.signingIn')));
    try {
      await session.logInWithPassword(name.value.trim(), password.value);
      password.value = '';
      await onSignedIn();
    } catch (error) {
      password.value = '';
      replace(passwordStatus, notice('error', passwordMessage(error)));
    }
  });

  const keyForm = h('form', { class: 'login-form', id: 'key-login' },
    h('h2', null, t('login.keyTitle')),
    h('p', { class: 'hint' }, t('login.keyHint')),
    field(t('login.key'), key), keyStatus,
    h('button', { type: 'submit', class: 'secondary' }, t('login.useKey')));
  keyForm.addEventListener('submit', async event => {
    event.preventDefault();
    replace(keyStatus, notice('muted', t('login.checkingKey')));
    const secret = key.value.trim();
    key.value = '';
    try {
      await session.logInWithKey(secret);
      await onSignedIn();
    } catch (error) {
      replace(keyStatus, notice('error', error.status === 401 ? t('login.keyRefused') : error.message || String(error)));
    }
  });

  replace(root, h('div', { class: 'login' },
    h('div', { class: 'login-card' },
      h('div', { class: 'login-prefs' }, preferences),
      h('div', { class: 'brand big' }, 'Switchyard', h('span', { class: 'brand-sub' }, t('shell.admin'))),
      passwordForm,
      h('div', { class: 'divider' }, h('span', null, t('login.or'))),
      keyForm)));
  name.focus();
}
