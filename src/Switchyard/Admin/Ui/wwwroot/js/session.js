// Who is signed in, and what they may see. The server enforces every rule; the UI only hides what would fail.
import * as api from './api.js';

export const ROLES = { super: 'super_admin', group: 'group_admin', user: 'user' };

const PAGES_BY_ROLE = {
  super_admin: ['overview', 'keys', 'users', 'groups', 'channels', 'models', 'usage', 'requests', 'audit'],
  group_admin: ['overview', 'keys', 'users', 'groups', 'usage', 'requests'],
  user: ['overview', 'keys', 'usage', 'requests'],
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

/**
 * With an admin key: the session endpoint names its owner when the server has it; otherwise the key is
 * classified by what it may read (only the super admin may list channels).
 */
async function identifyKey(key) {
  try {
    const body = await api.get('/admin/session', { key });
    if (body && body.role) return fromSession(body, 'key');
  } catch (error) {
    if (error.status === 401 && !error.unavailable) {
      // Fall through: the session endpoint may only know cookies; the key is checked below.
    } else if (!(error instanceof api.ApiError)) {
      throw error;
    }
  }
  try {
    await api.get('/admin/channels', { key });
    return { name: 'admin key', role: ROLES.super, group: null, via: 'key' };
  } catch (error) {
    if (error.status === 401) throw error;
  }
  try {
    const groups = api.rowsOf(await api.get('/admin/groups', { key }));
    if (groups.length === 1) return { name: 'group admin key', role: ROLES.group, group: groups[0].name, via: 'key' };
  } catch (error) {
    if (error.status === 401) throw error;
  }
  await api.get('/admin/keys', { key });
  // A user's key sees one user: itself.
  let me = null;
  try {
    const users = api.rowsOf(await api.get('/admin/users', { key }));
    if (users.length === 1) me = users[0];
  } catch {
    // Older servers have no users endpoint: the key still works for its own keys.
  }
  return { name: me?.name ?? 'key', role: ROLES.user, group: me?.group ?? null, via: 'key' };
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
    current = fromSession(await api.get('/admin/session'), 'session');
  } catch (error) {
    if (error.status === 401 || error.status === 404 || error.status === 405) {
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
