// The server in plain words: version and route profile, whether storage is healthy, how much usage it holds,
// which part of Spacegate answers which addresses, which features this server offers, and where the guides are.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, stat, num, table, section, time, bytes } from '../ui.js';

/**
 * Features the panel can use, in the operator's words, with the capability names behind each; the provider features
 * come from the catalogue the server sends with its capabilities.
 */
function features(providers) {
  const lists = providers.keyLists || [];
  return [
    [t('feat.usage'), ['dashboard', 'analytics', 'usage']], [t('feat.live'), ['monitorStream']], [t('feat.transfer'), ['usageExport', 'usageImport']],
    [t('feat.prices'), ['prices', 'pricesSave', 'pricesSync']], [t('feat.config'), ['configYaml', 'configYamlSave']],
    [t('feat.keys'), ['apiKeys', 'apiKeysSave', 'aliases']], [t('feat.authFiles'), ['authFiles', 'authUpload']],
    [t('feat.oauth'), (providers.logins || []).map((l) => l.capability)],
    [t('feat.providers'), lists.filter((l) => l.called).map((l) => l.capability)],
    ...lists.filter((l) => !l.called).map((l) => [t('feat.keyList', l.label), [l.capability]]),
    [t('feat.gateway'), ['chat', 'models']],
  ];
}
const DOCS = [['panel', 'doc.panel'], ['operations', 'doc.operations'], ['deploy', 'doc.deploy'], ['configuration', 'doc.configuration'], ['routes', 'doc.routes']];

function owner(o) { return ['gateway', 'manager', 'panel'].includes(o) ? t(`owner.${o}`) : o; }

function action(x) {
  switch (x.kind) {
    case 'serve': return t('route.serve');
    case 'rewrite': return t('route.rewrite', x.target);
    case 'strip': return t('route.strip', x.target);
    case 'strip_reroute': return t('route.stripReroute', x.target);
    case 'redirect': return t('route.redirect', x.target);
    default: return x.action;
  }
}

export default function system(root) {
  const caps = api.capabilities();
  const status = h('div', { id: 'system-status' });
  const routes = h('div', { class: 'card', id: 'system-routes' });
  const apis = caps.apis || {};
  root.append(h('div', { class: 'grid' }, stat(t('sys.version'), h('span', { 'data-raw': '' }, caps.version || document.querySelector('meta[name="spacegate-version"]')?.content || '–')),
    stat(t('sys.profile'), h('span', { 'data-raw': '' }, caps.profile || '–'), t('sys.profileHint'))), status,
  h('div', { class: 'card', id: 'system-features' }, h('h2', {}, t('sys.apis')), h('ul', { class: 'features' }, features(caps.providers || {}).map(([label, names]) => {
    const on = names.filter((n) => apis[n] !== false).length;
    const state = on === names.length ? 'good' : on === 0 ? 'muted' : 'warn';
    return h('li', { class: state, title: names.join(', ') }, `${on === names.length ? '✓' : on === 0 ? '–' : '◐'} ${label}`);
  }))),
  routes,
  h('div', { class: 'card' }, h('h2', {}, t('sys.docs')), h('ul', {},
    DOCS.map(([d, key]) => h('li', {}, t(key), ' — ', h('code', {}, `docs/${d}.md`)))),
    h('p', { class: 'muted' }, h('a', { href: '/' }, t('sys.home')), ' · ', h('a', { href: '/health' }, t('sys.healthCheck')))),
  h('button', { class: 'small', onclick() { api.forgetKey(); location.reload(); } }, t('sys.clear')));

  section(status, async () => {
    const s = await api.get('status', '/status');
    const db = s.database || {};
    const col = s.collector || {};
    const collector = col.collector === 'builtin' ? t('sys.collectorBuiltin') : col.collector === 'stopped' ? t('sys.collectorStopped') : (col.collector || '–');
    return h('div', { class: 'card' }, h('h2', {}, t('sys.store')), h('div', { class: 'grid' },
      stat(t('sys.engine'), db.engine === 'postgresql' ? 'PostgreSQL' : db.engine === 'sqlite' ? 'SQLite' : (db.engine || '–'),
        db.authStore ? t('sys.authStore', db.authStore === 'database' ? t('sys.inDatabase') : db.authStore === 'dir' ? t('sys.inFolder') : db.authStore === 'git' ? t('sys.inGit') : db.authStore) : ''),
      stat(t('sys.health'), h('span', { class: db.ok === false ? 'bad' : 'good', id: 'store-health' }, db.ok === false ? t('sys.down') : t('sys.ok')), db.totalBytes ? t('sys.size', bytes(db.totalBytes)) : ''),
      stat(t('sys.events'), num(s.events), s.startedAt ? t('sys.since', time(s.startedAt)) : ''),
      stat(t('sys.collector'), collector, col.lastError ? String(col.lastError) : ''),
      replica(s.replica || {})));
  });

  // Which replica answered, how it follows the others (listen / poll / single) and the last change it applied.
  function replica(r) {
    const mode = h('span', { class: r.stale ? 'bad' : 'good', id: 'replica-mode' }, `${r.mode ? t(`replica.${r.mode}`) : '–'}${r.stale ? ` (${t('replica.stale')})` : ''}`);
    const last = r.lastChange ? t('replica.last', r.lastChange.topic, time(Date.parse(r.lastChange.appliedAt))) : '';
    return stat(t('sys.replica'), h('span', {}, h('span', { 'data-raw': '' }, `${r.id || '–'}`), ' · ', mode),
      [r.mode ? t(`replica.${r.mode}Hint`) : '', r.configVersion != null ? t('cfg.version', r.configVersion) : '', last].filter(Boolean).join(' · '));
  }

  section(routes, async () => {
    const res = await fetch('/panel/api/routes', { cache: 'no-store' });
    const r = await res.json();
    return [h('h2', {}, t('sys.routes')), h('p', { class: 'muted' }, t('sys.routesHint', ''), h('code', {}, r.profile)), table([
      { title: t('route.path'), get: (x) => (x.match === 'fallback' ? t('route.anything') : h('code', {}, x.match === 'prefix' ? `${x.pattern}…` : x.pattern)) },
      { title: t('route.owner'), get: (x) => owner(x.owner) },
      { title: t('route.action'), get: (x) => action(x), hide: 'phone' },
    ], r.rules)];
  });
}
