// The operator's five-second view of a chosen window: requests, success, tokens, cost, latency and time to first
// token; traffic and tokens over the whole window; models, credentials, client keys and failure sources by name.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, stat, num, compact, money, pct, ms, clock, short, table, section, credentialName, keyName, startOfToday } from '../ui.js';
import { timeChart, ranking } from '../charts.js';

const URL = '/v0/management/monitoring/analytics';
const HOUR = 3600e3, DAY = 86400e3;
const WINDOWS = { today: () => startOfToday(), '24h': () => Date.now() - DAY, '7d': () => Date.now() - 7 * DAY, '30d': () => Date.now() - 30 * DAY };

/** Every bucket of the window, in order, with the server's figures where there was traffic. */
export function buckets(timeline, from, to, granularity) {
  const step = granularity === 'day' ? DAY : HOUR;
  const byMs = new Map(timeline.map((b) => [Number(b.bucket_ms), b]));
  const out = [];
  for (let b = Math.floor(from / step) * step; b < to; b += step) out.push({ bucket_ms: b, ...(byMs.get(b) || {}) });
  return out;
}

function label(bucketMs, granularity, locale) {
  const d = new Date(bucketMs);
  return granularity === 'day' ? d.toLocaleDateString(locale, { month: 'numeric', day: 'numeric', timeZone: 'UTC' })
    : d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** A stat card whose exact figure is also kept in data-value (for scripts and tests). */
function figure(id, labelText, value, shown, sub) {
  const el = stat(labelText, shown, sub);
  el.id = id;
  el.dataset.value = String(value);
  return el;
}

const STATUS_HINT = { 0: 'fail.network', 400: 'fail.400', 401: 'fail.401', 403: 'fail.403', 404: 'fail.404', 429: 'fail.429', 500: 'fail.5xx', 502: 'fail.5xx', 503: 'fail.5xx', 504: 'fail.5xx' };

export default function dashboard(root) {
  const range = h('select', { id: 'dash-range', 'aria-label': t('mon.range'), onchange: load },
    Object.keys(WINDOWS).map((k) => h('option', { value: k, selected: k === '24h' }, t(`range.${k}`))));
  const body = h('div', { id: 'dashboard' });
  root.append(h('div', { class: 'row' }, range, h('span', { class: 'spacer' }), h('button', { class: 'small', onclick: load }, t('common.refresh'))), body);

  function load() {
    section(body, async () => {
      const to = Date.now() + 1, from = WINDOWS[range.value]();
      const locale = document.documentElement.lang;
      const granularity = range.value === '7d' || range.value === '30d' ? 'day' : 'hour';
      const [a, fails, recent] = await Promise.all([
        api.post('analytics', URL, { from_ms: from, to_ms: to, include: { granularity, summary: true, timeline: true, model_stats: true, credential_stats: true, api_key_stats: true, failure_sources: true } }),
        api.post('analytics', URL, { from_ms: from, to_ms: to, filters: { failed_only: true }, include: { events_page: { limit: 5 } } }),
        api.post('analytics', URL, { from_ms: Date.now() - 30 * 60e3, to_ms: to, include: { summary: true } }),
      ]);
      const sum = a.summary || {};
      const calls = sum.total_calls || 0, failed = sum.failure_calls || 0;
      const cache = (sum.cached_tokens || 0) + (sum.cache_read_tokens || 0) + (sum.cache_creation_tokens || 0);
      const unpriced = sum.unpriced_calls || 0;
      const costShown = calls > 0 && unpriced === calls ? t('prices.none') : money(sum.total_cost || 0);
      const lat = sum.latency_ms || {}, ttft = sum.ttft_ms || {};
      const last30 = (recent.summary || {}).total_calls || 0;
      const points = buckets(a.timeline || [], from, to, a.granularity).map((b) => ({
        x: label(b.bucket_ms, a.granularity, locale), tip: new Date(b.bucket_ms).toLocaleString(locale),
        values: { ok: b.success_calls || 0, failed: b.failure_calls || 0, input: Math.max(0, (b.input_tokens || 0) - (b.cached_tokens || 0)), output: b.output_tokens || 0, cache: (b.cached_tokens || 0) + (b.cache_read_tokens || 0) + (b.cache_creation_tokens || 0) },
      }));
      const models = a.model_stats || [];
      return [
        h('div', { class: 'grid stats' },
          figure('stat-calls', t('dash.requests'), calls, num(calls), t('dash.last30', num(last30))),
          figure('stat-success', t('dash.success'), calls ? sum.success_rate : '', calls ? pct(sum.success_rate) : '–', null),
          figure('stat-failures', t('dash.failed'), failed, num(failed), failed ? h('span', { class: 'bad' }, pct(failed / calls)) : null),
          figure('stat-tokens', t('dash.tokens'), sum.total_tokens || 0, compact(sum.total_tokens || 0),
            t('dash.tokenSplit', compact(sum.input_tokens || 0), compact(sum.output_tokens || 0), compact(cache))),
          figure('stat-cost', t('dash.cost'), sum.total_cost || 0, costShown, unpriced ? h('span', { class: 'warn' }, t('dash.unpriced', num(unpriced))) : null),
          figure('stat-latency', t('dash.latency'), lat.p50 || 0, calls ? `${Math.round(lat.p50)} / ${ms(lat.p95)}` : '–', t('dash.p50p95')),
          figure('stat-ttft', t('dash.ttft'), ttft.p50 || 0, sum.average_ttft_ms ? `${Math.round(ttft.p50)} / ${ms(ttft.p95)}` : '–', t('dash.p50p95'))),
        h('div', { class: 'grid2' },
          h('div', { class: 'card' }, h('h2', {}, t('dash.traffic')), timeChart(points, [
            { key: 'ok', label: t('dash.ok'), cls: 'ok' }, { key: 'failed', label: t('dash.failed'), cls: 'fail' }], { format: (v) => compact(v), id: 'chart-traffic' })),
          h('div', { class: 'card' }, h('h2', {}, t('dash.tokensOverTime')), timeChart(points, [
            { key: 'input', label: t('col.input'), cls: 'in' }, { key: 'output', label: t('col.output'), cls: 'out' },
            { key: 'cache', label: t('col.cached'), cls: 'cache' }], { format: (v) => compact(v), id: 'chart-tokens' }))),
        h('div', { class: 'grid2' },
          h('div', { class: 'card' }, h('h2', {}, t('dash.top')), ranking(models.slice(0, 8).map((m) => ({
            name: m.model, raw: true, value: m.total_calls, label: t('dash.callsCost', num(m.total_calls), m.unpriced_calls === m.total_calls ? t('prices.none') : money(m.total_cost)) })), t('common.none'))),
          h('div', { class: 'card' }, h('h2', {}, t('dash.costRank')), ranking(models.filter((m) => m.total_cost > 0).sort((x, y) => y.total_cost - x.total_cost).slice(0, 8)
            .map((m) => ({ name: m.model, raw: true, value: m.total_cost, label: `${money(m.total_cost)} · ${pct(sum.total_cost ? m.total_cost / sum.total_cost : 0)}` })), t('dash.noCost'))),
          h('div', { class: 'card' }, h('h2', {}, t('dash.mix')), ranking([
            ['col.input', Math.max(0, (sum.input_tokens || 0) - (sum.cached_tokens || 0)), 'in'], ['col.output', sum.output_tokens || 0, 'out'],
            ['col.cached', cache, 'cache'], ['mon.reasoning', sum.reasoning_tokens || 0, 'reason']]
            .filter(([, v]) => v > 0).map(([k, v, cls]) => ({ name: t(k), value: v, cls, label: `${compact(v)} · ${pct(sum.total_tokens ? v / sum.total_tokens : 0)}` })), t('common.none'))),
          h('div', { class: 'card' }, h('h2', {}, t('dash.failureSources')), ranking((a.failure_sources || []).map((f) => ({
            name: `${f.status_code || t('fail.none')} ${t(STATUS_HINT[f.status_code] || (f.status_code >= 500 ? 'fail.5xx' : 'fail.other'))}`, value: f.calls, cls: 'fail', label: num(f.calls) })), t('dash.noFailures')))),
        h('div', { class: 'grid2' },
          h('div', { class: 'card' }, h('h2', {}, t('dash.channels')), table([
            { title: t('col.credential'), get: (c) => h('span', { title: c.auth_index }, short(credentialName(c), 32)), raw: true },
            { title: t('col.calls'), get: (c) => num(c.total_calls), num: true },
            { title: t('col.success'), get: (c) => h('span', { class: c.success_rate < 0.9 ? 'bad' : c.success_rate < 1 ? 'warn' : 'good' }, pct(c.success_rate)), num: true },
            { title: t('col.latency'), get: (c) => ms(c.average_latency_ms), num: true, hide: 'phone' },
            { title: t('col.cost'), get: (c) => money(c.total_cost), num: true },
          ], (a.credential_stats || []).slice(0, 10), t('common.none'), { id: 'dash-credentials' })),
          h('div', { class: 'card' }, h('h2', {}, t('dash.keys')), table([
            { title: t('col.key'), get: (k) => short(keyName(k), 32), raw: true },
            { title: t('col.calls'), get: (k) => num(k.total_calls), num: true },
            { title: t('col.tokens'), get: (k) => compact(k.total_tokens), num: true },
            { title: t('col.cost'), get: (k) => money(k.total_cost), num: true },
          ], (a.api_key_stats || []).slice(0, 10), t('common.none'), { id: 'dash-keys' }))),
        h('div', { class: 'card' }, h('h2', {}, t('dash.failures')), table([
          { title: t('col.time'), get: (f) => h('span', { class: 'nowrap' }, clock(f.timestamp_ms)) },
          { title: t('col.model'), get: (f) => h('span', { class: 'nowrap' }, f.model), raw: true },
          { title: t('col.credential'), get: (f) => short(credentialName(f), 24), hide: 'phone', raw: true },
          { title: t('col.status'), get: (f) => h('span', { class: 'bad' }, f.fail_status_code ?? '✗') },
          { title: t('col.detail'), get: (f) => short(f.fail_summary, 120), hide: 'phone', raw: true },
        ], (fails.events || {}).items || [], t('dash.noFailures'))),
      ];
    });
  }
  load();
}
