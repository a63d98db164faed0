// Recent requests with filters and auto-refresh. Uses the analytics events page when the server offers it, else
// the CPA-compatible usage view (every request with its details).
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, num, ms, time, short, table, section, notice } from '../ui.js';

const RANGES = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };

/** Rows from GET /v0/management/usage: {apis: {endpoint: {models: {model: {details: [...]}}}}}. */
export function flattenUsage(u) {
  const rows = [];
  for (const [endpoint, a] of Object.entries(u.apis || {})) {
    for (const [model, m] of Object.entries(a.models || {})) {
      for (const d of m.details || []) {
        rows.push({
          timestamp_ms: Date.parse(d.timestamp) || d.timestamp_ms, model, endpoint,
          provider: d.auth_provider_snapshot || '', credential: d.auth_label_snapshot || d.account_snapshot || d.auth_file_snapshot || d.auth_index || d.source || '',
          api_key_hash: d.api_key_hash || '', failed: !!d.failed, status: d.fail_status_code, detail: d.fail_summary || '',
          latency_ms: d.latency_ms, tokens: (d.tokens || {}).total_tokens, request_id: d.request_id || '',
        });
      }
    }
  }
  return rows.sort((x, y) => y.timestamp_ms - x.timestamp_ms);
}

function fromEvents(items) {
  return items.map((e) => ({
    timestamp_ms: e.timestamp_ms, model: e.model, endpoint: e.endpoint || `${e.method || ''} ${e.path || ''}`.trim(),
    provider: e.auth_provider_snapshot || e.provider || '', credential: e.auth_label_snapshot || e.account_snapshot || e.auth_file_snapshot || e.auth_index || e.source || '',
    api_key_hash: e.api_key_hash || '', failed: !!e.failed, status: e.fail_status_code, detail: e.fail_summary || '',
    latency_ms: e.latency_ms, tokens: e.total_tokens, request_id: e.request_id || '',
  }));
}

export default function monitoring(root) {
  const filters = {};
  const fields = ['model', 'provider', 'credential', 'api_key_hash'].map((name) => {
    const input = h('input', { type: 'search', placeholder: `${t({ model: 'col.model', provider: 'col.provider', credential: 'col.credential', api_key_hash: 'col.key' }[name])}…`, id: `filter-${name}`, oninput() { filters[name] = input.value.trim().toLowerCase(); draw(); } });
    return input;
  });
  const status = h('select', { id: 'filter-status', onchange() { draw(); } },
    h('option', { value: '' }, `${t('col.status')}: ${t('common.all')}`), h('option', { value: 'ok' }, '2xx'), h('option', { value: 'failed' }, t('mon.failedOnly')));
  const range = h('select', { id: 'filter-range', onchange: load }, Object.keys(RANGES).map((k) => h('option', { value: k, selected: k === '24h' }, t(`range.${k}`))));
  const auto = h('input', { type: 'checkbox', id: 'auto-refresh', checked: true });
  const body = h('div', { id: 'monitoring' });
  root.append(h('div', { class: 'row' }, range, ...fields, status, h('label', { class: 'check' }, auto, t('mon.auto')),
    h('span', { class: 'spacer' }), h('button', { class: 'small', onclick: load }, t('common.refresh'))), body);
  let rows = [];
  let live = false;

  function draw() {
    const shown = rows.filter((r) => Object.entries(filters).every(([k, v]) => !v || String(k === 'credential' ? r.credential : r[k] || '').toLowerCase().includes(v))
      && (status.value === '' || (status.value === 'failed' ? r.failed : !r.failed)));
    body.replaceChildren(h('div', { class: 'card' }, h('p', { class: 'muted' }, `${num(shown.length)} / ${num(rows.length)}`), table([
      { title: t('col.time'), get: (r) => time(r.timestamp_ms) },
      { title: t('col.model'), get: (r) => r.model },
      { title: t('col.provider'), get: (r) => r.provider || '–' },
      { title: t('col.credential'), get: (r) => short(r.credential, 24) },
      { title: t('col.key'), get: (r) => short(r.api_key_hash, 10) },
      { title: t('col.status'), get: (r) => h('span', { class: r.failed ? 'bad' : 'good' }, r.failed ? String(r.status || '✗') : 'OK') },
      { title: t('col.latency'), get: (r) => ms(r.latency_ms), num: true },
      { title: t('col.tokens'), get: (r) => num(r.tokens), num: true },
      { title: t('col.request'), get: (r) => short(r.request_id, 14) },
      { title: t('col.detail'), get: (r) => (r.failed ? short(r.detail, 160) : '') },
    ], shown)));
  }

  async function fetchRows() {
    const to = Date.now(), from = to - RANGES[range.value];
    if (api.has('analytics')) {
      const a = await api.post('analytics', '/v0/management/monitoring/analytics',
        { from_ms: from, to_ms: to, include: { events_page: { limit: 500 } } });
      if (a.events && Array.isArray(a.events.items)) return fromEvents(a.events.items);
    }
    const u = await api.get('usage', '/v0/management/usage');
    return flattenUsage(u).filter((r) => !r.timestamp_ms || r.timestamp_ms >= from);
  }

  function load() {
    section(body, async () => { rows = await fetchRows(); live = true; draw(); return body.firstChild; });
  }
  load();
  const timer = setInterval(() => { if (live && auto.checked && document.visibilityState === 'visible') fetchRows().then((r) => { rows = r; draw(); }).catch((e) => body.prepend(notice(t('common.error', e.message), 'error'))); }, 10000);
  return () => clearInterval(timer);
}
