// The panel's only way to the server: same-origin fetch with the management key in a header, never in a URL.
const KEY = 'spacegate.managementKey';

/** A call the server does not offer (404 or absent from /panel/api/capabilities). */
export class NotAvailable extends Error {
  constructor(what) { super(what); this.what = what; }
}

/** A refused call, with the server's {"error","code"} envelope when it sent one. */
export class ApiError extends Error {
  constructor(status, code, message, body) { super(message || `HTTP ${status}`); this.status = status; this.code = code; this.body = body || {}; }
}

let caps = { apis: {} };
const listeners = { unauthorized: [] };

export function storedKey() { return sessionStorage.getItem(KEY) || localStorage.getItem(KEY) || ''; }

export function saveKey(key, remember) {
  forgetKey();
  (remember ? localStorage : sessionStorage).setItem(KEY, key);
}

export function forgetKey() { sessionStorage.removeItem(KEY); localStorage.removeItem(KEY); }

export function onUnauthorized(fn) { listeners.unauthorized.push(fn); }

/** Asks the panel owner once which management calls this server serves. */
export async function loadCapabilities() {
  const res = await fetch('/panel/api/capabilities', { cache: 'no-store' });
  caps = res.ok ? await res.json() : { apis: {} };
  return caps;
}

export function capabilities() { return caps; }

/** True unless the server said it does not serve the named call. */
export function has(name) { return caps.apis[name] !== false; }

/**
 * Calls the management API. `need` names the capability (see PanelService.CAPABILITIES); a call the server does not
 * offer throws NotAvailable without a request. 401 signs the operator out.
 */
export async function call(need, path, { method = 'GET', json, body, headers = {}, raw = false, key, signal } = {}) {
  if (need && !has(need)) throw new NotAvailable(path.split('?')[0]);
  const h = { ...headers };
  const k = key ?? storedKey();
  if (k) h.Authorization = `Bearer ${k}`;
  let payload = body;
  if (json !== undefined) { h['Content-Type'] = 'application/json'; payload = JSON.stringify(json); }
  const res = await fetch(path, { method, headers: h, body: payload, cache: 'no-store', signal });
  if (res.status === 401 && key === undefined) {
    listeners.unauthorized.forEach((fn) => fn());
  }
  if ((res.status === 404 || res.status === 501) && need) throw new NotAvailable(path.split('?')[0]);
  if (!res.ok) {
    // two envelopes: {"error": message, "code"} (manager) and {"error": code, "message"} (config contract)
    let code = '', message = `HTTP ${res.status}`, parsed = {};
    try { parsed = await res.json(); code = parsed.code || parsed.error || ''; message = parsed.message || parsed.error || message; } catch (_) { /* not JSON */ }
    throw new ApiError(res.status, code, message, parsed);
  }
  if (raw) return res;
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res.text();
}

export const get = (need, path, opts) => call(need, path, { ...opts, method: 'GET' });
export const post = (need, path, json, opts) => call(need, path, { ...opts, method: 'POST', json });
export const put = (need, path, json, opts) => call(need, path, { ...opts, method: 'PUT', json });
export const patch = (need, path, json, opts) => call(need, path, { ...opts, method: 'PATCH', json });
export const del = (need, path, opts) => call(need, path, { ...opts, method: 'DELETE' });
