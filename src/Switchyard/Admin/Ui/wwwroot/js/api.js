// The only module that talks to the server: the admin API under /admin/, authenticated either by the login
// session's cookie (writes carry the CSRF token) or by an admin key kept in sessionStorage for this tab only.

const KEY_STORAGE = 'switchyard.adminKey';

let csrfToken = null;

export class ApiError extends Error {
  constructor(status, type, message, code) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
  }

  /** The server does not have this endpoint (an older version): the page says so instead of breaking. */
  get unavailable() {
    return this.status === 405 || this.status === 501 || (this.status === 404 && this.code === 'unknown_url');
  }
}

export function adminKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function useAdminKey(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function forgetAdminKey() {
  sessionStorage.removeItem(KEY_STORAGE);
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

async function errorOf(response) {
  let type = 'http_error';
  let message = `${response.status} ${response.statusText}`;
  let code = null;
  try {
    const body = await response.json();
    if (body && body.error) {
      type = body.error.type || type;
      message = body.error.message || message;
      code = body.error.code || null;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  const error = new ApiError(response.status, type, message, code);
  error.retryAfter = Number(response.headers.get('retry-after')) || null;
  return error;
}

function credentials(method, headers, key) {
  if (key) {
    headers.Authorization = 'Bearer ' + key;
  } else if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    headers['x-csrf-token'] = csrfToken;
  }
  return headers;
}

/**
 * POSTs JSON and answers the response itself, unread, so its body can be read as it streams (the playground);
 * throws ApiError for a refusal, whichever API's error shape it comes in (all of them carry error.message).
 */
export async function open(path, body, signal) {
  const headers = credentials('POST', { Accept: 'text/event-stream, application/json', 'Content-Type': 'application/json' }, adminKey());
  const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin', cache: 'no-store', signal });
  if (!response.ok) {
    const error = await errorOf(response);
    error.requestId = response.headers.get('x-request-id');
    throw error;
  }
  return response;
}

/** Sends one admin API request; answers the parsed JSON (or text with {text: true}), throws ApiError. */
export async function request(method, path, body, options = {}) {
  const headers = credentials(method, { Accept: options.text ? 'text/csv, text/plain, */*' : 'application/json' }, options.key ?? adminKey());
  // A file's text (a CSV export) goes as it is; anything else as JSON.
  const raw = typeof body === 'string' && options.contentType;
  if (body !== undefined) headers['Content-Type'] = raw ? options.contentType : 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return null;
  if (options.text) return response.text();
  const type = response.headers.get('content-type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body, options) => request('POST', path, body, options);
export const patch = (path, body, options) => request('PATCH', path, body, options);
export const del = (path, options) => request('DELETE', path, undefined, options);

/** Query string from an object, skipping empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The rows of a list answer, whichever envelope the endpoint uses. */
export function rowsOf(answer) {
  if (Array.isArray(answer)) return answer;
  if (!answer || typeof answer !== 'object') return [];
  for (const name of ['data', 'rows', 'items', 'entries']) {
    if (Array.isArray(answer[name])) return answer[name];
  }
  return [];
}

/** The cursor of the next page of a list answer, if the server says there is one. */
export function nextCursorOf(answer) {
  if (!answer || typeof answer !== 'object') return null;
  return answer.next_cursor ?? null;
}

/**
 * Every row of a paged list (following next_cursor), up to `maxRows`; `truncated` tells whether more exist.
 * For the entity lists (keys, users, groups…), which tables filter and page in the browser.
 */
export async function getAll(path, params = {}, maxRows = 5000) {
  const rows = [];
  let cursor = null;
  do {
    const answer = await get(path + query({ ...params, limit: 1000, cursor }));
    rows.push(...rowsOf(answer));
    cursor = nextCursorOf(answer);
  } while (cursor && rows.length < maxRows);
  rows.truncated = Boolean(cursor);
  return rows;
}
