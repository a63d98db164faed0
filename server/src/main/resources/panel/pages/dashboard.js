// Today at a glance: calls, tokens, cost, failure rate, latency, traffic per hour, top models, recent failures.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, stat, num, compact, money, pct, ms, time, short, table, section, barChart, hbars, hourLabel, startOfToday } from '../ui.js';

/** 24 hourly points for today (hours without traffic at zero), so one busy hour does not fill the chart. */
function todayByHour(timeline) {
  const start = startOfToday();
  const points = Array.from({ length: 24 }, (_, i) => ({ x: hourLabel(start + i * 3600e3), a: 0, b: 0 }));
  for (const p of timeline) {
    const i = Math.floor((Number(p.bucket_ms) - start) / 3600e3);
    if (i >= 0 && i < 24) { points[i].a += p.success ?? p.calls ?? 0; points[i].b += p.failure ?? 0; }
  }
  return points;
}

export default function dashboard(root) {
  const body = h('div', { id: 'dashboard' });
  root.append(h('div', { class: 'row end' }, h('button', { class: 'small', onclick: load }, t('common.refresh'))), body);
  function load() {
    section(body, async () => {
      const d = await api.get('dashboard', `/v0/management/dashboard/summary?today_start_ms=${startOfToday()}&now_ms=${Date.now()}`);
      const today = d.today || {};
      const lat = today.latency_ms || {};
      const r30 = d.rolling_30m || {};
      const calls = today.total_calls || 0;
      return [
        h('div', { class: 'grid' },
          h('div', { id: 'stat-calls' }, stat(t('dash.calls'), num(calls), `${num(today.success_calls)} ✓ · ${num(today.failure_calls)} ✗`)),
          stat(t('dash.tokens'), compact(today.total_tokens), `${compact(today.input_tokens)} in · ${compact(today.output_tokens)} out`),
          stat(t('dash.cost'), money(today.total_cost)),
          stat(t('dash.failure'), calls ? pct(1 - (today.success_rate ?? 1)) : '–'),
          stat(t('dash.latency'), `${ms(lat.p50 ?? today.average_latency_ms)} / ${ms(lat.p95 ?? today.p95_latency_ms)}`),
          stat(t('dash.rpm'), `${num(r30.total_calls)} · ${num(r30.rpm)} rpm`, `${compact(r30.tpm)} tpm`)),
        h('div', { class: 'grid2' },
          h('div', { class: 'card' }, h('h2', {}, t('dash.traffic')),
            barChart(todayByHour(d.traffic_timeline || []))),
          h('div', { class: 'card' }, h('h2', {}, t('dash.top')),
            hbars((d.top_models_today || []).map((m) => ({ name: m.model, value: m.calls, label: `${num(m.calls)} · ${money(m.cost)}` }))))),
        h('div', { class: 'card' }, h('h2', {}, t('dash.channels')), table([
          { title: t('col.credential'), get: (c) => c.auth_label_snapshot || c.account_snapshot || short(c.auth_index || c.source, 16) },
          { title: t('col.calls'), get: (c) => num(c.calls), num: true },
          { title: t('col.success'), get: (c) => h('span', { class: c.tone === 'bad' ? 'bad' : c.tone === 'warn' ? 'warn' : 'good' }, pct(c.success_rate)), num: true },
          { title: t('col.latency'), get: (c) => ms(c.average_latency_ms), num: true },
          { title: t('col.cost'), get: (c) => money(c.cost), num: true },
        ], d.channel_health || [])),
        h('div', { class: 'card' }, h('h2', {}, t('dash.failures')), table([
          { title: t('col.time'), get: (f) => time(f.timestamp_ms) },
          { title: t('col.model'), get: (f) => f.model },
          { title: t('col.status'), get: (f) => h('span', { class: 'bad' }, f.fail_status_code ?? '✗') },
          { title: t('col.detail'), get: (f) => short(f.fail_summary, 120) },
        ], d.recent_failures || [])),
      ];
    });
  }
  load();
}
