// API-key upstreams from the config lists this server serves (Gemini, Claude, Codex, xAI, Vertex, OpenAI-compatible):
// each entry with its masked key, models, traffic and health over 24 h, a Test button (the upstream's model list
// asked with that key), edit and remove; "Add upstream" opens the form with no kind chosen in advance.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, num, pct, ms, section, toast, notice, unavailable } from '../ui.js';

const BASE = '/v0/management';
/** The API-key lists of the provider catalogue, as [section, capability, label, provider] (from the server). */
const kinds = () => (api.capabilities().providers?.keyLists || []).map((l) => [l.section, l.capability, l.label, l.provider]);

/** A list's name in the operator's language where the panel has one (`prov.<section>`), else the catalogue's. */
const kindLabel = (section, label) => { const key = `prov.${section}`; return t(key) === key ? label : t(key); };
const keyOf = (kind, e) => (kind === 'openai-compatibility' ? (e['api-key-entries'] || [])[0]?.['api-key'] : e['api-key']) || '';
const maskKey = (k) => (!k ? '–' : k.length > 8 ? `${k.slice(0, 4)}...${k.slice(-4)}` : '****');
const modelsText = (e) => (e.models || []).map((m) => (m.alias ? `${m.name}=${m.alias}` : m.name)).join(', ');
const parseModels = (s) => s.split(',').map((x) => x.trim()).filter(Boolean).map((x) => { const [name, alias] = x.split('='); return alias ? { name: name.trim(), alias: alias.trim() } : { name: name.trim() }; });

export default function providers(root) {
  const offered = kinds().filter(([, cap]) => api.has(cap));
  if (!offered.length) { root.append(unavailable(`${BASE}/*-api-key`)); return; }
  const form = h('div', { id: 'provider-form' });
  const lists = h('div', { id: 'providers' });
  root.append(h('div', { class: 'row' }, h('p', { class: 'muted' }, t('prov.intro')), h('span', { class: 'spacer' }),
    h('button', { class: 'primary', id: 'provider-add', onclick() { showForm(); } }, t('prov.add'))), form, lists);
  load();

  /** Calls, success and latency per credential over 24 h, by credential name ("provider masked-key"). */
  async function traffic() {
    if (!api.has('analytics')) return {};
    try {
      const to = Date.now();
      const a = await api.post('analytics', '/v0/management/monitoring/analytics', { from_ms: to - 86400e3, to_ms: to + 60e3, include: { credential_stats: true } });
      return Object.fromEntries((a.credential_stats || []).map((c) => [c.name, c]));
    } catch (_) { return {}; }
  }

  function load() {
    section(lists, async () => {
      const stats = await traffic();
      const empty = [];
      const cards = [];
      for (const [kind, cap, label, provider] of offered) {
        let items;
        try { items = (await api.get(cap, `${BASE}/${kind}`))[kind] || []; } catch (e) { cards.push(h('div', { class: 'card' }, notice(t('common.error', e.message), 'error'))); continue; }
        if (!items.length) { empty.push(kindLabel(kind, label)); continue; }
        cards.push(h('div', { class: 'card', 'data-kind': kind }, h('h2', {}, kindLabel(kind, label)),
          h('div', { class: 'entries' }, items.map((e, i) => entry(kind, cap, items, e, i, stats[`${provider || e.name} ${maskKey(keyOf(kind, e))}`])))));
      }
      if (empty.length) cards.push(h('p', { class: 'muted' }, t('prov.none', empty.join(', '))));
      return cards;
    });
  }

  function entry(kind, cap, items, e, index, s) {
    const result = h('span', { class: 'check-result' });
    const health = !s ? h('span', { class: 'muted' }, t('prov.noTraffic'))
      : h('span', { class: s.success_rate < 0.9 ? 'bad' : s.success_rate < 1 ? 'warn' : 'good' },
        t('prov.traffic', num(s.total_calls), pct(s.success_rate), ms(s.average_latency_ms)));
    return h('div', { class: 'entry' },
      h('div', { class: 'entry-head' }, h('strong', { 'data-raw': '' }, kind === 'openai-compatibility' ? e.name : maskKey(keyOf(kind, e))),
        kind === 'openai-compatibility' ? h('code', {}, maskKey(keyOf(kind, e))) : null, health),
      h('div', { class: 'muted', 'data-raw': '' }, e['base-url'] || t('prov.defaultUrl')),
      h('div', { 'data-raw': '' }, modelsText(e) || h('span', { class: 'muted' }, t('prov.allModels'))),
      h('div', { class: 'row' },
        h('button', { class: 'small provider-test', disabled: !api.has('upstreamCheck'), async onclick(ev) {
          ev.target.disabled = true;
          result.replaceChildren(t('prov.testing'));
          try {
            const r = await api.post('upstreamCheck', `${BASE}/monitoring/upstream-check`, { section: kind, index });
            result.replaceChildren(h('span', { class: r.ok ? 'good' : 'bad' }, r.ok ? t('prov.testOk', num(r.models), ms(r.latency_ms))
              : t('prov.testBad', r.status || t('common.network'), r.message || '')));
          } catch (err) { result.replaceChildren(h('span', { class: 'bad' }, t('common.error', err.message))); }
          ev.target.disabled = false;
        } }, t('prov.test')),
        h('button', { class: 'small', onclick() { showForm(kind, e, index); } }, t('common.edit')),
        h('button', { class: 'small danger', async onclick() {
          if (!confirm(t('common.confirm'))) return;
          try { await api.del(cap, `${BASE}/${kind}?index=${index}`); load(); } catch (err) { toast(t('common.error', err.message)); }
        } }, t('common.delete')), result));
  }

  function showForm(kind = '', entry = {}, index = -1) {
    const sel = h('select', { id: 'provider-kind', disabled: index >= 0, onchange: shape },
      h('option', { value: '', disabled: true, selected: !kind }, t('prov.choose')),
      offered.map(([k, , label]) => h('option', { value: k, selected: k === kind }, kindLabel(k, label))));
    const name = h('input', { type: 'text', id: 'provider-name', value: entry.name || '', placeholder: t('prov.namePh') });
    const keyIn = h('input', { type: 'password', id: 'provider-key', value: keyOf(kind, entry), autocomplete: 'off' });
    const base = h('input', { type: 'url', id: 'provider-base', value: entry['base-url'] || '', placeholder: 'https://…' });
    const models = h('input', { type: 'text', id: 'provider-models', value: modelsText(entry), placeholder: 'gpt-4o-mini=mini, …' });
    const nameField = h('label', { class: 'field' }, h('span', {}, t('col.name')), name);
    const status = h('div', {});
    function shape() { nameField.hidden = sel.value !== 'openai-compatibility'; }
    shape();
    form.replaceChildren(h('div', { class: 'card' }, h('h2', {}, index >= 0 ? t('common.edit') : t('prov.add')),
      h('div', { class: 'grid' }, h('label', { class: 'field' }, h('span', {}, t('prov.kind')), sel), nameField,
        h('label', { class: 'field' }, h('span', {}, t('prov.key')), keyIn), h('label', { class: 'field' }, h('span', {}, t('prov.baseUrl')), base)),
      h('label', { class: 'field' }, h('span', {}, t('prov.models')), models), status,
      h('div', { class: 'row' }, h('button', { class: 'primary', id: 'provider-save', async onclick() {
        const k = sel.value;
        if (!k) { status.replaceChildren(notice(t('prov.choose'), 'error')); return; }
        const cap = offered.find(([x]) => x === k)[1];
        const value = k === 'openai-compatibility'
          ? { ...entry, name: name.value.trim(), 'base-url': base.value.trim(), 'api-key-entries': [{ 'api-key': keyIn.value.trim() }], models: parseModels(models.value) }
          : { ...entry, 'api-key': keyIn.value.trim(), ...(base.value.trim() ? { 'base-url': base.value.trim() } : {}), models: parseModels(models.value) };
        try {
          const items = (await api.get(cap, `${BASE}/${k}`))[k] || [];
          if (index >= 0) items[index] = value; else items.push(value);
          await api.put(cap, `${BASE}/${k}`, items);
          toast(t('prov.added')); form.replaceChildren(); load();
        } catch (e) { status.replaceChildren(notice(t('common.error', e.message), 'error')); }
      } }, t('common.save')), h('button', { onclick() { form.replaceChildren(); } }, t('common.cancel')))));
    (index >= 0 ? keyIn : sel).focus();
  }
}
