// Recent requests, one page at a time from the analytics events page: time range, filters, request-id search and
// paging run in the database; a row opens its detail; the live tail follows new requests and can be paused.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, num, ms, money, clock, short, table, section, notice, credentialName, keyName } from '../ui.js';
import { follow } from '../tail.js';

const RANGES = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };
const URL = '/v0/management/monitoring/analytics';

/** A labelled select of [value, text] options; the first option means "any". */
function select(id, label, options, onchange) {
  return h('select', { id, 'aria-label': label, onchange }, h('option', { value: '' }, `${label}: ${t('common.all')}`),
    options.map(([v, text]) => h('option', { value: v }, text)));
}

export default function monitoring(root) {
  const range = h('select', { id: 'filter-range', 'aria-label': t('mon.range'), onchange() { loadFilters(); first(); } },
    Object.keys(RANGES).map((k) => h('option', { value: k, selected: k === '24h' }, t(`range.${k}`))));
  const filterBox = h('span', { class: 'filters' });
  const status = h('select', { id: 'filter-status', 'aria-label': t('col.status'), onchange: first },
    h('option', { value: '' }, `${t('col.status')}: ${t('common.all')}`), h('option', { value: 'ok' }, t('mon.okOnly')),
    h('option', { value: 'failed' }, t('mon.failedOnly')));
  const requestId = h('input', { type: 'search', id: 'filter-request', placeholder: t('mon.searchRequest'), onchange: first });
  const live = h('input', { type: 'checkbox', id: 'auto-refresh', checked: true, onchange() { tail.paused = !live.checked; } });
  const size = h('select', { id: 'page-size', 'aria-label': t('mon.pageSize'), onchange: first },
    [10, 25, 50, 100].map((n) => h('option', { value: n, selected: n === 50 }, t('mon.perPage', n))));
  const body = h('div', { id: 'monitoring' });
  const pager = h('div', { class: 'row pager' });
  root.append(h('div', { class: 'row' }, range, filterBox, status, requestId,
    h('label', { class: 'check', title: t('mon.liveHint') }, live, t('mon.auto')),
    h('span', { class: 'spacer' }), h('button', { class: 'small', id: 'mon-refresh', onclick: first }, t('common.refresh'))), body, pager);

  const selects = {};
  let cursors = [''];
  let pageNo = 0;

  function window0() { const to = Date.now(); return { from_ms: to - RANGES[range.value], to_ms: to + 60e3 }; }

  function filters() {
    const f = {};
    if (selects.model?.value) f.models = [selects.model.value];
    if (selects.provider?.value) f.providers = [selects.provider.value];
    if (selects.credential?.value) f.auth_indices = [selects.credential.value];
    if (selects.key?.value) f.api_key_hashes = [selects.key.value];
    if (status.value === 'failed') f.failed_only = true;
    if (status.value === 'ok') f.include_failed = false;
    if (requestId.value.trim()) f.request_id = requestId.value.trim();
    return f;
  }

  /** The filter choices: what the window holds, by name (one aggregate, not the events). */
  async function loadFilters() {
    if (!api.has('analytics')) return;
    try {
      const a = await api.post('analytics', URL, { ...window0(), include: { model_stats: true, provider_stats: true, credential_stats: true, api_key_stats: true } });
      const keep = (id) => selects[id]?.value || '';
      const make = (id, label, options) => { const was = keep(id); selects[id] = select(`filter-${id}`, label, options, first); selects[id].value = was; return selects[id]; };
      filterBox.replaceChildren(
        make('model', t('col.model'), (a.model_stats || []).map((m) => [m.model, m.model])),
        make('provider', t('col.provider'), (a.provider_stats || []).map((p) => [p.provider, p.provider])),
        make('credential', t('col.credential'), (a.credential_stats || []).map((c) => [c.auth_index, credentialName(c)])),
        make('key', t('col.key'), (a.api_key_stats || []).map((k) => [k.api_key_hash, keyName(k)])));
    } catch (_) { filterBox.replaceChildren(); }
  }

  async function fetchPage(cursor) {
    const a = await api.post('analytics', URL, { ...window0(), filters: filters(), include: { events_page: { limit: Number(size.value), cursor } } });
    return a.events || { items: [], next_cursor: null };
  }

  function detail(r) {
    const tokens = [['col.input', r.input_tokens], ['col.output', r.output_tokens], ['mon.reasoning', r.reasoning_tokens],
      ['col.cached', r.cached_tokens], ['mon.cacheRead', r.cache_read_tokens], ['mon.cacheWrite', r.cache_creation_tokens]];
    const facts = [
      ['col.request', r.request_id || '–'], ['col.time', new Date(r.timestamp_ms).toLocaleString()],
      ['col.endpoint', r.endpoint || '–'], ['mon.requested', r.requested_model || r.model], ['mon.resolved', r.resolved_model || '–'],
      ['col.provider', r.provider || '–'], ['col.credential', credentialName(r)], ['col.key', keyName(r)],
      ['mon.upstreamStatus', r.failed ? String(r.fail_status_code ?? '–') : '200'], ['col.latency', ms(r.latency_ms)],
      ['mon.ttft', r.ttft_ms == null ? '–' : ms(r.ttft_ms)], ['col.cost', r.cost == null ? t('prices.none') : money(r.cost)],
      ['mon.effort', r.reasoning_effort || '–'], ['mon.tier', r.service_tier || '–'],
      ...tokens.map(([k, v]) => [k, num(v)]),
    ];
    const raw = new Set(['col.request', 'col.endpoint', 'mon.requested', 'mon.resolved', 'col.provider', 'col.credential', 'col.key', 'mon.effort', 'mon.tier']);
    return h('div', { class: 'detail' }, h('dl', {}, facts.flatMap(([k, v]) => [h('dt', {}, t(k)), h('dd', { 'data-raw': raw.has(k) ? '' : undefined }, v)])),
      r.failed && r.fail_summary ? h('pre', { class: 'fail-summary' }, r.fail_summary) : null);
  }

  function draw(page) {
    const rows = page.items;
    const columns = [
      { title: t('col.time'), get: (r) => h('span', { class: 'nowrap' }, clock(r.timestamp_ms)) },
      { title: t('col.model'), get: (r) => h('span', { class: 'nowrap' }, r.model), raw: true },
      { title: t('col.credential'), get: (r) => short(credentialName(r), 28), hide: 'phone', raw: true },
      { title: t('col.key'), get: (r) => short(keyName(r), 20), hide: 'phone', raw: true },
      { title: t('col.status'), get: (r) => h('span', { class: r.failed ? 'bad' : 'good' }, r.failed ? String(r.fail_status_code || '✗') : 'OK') },
      { title: t('col.latency'), get: (r) => ms(r.latency_ms), num: true },
      { title: t('col.tokens'), get: (r) => num(r.total_tokens), num: true, hide: 'phone' },
      { title: t('col.cost'), get: (r) => (r.cost == null ? h('span', { class: 'muted' }, t('prices.none')) : money(r.cost)), num: true, hide: 'phone' },
      { title: t('col.request'), get: (r) => h('code', { class: 'request-id' }, short(r.request_id, 18)), hide: 'phone', raw: true },
    ];
    body.replaceChildren(h('div', { class: 'card' }, table(columns, rows, t('common.none'), { detail, id: 'monitoring-table' })));
    pager.replaceChildren(
      h('button', { class: 'small', id: 'mon-newer', disabled: pageNo === 0, onclick() { pageNo--; show(); } }, t('mon.newer')),
      h('span', { class: 'muted' }, t('mon.page', pageNo + 1)),
      h('button', { class: 'small', id: 'mon-older', disabled: !page.next_cursor, onclick() { cursors[pageNo + 1] = page.next_cursor; pageNo++; show(); } }, t('mon.older')),
      size);
  }

  function show() {
    section(body, async () => { const p = await fetchPage(cursors[pageNo]); draw(p); return body.firstChild; });
  }

  function first() { cursors = ['']; pageNo = 0; show(); }

  if (!api.has('analytics')) {
    body.replaceChildren(notice(t('common.naHint', URL), 'error'));
    return () => {};
  }
  loadFilters();
  first();
  // Live tail: new requests arrive as server-sent events; on the first page they refresh the table.
  const tail = follow((n) => { if (pageNo === 0 && n > 0 && !requestId.value.trim()) show(); });
  tail.paused = !live.checked;
  return () => tail.close();
}
