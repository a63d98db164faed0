// Model prices (USD per million tokens): the table, models used without a price, a sync from public price lists,
// and manual overrides of any rate (input, output, OpenAI cached input, cache read, cache write).
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, num, table, section, toast, notice } from '../ui.js';

const BASE = '/v0/management/model-prices';
// Field names of the CPA-Manager-Plus price table (USD per million tokens); `cache` is OpenAI's cached-input rate.
export const FIELDS = [['prompt', 'prices.input'], ['completion', 'prices.output'], ['cache', 'prices.cache'],
  ['cacheRead', 'prices.cacheRead'], ['cacheCreation', 'prices.cacheWrite']];
const rate = (v) => (v === undefined || v === null ? '–' : Number(v).toLocaleString(undefined, { maximumFractionDigits: 6 }));

export default function prices(root) {
  const status = h('div', {});
  const unpriced = h('div', { id: 'prices-unpriced' });
  const body = h('div', { id: 'prices' });
  const filter = h('input', { type: 'search', placeholder: t('mon.filter'), 'aria-label': t('mon.filter'), oninput: draw });
  const form = override();
  root.append(h('div', { class: 'row' }, filter, h('span', { class: 'spacer' }),
    h('button', { class: 'primary', id: 'prices-sync', disabled: !api.has('pricesSync'), async onclick(ev) {
      ev.target.disabled = true;
      try {
        const r = await api.post('pricesSync', `${BASE}/sync`, {});
        status.replaceChildren(notice(t('prices.synced', `${r.imported ?? '?'} (${r.source || '–'})`), 'ok')); load();
      } catch (e) { status.replaceChildren(notice(t('common.error', e.message), 'error')); }
      ev.target.disabled = false;
    } }, t('prices.sync'))), status, unpriced, form.el, body);

  let table0 = {};
  function draw() {
    const q = filter.value.trim().toLowerCase();
    const rows = Object.entries(table0).filter(([m]) => !q || m.toLowerCase().includes(q)).sort(([a], [b]) => a.localeCompare(b));
    body.replaceChildren(h('div', { class: 'card' }, table([
      { title: t('col.model'), get: ([m]) => h('button', { class: 'link nowrap', title: t('common.edit'), onclick() { form.fill(m); } }, m), raw: true },
      ...FIELDS.map(([f, label]) => ({ title: t(label), get: ([, p]) => rate(p[f]), num: true, hide: f === 'prompt' || f === 'completion' ? undefined : 'phone' })),
      { title: t('prices.source'), get: ([, p]) => { const s = t(`prices.src.${p.source}`); return !p.source ? '–' : s.startsWith('prices.src.') ? p.source : s; }, hide: 'phone' },
    ], rows, t('common.none'), { id: 'prices-table' })));
  }

  function load() {
    section(body, async () => {
      table0 = (await api.get('prices', BASE)).prices || {};
      draw();
      return body.firstChild;
    });
    loadUnpriced();
  }

  /** Models used in the last 30 days that have no price: their cost shows as "no price", not $0. */
  async function loadUnpriced() {
    if (!api.has('analytics')) return;
    try {
      const to = Date.now();
      const a = await api.post('analytics', '/v0/management/monitoring/analytics', { from_ms: to - 30 * 86400e3, to_ms: to + 60e3, include: { model_stats: true } });
      const missing = (a.model_stats || []).filter((m) => m.unpriced_calls > 0 && m.model && m.model !== '-');
      unpriced.replaceChildren(...(missing.length ? [h('div', { class: 'notice warn' }, h('strong', {}, t('prices.unpricedTitle')), ' ',
        t('prices.unpricedHint'), h('ul', {}, missing.map((m) => h('li', {}, h('button', { class: 'link', 'data-raw': '', onclick() { form.fill(m.model); } }, m.model),
          ` — ${t('prices.unpricedCalls', num(m.unpriced_calls))}`))))] : []));
    } catch (_) { unpriced.replaceChildren(); }
  }

  function override() {
    if (!api.has('pricesSave')) return { el: h('div', {}), fill() {} };
    const model = h('input', { type: 'text', id: 'price-model', placeholder: t('col.model'), 'aria-label': t('col.model') });
    const inputs = FIELDS.map(([f, label]) => [f, h('input', { type: 'number', step: 'any', min: 0, id: `price-${f}`, placeholder: t(label), 'aria-label': t(label) })]);
    const el = h('div', { class: 'card', id: 'price-form' }, h('h2', {}, t('prices.override')),
      h('div', { class: 'grid' }, h('label', { class: 'field' }, h('span', {}, t('col.model')), model),
        inputs.map(([f, input]) => h('label', { class: 'field' }, h('span', {}, t(FIELDS.find((x) => x[0] === f)[1])), input))),
      h('p', { class: 'muted' }, t('prices.cacheHint')),
      h('button', { class: 'primary', id: 'price-save', async onclick() {
        const name = model.value.trim();
        if (!name) return;
        const entry = { ...(table0[name] || {}), source: 'manual' };
        inputs.forEach(([f, input]) => { if (input.value !== '') entry[f] = Number(input.value); });
        const manual = Object.fromEntries(Object.entries(table0).filter(([, p]) => p.source === 'manual'));
        try { await api.put('pricesSave', BASE, { prices: { ...manual, [name]: entry } }); toast(t('common.saved')); load(); } catch (e) { toast(t('common.error', e.message)); }
      } }, t('common.save')));
    return {
      el,
      fill(name) {
        model.value = name;
        const p = table0[name] || {};
        inputs.forEach(([f, input]) => { input.value = p[f] ?? ''; });
        el.scrollIntoView({ block: 'start' });
        model.focus();
      },
    };
  }
  load();
}
