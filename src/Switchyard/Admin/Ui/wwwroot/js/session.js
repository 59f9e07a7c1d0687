// Who is signed in, and what they may see. The server enforces every rule; the UI only hides what would fail.
import * as api from './api.js';

export const ROLES = { super: 'super_admin', group: 'group_admin', user: 'user' };

const PAGES_BY_ROLE = {
  super_admin: ['overview', 'playground', 'keys', 'users', 'groups', 'channels', 'models', 'routes', 'usage', 'requests', 'reports', 'audit'],
  group_admin: ['overview', 'playground', 'keys', 'users', 'groups', 'models', 'routes', 'usage', 'requests'],
  user: ['overview', 'playground', 'keys', 'models', 'usage', 'requests'],
};

let current = null;

export function identity() {
  return current;
}

export function pagesFor(role) {
  return PAGES_BY_ROLE[role] || PAGES_BY_ROLE.user;
}

export function may(page) {
  return current !== null && pagesFor(current.role).includes(page);
}

function fromSession(body, via) {
  api.setCsrfToken(body.csrf_token);
  return { name: body.user, role: body.role, group: body.group ?? null, via };
}

/** An admin key's owner, named as the audit log names it (the master key is "master"). */
async function identifyKey(key) {
  const body = await api.get('/admin/session', { key });
  return fromSession(body, 'key');
}

/** Restores the sign-in of this tab: a stored admin key, else the session cookie. Null when signed out. */
export async function restore() {
  const key = api.adminKey();
  if (key) {
    try {
      current = await identifyKey(key);
      return current;
    } catch (error) {
      if (error.status === 401) {
        api.forgetAdminKey();
        current = null;
        return null;
      }
      throw error;
    }
  }
  try {
    // optional=true: without a cookie the server answers 204, not a 401 the browser would log on every visit.
    const body = await api.get('/admin/session?optional=true');
    current = body ? fromSession(body, 'session') : null;
  } catch (error) {
    if (error.status === 401) {
      current = null;
    } else {
      throw error;
    }
  }
  return current;
}

export async function logInWithPassword(name, password) {
  current = fromSession(await api.post('/admin/session', { name, password }), 'session');
  return current;
}

export async function logInWithKey(key) {
  current = await identifyKey(key);
  api.useAdminKey(key);
  return current;
}

export async function logOut() {
  const via = current?.via;
  current = null;
  if (via === 'key' || api.adminKey()) {
    api.forgetAdminKey();
    return;
  }
  try {
    await api.del('/admin/session');
  } finally {
    api.setCsrfToken(null);
  }
}
