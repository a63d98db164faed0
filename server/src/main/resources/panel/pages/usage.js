// Usage over a time range, grouped by model, provider, credential, client key, hour or day; export and import.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, stat, num, compact, money, pct, ms, bytes, table, section, notice, download, toast, time, credentialName, keyName } from '../ui.js';
import { timeChart } from '../charts.js';
import { buckets } from './dashboard.js';

const RANGES = { '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };
const GROUPS = {
  model: ['model_stats', (r) => r.model],
  provider: ['provider_stats', (r) => r.provider],
  credential: ['credential_stats', (r) => credentialName(r)],
  key: ['api_key_stats', (r) => keyName(r)],
  hour: ['timeline', (r) => time(r.bucket_ms)],
  day: ['timeline', (r) => new Date(Number(r.bucket_ms)).toLocaleDateString(document.documentElement.lang, { timeZone: 'UTC' })],
};

export default function usage(root) {
  const range = h('select', { id: 'usage-range', 'aria-label': t('mon.range'), onchange: load }, Object.keys(RANGES).map((k) => h('option', { value: k }, t(`range.${k}`))));
  const group = h('select', { id: 'usage-group', 'aria-label': t('usage.group'), onchange: load }, Object.keys(GROUPS).map((k) => h('option', { value: k }, t(`group.${k}`))));
  const body = h('div', { id: 'usage' });
  const transfer = h('div', { class: 'card', id: 'usage-transfer' });
  root.append(h('div', { class: 'row' }, h('span', { class: 'muted' }, t('mon.range')), range, h('span', { class: 'muted' }, t('usage.group')), group,
    h('span', { class: 'spacer' }), h('button', { class: 'small', onclick: load }, t('common.refresh'))), body, transfer);

  function load() {
    section(body, async () => {
      const to = Date.now(), from = to - RANGES[range.value];
      const [block, label] = GROUPS[group.value];
      const include = { summary: true, [block]: true };
      if (block === 'timeline') include.granularity = group.value;
      const a = await api.post('analytics', '/v0/management/monitoring/analytics', { from_ms: from, to_ms: to, include });
      const s = a.summary || {};
      const rows = a[block] || [];
      const cost = (r) => (r.total_calls > 0 && r.unpriced_calls === r.total_calls ? h('span', { class: 'muted' }, t('prices.none')) : money(r.total_cost));
      const points = block === 'timeline' ? buckets(rows, from, to, a.granularity).map((b) => ({
        x: a.granularity === 'day' ? new Date(b.bucket_ms).toLocaleDateString(document.documentElement.lang, { month: 'numeric', day: 'numeric', timeZone: 'UTC' })
          : new Date(b.bucket_ms).toLocaleTimeString(document.documentElement.lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
        tip: time(b.bucket_ms), values: { ok: b.success_calls || 0, failed: b.failure_calls || 0 } })) : [];
      return [
        h('div', { class: 'grid' }, stat(t('col.calls'), num(s.total_calls)), stat(t('col.tokens'), compact(s.total_tokens)),
          stat(t('col.cost'), cost(s)), stat(t('col.success'), pct(s.success_rate)), stat(t('col.latency'), ms(s.average_latency_ms))),
        block === 'timeline' ? h('div', { class: 'card' }, h('h2', {}, t('usage.timeline')),
          timeChart(points, [{ key: 'ok', label: t('dash.ok'), cls: 'ok' }, { key: 'failed', label: t('dash.failed'), cls: 'fail' }], { id: 'chart-usage' })) : null,
        h('div', { class: 'card' }, table([
          { title: t('col.group'), get: label, raw: block !== 'timeline' },
          { title: t('col.calls'), get: (r) => num(r.total_calls), num: true },
          { title: t('col.input'), get: (r) => compact(r.input_tokens), num: true, hide: 'phone' },
          { title: t('col.output'), get: (r) => compact(r.output_tokens), num: true, hide: 'phone' },
          { title: t('col.cached'), get: (r) => compact(r.cached_tokens), num: true, hide: 'phone' },
          { title: t('col.success'), get: (r) => pct(r.success_rate), num: true },
          { title: t('col.cost'), get: (r) => cost(r), num: true },
        ], rows)),
      ];
    });
  }

  function renderTransfer() {
    const progress = h('progress', { class: 'hidden', max: 1, value: 0, id: 'transfer-progress' });
    const status = h('div', { id: 'transfer-status' });
    const file = h('input', { type: 'file', accept: '.jsonl,.json,application/json', class: 'hidden', id: 'usage-import-file', onchange() { if (file.files[0]) upload(file.files[0]); } });
    const exportBtn = h('button', { id: 'usage-export', disabled: !api.has('usageExport'), async onclick() {
      progress.classList.remove('hidden'); progress.removeAttribute('value');
      try {
        const res = await api.call('usageExport', '/v0/management/usage/export', { raw: true });
        const total = Number(res.headers.get('Content-Length')) || 0;
        const reader = res.body.getReader(); const parts = []; let got = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parts.push(value); got += value.length;
          if (total) { progress.max = total; progress.value = got; }
          status.replaceChildren(t('usage.downloading', bytes(got)));
        }
        download(new Blob(parts, { type: 'application/x-ndjson' }), 'usage-events.jsonl');
        status.replaceChildren(notice(bytes(got), 'ok'));
      } catch (e) { status.replaceChildren(notice(t('common.error', e.message), 'error')); }
      progress.classList.add('hidden');
    } }, t('usage.export'));
    const importBtn = h('button', { id: 'usage-import', disabled: !api.has('usageImport'), onclick() { file.click(); } }, t('usage.import'));

    function upload(f) {
      progress.classList.remove('hidden'); progress.value = 0; progress.max = 1;
      status.replaceChildren(t('usage.uploading', f.name));
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/v0/management/usage/import');
      xhr.setRequestHeader('Authorization', `Bearer ${api.storedKey()}`);
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) { progress.max = e.total; progress.value = e.loaded; } };
      xhr.onload = () => {
        progress.classList.add('hidden');
        let r = {};
        try { r = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
        if (xhr.status === 401) { api.forgetKey(); location.reload(); return; }
        if (xhr.status >= 200 && xhr.status < 300) {
          status.replaceChildren(notice(t('usage.imported', r.added ?? 0, r.skipped ?? 0, r.failed ?? 0), 'ok'));
          toast(t('common.saved')); load();
        } else status.replaceChildren(notice(t('common.error', r.error || `HTTP ${xhr.status}`), 'error'));
        file.value = '';
      };
      xhr.onerror = () => { progress.classList.add('hidden'); status.replaceChildren(notice(t('common.error', t('common.network')), 'error')); };
      xhr.send(f);
    }
    transfer.replaceChildren(h('h2', {}, t('usage.transfer')), h('div', { class: 'row' }, exportBtn, importBtn, file),
      progress, status, ...(!api.has('usageExport') && !api.has('usageImport') ? [h('p', { class: 'muted' }, t('common.na'))] : []));
  }
  renderTransfer();
  load();
}
