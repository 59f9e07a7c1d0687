// Sign-in: name and password (a session cookie), or an admin key kept for this browser tab only.
import { h, replace } from '../dom.js';
import * as session from '../session.js';
import { field, input, notice } from '../ui.js';

function passwordMessage(error) {
  if (error.unavailable) return 'Password login is not available on this server yet: use an admin key.';
  // Every refused login answers 401; a Retry-After comes only while this address is held back after failures.
  if (error.status === 401 && error.retryAfter) return `Too many failed attempts from here. Try again in ${error.retryAfter} s.`;
  if (error.status === 401) return 'Wrong name or password.';
  return error.message || String(error);
}

export function renderLogin(root, onSignedIn) {
  document.title = 'Sign in · Switchyard admin';
  const passwordStatus = h('div', { class: 'form-status' });
  const keyStatus = h('div', { class: 'form-status' });
  const name = input('name', { id: 'login-name', autocomplete: 'username', required: true });
  const password = input('password', { id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
  const key = input('admin-key', { id: 'login-key', type: 'password', autocomplete: 'off', required: true, placeholder: 'sk-…' });

  const passwordForm = h('form', { class: 'login-form', id: 'password-login' },
    h('h2', { title: '登录' }, 'Sign in'),
    field('Name', name), field('Password', password), passwordStatus,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  passwordForm.addEventListener('submit', async event => {
    event.preventDefault();
    replace(passwordStatus, notice('muted', 'Signing in…'));
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
    h('h2', null, 'Use an admin key'),
    h('p', { class: 'hint' }, 'The master key or an admin user\'s key. It is kept in this tab only (sessionStorage) and forgotten when the tab closes or you log out.'),
    field('Admin key', key), keyStatus,
    h('button', { type: 'submit', class: 'secondary' }, 'Use key'));
  keyForm.addEventListener('submit', async event => {
    event.preventDefault();
    replace(keyStatus, notice('muted', 'Checking the key…'));
    const secret = key.value.trim();
    key.value = '';
    try {
      await session.logInWithKey(secret);
      await onSignedIn();
    } catch (error) {
      replace(keyStatus, notice('error', error.status === 401 ? 'This key was not accepted.' : error.message || String(error)));
    }
  });

  replace(root, h('div', { class: 'login' },
    h('div', { class: 'login-card' },
      h('div', { class: 'brand big' }, 'Switchyard', h('span', { class: 'brand-sub' }, 'admin')),
      passwordForm,
      h('div', { class: 'divider' }, h('span', null, 'or')),
      keyForm)));
  name.focus();
}
