// Version, store and database health (/status), the route table and which management APIs this server offers.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, stat, num, table, section, time, compact } from '../ui.js';

export default function system(root) {
  const caps = api.capabilities();
  const status = h('div', { id: 'system-status' });
  const routes = h('div', { class: 'card', id: 'system-routes' });
  root.append(h('div', { class: 'grid' }, stat(t('sys.version'), caps.version || document.querySelector('meta[name="spacegate-version"]')?.content || '–'),
    stat(t('sys.profile'), caps.profile || '–')), status, routes,
  h('div', { class: 'card' }, h('h2', {}, t('sys.apis')), h('p', {}, Object.entries(caps.apis || {}).map(([name, ok]) =>
    h('span', { class: `badge ${ok ? 'good' : 'warn'}`, title: name }, `${name} ${ok ? '✓' : '–'}`)).flatMap((b) => [b, ' ']))),
  h('div', { class: 'card' }, h('h2', {}, t('sys.docs')), h('ul', {},
    ['panel', 'routes', 'deploy', 'persistence'].map((d) => h('li', {}, h('code', {}, `docs/${d}.md`), ' '))),
    h('p', { class: 'muted' }, h('a', { href: '/' }, '/'), ' · ', h('a', { href: '/health' }, '/health'))),
  h('button', { class: 'small', onclick() { api.forgetKey(); location.reload(); } }, t('sys.clear')));

  section(status, async () => {
    const s = await api.get('status', '/status');
    const db = s.database || {};
    return h('div', { class: 'card' }, h('h2', {}, t('sys.store')), h('div', { class: 'grid' },
      stat(t('sys.engine'), db.engine || (s.dbPath ? 'sqlite' : '–'), db.authStore ? `auth files: ${db.authStore}` : ''),
      stat(t('sys.health'), h('span', { class: db.ok === false ? 'bad' : 'good', id: 'store-health' }, db.ok === false ? '✗' : '✓'), db.totalBytes ? `${compact(db.totalBytes)} B` : ''),
      stat(t('sys.events'), num(s.events), s.startedAt ? time(s.startedAt) : ''),
      stat('collector', (s.collector || {}).collector || '–', (s.collector || {}).lastError || ''),
      replica(s.replica || {})));
  });

  // Which replica answered, how it follows the others (listen / poll / single) and the last change it applied.
  function replica(r) {
    const last = r.lastChange ? `${t('sys.lastChange')}: ${r.lastChange.topic} #${r.lastChange.id} ${time(Date.parse(r.lastChange.appliedAt))}` : '';
    const mode = h('span', { class: r.stale ? 'bad' : 'good', id: 'replica-mode' }, `${r.mode || '–'}${r.stale ? ' (stale)' : ''}`);
    return stat(t('sys.replica'), h('span', {}, `${r.id || '–'} · `, mode),
      [r.configVersion != null ? `config v${r.configVersion}` : '', last].filter(Boolean).join(' · '));
  }

  section(routes, async () => {
    const res = await fetch('/panel/api/routes', { cache: 'no-store' });
    const r = await res.json();
    return [h('h2', {}, `${t('sys.routes')} (${r.profile})`), table([
      { title: 'match', get: (x) => x.match }, { title: 'path', get: (x) => (x.pattern ? h('code', {}, x.pattern) : '(anything else)') },
      { title: 'owner', get: (x) => x.owner }, { title: 'action', get: (x) => x.action },
    ], r.rules)];
  });
}
