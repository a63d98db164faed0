// Model prices (USD per million tokens): the table, a sync from public price lists, and manual overrides.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, table, section, toast, notice } from '../ui.js';

const BASE = '/v0/management/model-prices';
// Field names of the CPA-Manager-Plus price table (USD per million tokens).
const FIELDS = [['prompt', 'prices.input'], ['completion', 'prices.output'], ['cacheRead', 'prices.cacheRead'], ['cacheCreation', 'prices.cacheWrite']];

export default function prices(root) {
  const status = h('div', {});
  const body = h('div', { id: 'prices' });
  const filter = h('input', { type: 'search', placeholder: t('mon.filter'), oninput: load });
  root.append(h('div', { class: 'row' }, filter, h('span', { class: 'spacer' }),
    h('button', { class: 'primary', id: 'prices-sync', disabled: !api.has('pricesSync'), async onclick(ev) {
      ev.target.disabled = true;
      try {
        const r = await api.post('pricesSync', `${BASE}/sync`, {});
        status.replaceChildren(notice(t('prices.synced', `${r.imported ?? '?'} (${r.source || '–'})`), 'ok')); load();
      } catch (e) { status.replaceChildren(notice(t('common.error', e.message), 'error')); }
      ev.target.disabled = false;
    } }, t('prices.sync'))), status, override(), body);

  let table0 = {};
  function load() {
    section(body, async () => {
      table0 = (await api.get('prices', BASE)).prices || {};
      const q = filter.value.trim().toLowerCase();
      const rows = Object.entries(table0).filter(([m]) => !q || m.toLowerCase().includes(q)).sort(([a], [b]) => a.localeCompare(b));
      return h('div', { class: 'card' }, table([
        { title: t('col.model'), get: ([m]) => m },
        ...FIELDS.map(([f, label]) => ({ title: t(label), get: ([, p]) => (p[f] ?? '–'), num: true })),
        { title: t('prices.source'), get: ([, p]) => p.source || '–' },
      ], rows));
    });
  }

  function override() {
    if (!api.has('pricesSave')) return h('div', {});
    const model = h('input', { type: 'text', placeholder: t('col.model') });
    const inputs = FIELDS.map(([f, label]) => [f, h('input', { type: 'number', step: 'any', min: 0, placeholder: t(label) })]);
    return h('div', { class: 'card' }, h('h2', {}, t('prices.override')), h('div', { class: 'row' }, model, inputs.map(([, el]) => el),
      h('button', { async onclick() {
        if (!model.value.trim()) return;
        const entry = { ...(table0[model.value.trim()] || {}), source: 'manual' };
        inputs.forEach(([f, el]) => { if (el.value !== '') entry[f] = Number(el.value); });
        try { await api.put('pricesSave', BASE, { prices: { ...table0, [model.value.trim()]: entry } }); toast(t('common.saved')); load(); } catch (e) { toast(t('common.error', e.message)); }
      } }, t('common.save'))));
  }
  load();
}
