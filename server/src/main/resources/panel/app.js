// The panel shell: login, navigation (hash routes, so /management.html and /cpm/ behave the same), language, theme.
import { t, language, setLanguage } from './i18n.js';
import * as api from './api.js';
import { h } from './ui.js';
import dashboard from './pages/dashboard.js';
import monitoring from './pages/monitoring.js';
import usage from './pages/usage.js';
import authFiles from './pages/auth-files.js';
import providers from './pages/providers.js';
import keys from './pages/keys.js';
import prices from './pages/prices.js';
import config from './pages/config.js';
import system from './pages/system.js';

const PAGES = [
  ['dashboard', dashboard], ['monitoring', monitoring], ['usage', usage], ['auth-files', authFiles],
  ['providers', providers], ['keys', keys], ['prices', prices], ['config', config], ['system', system],
];
const THEME_KEY = 'spacegate.theme';
const app = document.getElementById('app');
let stopPage = null;
let loginMessage = '';

function applyTheme() {
  document.documentElement.dataset.theme = localStorage.getItem(THEME_KEY) || 'auto';
}

function cycleTheme() {
  const order = ['auto', 'light', 'dark'];
  const now = localStorage.getItem(THEME_KEY) || 'auto';
  localStorage.setItem(THEME_KEY, order[(order.indexOf(now) + 1) % order.length]);
  applyTheme();
  render();
}

// pages that moved: old bookmarks still land on them
const MOVED = { accounts: 'auth-files' };

function currentPage() {
  const asked = (location.hash.match(/^#\/([a-z-]+)/) || [])[1];
  const name = MOVED[asked] || asked;
  return PAGES.find(([n]) => n === name) ? name : 'dashboard';
}

function logout(message = '') {
  api.forgetKey();
  loginMessage = message;
  render();
}

function renderLogin() {
  document.title = t('login.title');
  const key = h('input', { type: 'password', id: 'login-key', autocomplete: 'current-password', required: true });
  const remember = h('input', { type: 'checkbox', id: 'login-remember' });
  const msg = h('div', { id: 'login-message' }, loginMessage ? h('div', { class: 'notice error' }, loginMessage) : null);
  const submit = h('button', { class: 'primary', type: 'submit', id: 'login-submit' }, t('login.submit'));
  const form = h('form', {
    async onsubmit(ev) {
      ev.preventDefault();
      const value = key.value.trim();
      if (!value) { msg.replaceChildren(h('div', { class: 'notice error' }, t('login.empty'))); return; }
      submit.disabled = true;
      try {
        const result = await verify(value);
        if (result === 'bad' || result === 'banned') {
          msg.replaceChildren(h('div', { class: 'notice error' }, t(result === 'bad' ? 'login.bad' : 'login.banned')));
          return;
        }
        api.saveKey(value, remember.checked);
        loginMessage = result === 'noapi' ? t('login.noapi') : '';
        render();
      } catch (e) {
        msg.replaceChildren(h('div', { class: 'notice error' }, t('common.error', e.message)));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('label', { class: 'field' }, h('span', {}, t('login.key')), key),
  h('label', { class: 'check' }, remember, t('login.remember')), h('p'), msg, submit);
  app.replaceChildren(h('main', { class: 'login' },
    h('div', { class: 'row' }, h('div', { class: 'brand' }, h('img', { src: iconUrl(), alt: '' }), 'Spacegate'),
      h('span', { class: 'spacer' }), langButton()),
    h('div', { class: 'card' }, h('h1', {}, t('login.title')), form, h('p', { class: 'hint', id: 'login-hint' }, t('login.hint')))));
  key.focus();
}

/** Checks a key against the first key-protected call the server offers: 'ok', 'bad', 'banned' or 'noapi'. */
async function verify(key) {
  const probe = api.has('status') ? ['status', '/status'] : api.has('config') ? ['config', '/v0/management/config'] : null;
  if (!probe) return 'noapi';
  try {
    await api.get(probe[0], probe[1], { key });
    return 'ok';
  } catch (e) {
    if (e instanceof api.NotAvailable) return 'noapi';
    if (e.status === 401) return 'bad';
    if (e.status === 403) return 'banned';
    throw e;
  }
}

function iconUrl() { return new URL('./favicon.svg', import.meta.url).pathname; }

function langButton() {
  return h('button', { class: 'small', id: 'lang-toggle', onclick() { setLanguage(language() === 'zh' ? 'en' : 'zh'); render(); } },
    t('tools.lang'));
}

function renderShell() {
  const page = currentPage();
  document.title = `${t(`nav.${page}`)} · Spacegate`;
  const side = h('nav', { class: 'side', id: 'side' },
    h('div', { class: 'brand' }, h('img', { src: iconUrl(), alt: '' }), 'Spacegate'),
    h('div', { class: 'nav' }, PAGES.map(([name]) => h('a', {
      href: `#/${name}`, id: `nav-${name}`, class: name === page ? 'active' : '',
      onclick() { side.classList.remove('open'); },
    }, t(`nav.${name}`)))),
    h('div', { class: 'tools' }, langButton(),
      h('button', { class: 'small', id: 'theme-toggle', onclick: cycleTheme },
        `${t('tools.theme')}: ${t(`theme.${localStorage.getItem(THEME_KEY) || 'auto'}`)}`),
      h('button', { class: 'small', id: 'logout', onclick() { logout(); } }, t('tools.logout'))));
  const main = h('main', { class: 'main', id: 'page', 'data-page': page });
  const top = h('header', { class: 'topbar' },
    h('button', { class: 'small', id: 'menu', onclick() { side.classList.toggle('open'); } }, `☰ ${t('nav.menu')}`),
    h('strong', {}, t(`nav.${page}`)));
  app.replaceChildren(h('div', { class: 'shell' }, side, h('div', {}, top, main)));
  if (loginMessage) { main.append(h('div', { class: 'notice' }, loginMessage)); loginMessage = ''; }
  const body = h('div', {});
  main.append(h('h1', {}, t(`nav.${page}`)), body);
  const mod = PAGES.find(([n]) => n === page)[1];
  stopPage = mod(body) || null;
}

function render() {
  if (typeof stopPage === 'function') stopPage();
  stopPage = null;
  if (!api.storedKey()) renderLogin(); else renderShell();
}

api.onUnauthorized(() => logout(t('login.expired')));
window.addEventListener('hashchange', render);
applyTheme();
api.loadCapabilities().catch(() => ({})).then(render);
