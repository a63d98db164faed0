// API-key upstreams from the config lists (gemini, claude, codex, xai, vertex, OpenAI-compatible): add, edit, remove,
// test (lists the upstream's models through the gateway), models and aliases.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, table, section, toast, short, unavailable } from '../ui.js';

const BASE = '/v0/management';
const KINDS = [['gemini-api-key', 'geminiKeys', 'Gemini'], ['claude-api-key', 'claudeKeys', 'Claude'], ['codex-api-key', 'codexKeys', 'Codex'],
  ['xai-api-key', 'xaiKeys', 'xAI'], ['vertex-api-key', 'vertexKeys', 'Vertex'], ['openai-compatibility', 'openaiCompat', 'prov.openaiCompat']];

const kindLabel = (l) => (l.startsWith('prov.') ? t(l) : l);
const maskKey = (k) => (!k ? '–' : k.length > 10 ? `${k.slice(0, 6)}…${k.slice(-3)}` : '••••');
const modelsText = (e) => (e.models || []).map((m) => (m.alias ? `${m.name}=${m.alias}` : m.name)).join(', ');
const parseModels = (s) => s.split(',').map((x) => x.trim()).filter(Boolean).map((x) => { const [name, alias] = x.split('='); return alias ? { name: name.trim(), alias: alias.trim() } : { name: name.trim() }; });

export default function providers(root) {
  const offered = KINDS.filter(([, cap]) => api.has(cap));
  if (!offered.length) { root.append(unavailable(`${BASE}/*-api-key`)); return; }
  const form = h('div', { id: 'provider-form' });
  const lists = h('div', { id: 'providers' });
  root.append(form, lists);
  showForm();
  load();

  function load() {
    lists.replaceChildren();
    for (const [key, cap, label] of offered) {
      const el = h('div', { class: 'card' });
      lists.append(el);
      section(el, async () => {
        const items = (await api.get(cap, `${BASE}/${key}`))[key] || [];
        return [h('h2', {}, kindLabel(label)), table([
          { title: key === 'openai-compatibility' ? t('col.name') : t('prov.key'), get: (e) => (key === 'openai-compatibility' ? e.name : h('code', {}, maskKey(e['api-key']))) },
          { title: t('prov.baseUrl'), get: (e) => short(e['base-url'] || '', 48), hide: 'phone', raw: true },
          { title: t('prov.modelsCol'), get: (e) => short(modelsText(e), 80) },
          { title: t('col.actions'), get: (e) => h('div', { class: 'row' },
            h('button', { class: 'small', onclick() { showForm(key, e, items.indexOf(e)); } }, t('common.edit')),
            h('button', { class: 'small danger', async onclick() {
              if (!confirm(t('common.confirm'))) return;
              try { await api.del(cap, `${BASE}/${key}?index=${items.indexOf(e)}`); load(); } catch (err) { toast(t('common.error', err.message)); }
            } }, t('common.delete'))) },
        ], items)];
      });
    }
  }

  function showForm(kind = offered[0][0], entry = {}, index = -1) {
    const sel = h('select', { disabled: index >= 0 }, offered.map(([k, , label]) => h('option', { value: k, selected: k === kind }, kindLabel(label))));
    const name = h('input', { type: 'text', value: entry.name || '', placeholder: t('prov.namePh') });
    const keyIn = h('input', { type: 'password', value: entry['api-key'] || (entry['api-key-entries'] || [])[0]?.['api-key'] || '', autocomplete: 'off' });
    const base = h('input', { type: 'url', value: entry['base-url'] || '', placeholder: 'https://…' });
    const models = h('input', { type: 'text', value: modelsText(entry) });
    form.replaceChildren(h('div', { class: 'card' }, h('h2', {}, index >= 0 ? t('common.edit') : t('common.add')),
      h('div', { class: 'grid' }, h('label', { class: 'field' }, h('span', {}, t('prov.kind')), sel), h('label', { class: 'field' }, h('span', {}, t('col.name')), name),
        h('label', { class: 'field' }, h('span', {}, t('prov.key')), keyIn), h('label', { class: 'field' }, h('span', {}, t('prov.baseUrl')), base)),
      h('label', { class: 'field' }, h('span', {}, t('prov.models')), models),
      h('div', { class: 'row' }, h('button', { class: 'primary', async onclick() {
        const k = sel.value, cap = offered.find(([x]) => x === k)[1];
        const value = k === 'openai-compatibility'
          ? { ...entry, name: name.value.trim(), 'base-url': base.value.trim(), 'api-key-entries': [{ 'api-key': keyIn.value.trim() }], models: parseModels(models.value) }
          : { ...entry, 'api-key': keyIn.value.trim(), ...(base.value.trim() ? { 'base-url': base.value.trim() } : {}), models: parseModels(models.value) };
        try {
          const items = (await api.get(cap, `${BASE}/${k}`))[k] || [];
          if (index >= 0) items[index] = value; else items.push(value);
          await api.put(cap, `${BASE}/${k}`, items);
          toast(t('prov.added')); showForm(); load();
        } catch (e) { toast(t('common.error', e.message)); }
      } }, t('common.save')), index >= 0 ? h('button', { onclick() { showForm(); } }, t('common.cancel')) : null)));
  }
}
