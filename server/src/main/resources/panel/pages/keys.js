// Client API keys (config `api-keys`): create (shown once), revoke, alias (by the key's SHA-256, as usage records it);
// keys from secrets (CLIENT_API_KEYS, CLIENT_API_KEYS_PREVIOUS) listed read-only below.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, table, section, toast } from '../ui.js';

const BASE = '/v0/management';

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `sk-sg-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

async function sha256(text) {
  if (!crypto.subtle) return '';
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const mask = (k) => (k.length > 12 ? `${k.slice(0, 8)}…${k.slice(-4)}` : '••••');

export default function keys(root) {
  const created = h('div', { id: 'key-created' });
  const body = h('div', { id: 'keys' });
  const fromSecrets = h('div', { id: 'keys-secrets' });
  root.append(h('div', { class: 'row' }, h('button', { class: 'primary', id: 'key-create', disabled: !api.has('apiKeysSave'), async onclick() {
    const key = newKey();
    try {
      const current = (await api.get('apiKeys', `${BASE}/api-keys`))['api-keys'] || [];
      await api.put('apiKeysSave', `${BASE}/api-keys`, [...current, key]);
      created.replaceChildren(h('div', { class: 'card' }, h('p', {}, t('keys.shown')), h('div', { class: 'secret', id: 'key-secret' }, key),
        h('p'), h('button', { class: 'small', onclick() { navigator.clipboard?.writeText(key).then(() => toast(t('common.copy'))); } }, t('common.copy'))));
      load();
    } catch (e) { toast(t('common.error', e.message)); }
  } }, t('keys.create'))), created, body, fromSecrets);

  // The key made on the first start (printed once in the log) is shown here once, like a key created above.
  api.post(null, `${BASE}/first-client-key`).then((r) => {
    if (r && r.key) created.replaceChildren(h('div', { class: 'card', id: 'key-first' }, h('p', {}, t('keys.first')), h('p', {}, t('keys.shown')), h('div', { class: 'secret' }, r.key)));
  }).catch(() => {});

  function load() {
    section(body, async () => {
      const list = (await api.get('apiKeys', `${BASE}/api-keys`))['api-keys'] || [];
      let aliases = {};
      if (api.has('aliases')) {
        try { for (const a of (await api.get('aliases', `${BASE}/api-key-aliases`)).items || []) aliases[a.apiKeyHash] = a.alias; } catch (_) { aliases = {}; }
      }
      const rows = await Promise.all(list.map(async (k) => ({ key: k, hash: await sha256(k) })));
      return h('div', { class: 'card' }, table([
        { title: t('keys.hash'), get: (r) => h('code', {}, mask(r.key)) },
        { title: t('keys.alias'), get: (r) => {
          const input = h('input', { type: 'text', value: aliases[r.hash] || '', disabled: !r.hash || !api.has('aliasesSave'), placeholder: t('keys.alias') });
          return h('div', { class: 'row' }, input, h('button', { class: 'small', disabled: !r.hash || !api.has('aliasesSave'), async onclick() {
            try { await api.put('aliasesSave', `${BASE}/api-key-aliases`, { items: [{ apiKeyHash: r.hash, alias: input.value.trim() }] }); toast(t('common.saved')); } catch (e) { toast(t('common.error', e.message)); }
          } }, t('common.save')));
        } },
        { title: t('col.actions'), get: (r) => h('button', { class: 'small danger', async onclick() {
          if (!confirm(t('common.confirm'))) return;
          try { await api.del('apiKeys', `${BASE}/api-keys?value=${encodeURIComponent(r.key)}`); created.replaceChildren(); load(); } catch (e) { toast(t('common.error', e.message)); }
        } }, t('keys.revoke')) },
      ], rows));
    });
  }
  load();
  if (api.has('keySources')) {
    section(fromSecrets, async () => {
      const list = ((await api.get('keySources', `${BASE}/client-key-sources`)).keys || []).filter((k) => k.readOnly);
      if (!list.length) return h('div');
      return h('div', { class: 'card' }, h('h3', {}, t('keys.fromSecrets')), table([
        { title: t('keys.hash'), get: (k) => h('code', {}, k.key) },
        { title: t('keys.source'), get: (k) => k.source },
        { title: t('keys.label'), get: (k) => k.label || '' },
        { title: t('keys.until'), get: (k) => (k.until ? `${k.until}${k.expired ? ` (${t('keys.expired')})` : ''}` : '') },
      ], list));
    });
  }
}
