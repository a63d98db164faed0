// config.yaml: edit, check, review a line diff, save; routing strategy and request retries.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, section, notice, toast } from '../ui.js';

const BASE = '/v0/management';

/** A minimal line diff (longest common subsequence) as [{op: ' '|'+'|'-', line}]. */
export function diffLines(a, b) {
  const x = a.split('\n'), y = b.split('\n');
  const n = x.length, m = y.length;
  if (n * m > 4e6) return [...x.map((line) => ({ op: '-', line })), ...y.map((line) => ({ op: '+', line }))];
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { out.push({ op: ' ', line: x[i] }); i++; j++; } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ op: '-', line: x[i++] }); else out.push({ op: '+', line: y[j++] });
  }
  while (i < n) out.push({ op: '-', line: x[i++] });
  while (j < m) out.push({ op: '+', line: y[j++] });
  return out;
}

/** Catches what breaks most hand edits before the server's full validation: tabs and unbalanced quotes/brackets. */
export function lintYaml(text) {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^\t/.test(l)) return `line ${i + 1}: tabs are not allowed for indentation`;
    const bare = l.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '').replace(/\s#.*$/, '');
    if (/^\s*#/.test(l)) continue;
    if ((bare.match(/"/g) || []).length % 2 || (bare.match(/'/g) || []).length % 2 && !/\w'\w/.test(bare)) return `line ${i + 1}: unclosed quote`;
    if ((bare.match(/\[/g) || []).length !== (bare.match(/]/g) || []).length) return `line ${i + 1}: unbalanced [ ]`;
    if ((bare.match(/{/g) || []).length !== (bare.match(/}/g) || []).length) return `line ${i + 1}: unbalanced { }`;
  }
  return '';
}

/** Matches a YAML line whose key names a secret: `  api-key: value`, `- secret: value`. */
const SECRET_LINE = /^(\s*(?:-\s+)?["']?[\w.-]*(?:key|secret|password|token|passphrase)[\w.-]*["']?\s*:\s+)(["']?)([^"'#\s[{][^"'#]*?)(\2)(\s+#.*)?$/i;
/** The same inside a flow mapping: `{api-key: value, ...}`. */
const SECRET_FLOW = /([{,]\s*["']?[\w.-]*(?:key|secret|password|token|passphrase)[\w.-]*["']?\s*:\s*)(["']?)([^,}"'\s]+)(\2)/gi;

/** A secret as other pages show it: the first and last four characters around a fixed run of dots. */
export function maskValue(v) { return v.length <= 12 ? '••••••••' : `${v.slice(0, 4)}••••${v.slice(-4)}`; }

/**
 * The document with secrets masked for display: values of keys naming a key, secret, password or token, the items
 * of key lists (`api-keys:`), and credentials inside URLs (`scheme://user:pass@host`).
 */
export function maskYaml(text) {
  let listIndent = -1;
  return text.split('\n').map((line) => {
    const indent = line.search(/\S/);
    if (listIndent >= 0 && indent >= 0 && (indent < listIndent || (indent === listIndent && !/^\s*-/.test(line)))) listIndent = -1;
    let out = line.replace(/(:\/\/[^/\s:@]+:)([^@\s/]+)@/g, (_, a) => `${a}••••@`)
      .replace(SECRET_FLOW, (_, a, q, v) => `${a}${q}${maskValue(v)}${q}`);
    const m = SECRET_LINE.exec(out);
    if (m && !/^(true|false|null|~|\[\]|\{\})$/i.test(m[3].trim())) out = `${m[1]}${m[2]}${maskValue(m[3])}${m[4]}${m[5] || ''}`;
    if (/^\s*["']?[\w-]*keys["']?\s*:\s*$/i.test(line)) listIndent = indent + 1;
    else if (listIndent >= 0 && /^\s*-\s+["']?[^\s"'{[][^"'#]*["']?\s*$/.test(line)) {
      out = line.replace(/^(\s*-\s+)(["']?)([^"'#]+?)(\2)\s*$/, (_, a, q, v) => `${a}${q}${maskValue(v)}${q}`);
    }
    return out;
  }).join('\n');
}

/** GET config.yaml as {text, etag}; the ETag names the stored version (absent on servers without versioning). */
async function loadYaml() {
  const res = await api.call('configYaml', `${BASE}/config.yaml`, { raw: true });
  return { text: await res.text(), etag: res.headers.get('ETag') };
}

export default function config(root) {
  const editorCard = h('div', { class: 'card', id: 'config-yaml' });
  const settings = h('div', { class: 'card', id: 'config-settings' });
  root.append(settings, editorCard);
  let editor = null;

  section(editorCard, async () => {
    let { text: saved, etag } = await loadYaml();
    const area = h('textarea', { class: 'code', id: 'yaml', spellcheck: false, readOnly: true, value: maskYaml(saved), 'aria-label': t('cfg.yaml') });
    let revealed = false;
    const out = h('div', { id: 'config-review' });
    const version = h('span', { class: 'muted', id: 'config-version' });
    const showVersion = () => { version.textContent = etag ? t('cfg.version', etag.replace(/"/g, '')) : ''; };
    showVersion();
    // keys of the running config that Spacegate accepts but does not use (GET /config-keys; absent on older servers)
    const ignoredNote = h('div', { id: 'config-ignored' });
    api.get(null, `${BASE}/config-keys`).then((k) => {
      if (k.ignored && k.ignored.length) ignoredNote.replaceChildren(notice(t('cfg.ignored', k.ignored.join(', '))));
    }).catch(() => {});
    const revealBtn = h('button', { id: 'config-reveal', onclick() {
      revealed = !revealed;
      area.readOnly = !revealed;
      area.value = revealed ? saved : maskYaml(saved);
      revealBtn.textContent = revealed ? t('cfg.hide') : t('cfg.reveal');
      maskNote.hidden = revealed;
    } }, t('cfg.reveal'));
    const maskNote = h('span', { class: 'muted' }, t('cfg.masked'));
    const check = () => { const p = lintYaml(area.value); out.replaceChildren(notice(p ? t('cfg.invalid', p) : t('cfg.valid'), p ? 'error' : 'ok')); return !p; };
    const diffView = (base, next) => h('pre', { class: 'diff', id: 'config-diff' }, diffLines(base, next)
      .filter((l, i, all) => l.op !== ' ' || all.slice(Math.max(0, i - 2), i + 3).some((c) => c.op !== ' '))
      .map((l) => h('div', { class: l.op === '+' ? 'add' : l.op === '-' ? 'del' : '' }, `${l.op} ${revealed ? l.line : maskYaml(l.line)}`)));
    async function save() {
      const headers = { 'Content-Type': 'application/yaml' };
      if (etag) headers['If-Match'] = etag;
      try {
        const res = await api.call('configYamlSave', `${BASE}/config.yaml`, { method: 'PUT', body: area.value, headers, raw: true });
        saved = area.value;
        etag = res.headers.get('ETag') || etag;
        showVersion();
        let ignored = [];
        try { ignored = (await res.json()).ignored || []; } catch (_) { /* no body */ }
        out.replaceChildren(notice(ignored.length ? `${t('common.saved')} ${t('cfg.ignored', ignored.join(', '))}` : t('common.saved'), 'ok'));
      } catch (e) {
        if (e.status === 409 && e.code === 'config_conflict') return conflict(e);
        // a key read only at start: the server's message names it and the variable to set instead
        if (e.status === 409 && e.code === 'restart_required') return out.replaceChildren(notice(e.message, 'error'));
        out.replaceChildren(notice(t('cfg.invalid', e.message), 'error'));
      }
      return undefined;
    }
    /** Someone saved first: keep the operator's text, take the current version as the new base and show the diff. */
    async function conflict(e) {
      const fresh = await loadYaml();
      saved = fresh.text;
      etag = fresh.etag;
      showVersion();
      out.replaceChildren(h('div', { class: 'notice error conflict', id: 'config-conflict' },
        h('strong', {}, t('cfg.conflict', e.body.current_version ?? '?')), ' ', t('cfg.conflictHint')),
      diffView(saved, area.value), h('p'), h('div', { class: 'row' },
        h('button', { class: 'primary', id: 'config-save', onclick: save }, t('cfg.saveAnyway')),
        h('button', { id: 'config-take-current', onclick() { area.value = revealed ? saved : maskYaml(saved); out.replaceChildren(notice(t('cfg.reloaded'), 'ok')); } }, t('cfg.takeCurrent'))));
    }
    const review = () => {
      if (!revealed) { out.replaceChildren(notice(t('cfg.revealFirst'))); return; }
      if (!check()) return;
      if (area.value === saved) { out.replaceChildren(notice(t('cfg.nochange'))); return; }
      out.replaceChildren(diffView(saved, area.value), h('p'), h('div', { class: 'row' }, h('button', { class: 'primary', id: 'config-save', disabled: !api.has('configYamlSave'), onclick: save }, t('common.save')),
        h('button', { onclick() { out.replaceChildren(); } }, t('common.cancel'))));
    };
    /** After another card on this page saved: reload the editor unless it holds unsaved edits (then save reports 409). */
    editor = async () => {
      if (revealed && area.value !== saved) return;
      const fresh = await loadYaml();
      saved = fresh.text; etag = fresh.etag; showVersion();
      area.value = revealed ? saved : maskYaml(saved);
    };
    return [h('div', { class: 'row' }, h('h2', {}, t('cfg.yaml')), version), ignoredNote, h('div', { class: 'masked-note' }, maskNote, revealBtn), area, h('p'),
      h('div', { class: 'row' }, h('button', { onclick: check }, t('cfg.validate')),
        h('button', { class: 'primary', id: 'config-review-button', onclick: review }, t('cfg.review'))), out];
  });

  section(settings, async () => {
    const s = await api.get('strategy', `${BASE}/routing/strategy`);
    const strategy = h('select', { id: 'strategy' }, ['round-robin', 'weighted-round-robin', 'fill-first'].map((v) => h('option', { value: v, selected: v === s.strategy }, t(`cfg.strategy.${v}`))));
    let retry = null;
    if (api.has('retry')) {
      try { retry = (await api.get('retry', `${BASE}/request-retry`))['request-retry']; } catch (_) { retry = null; }
    }
    const retryIn = h('input', { type: 'number', min: 0, value: retry ?? '', id: 'retry', disabled: retry === null });
    return [h('h2', {}, t('cfg.routing')), h('div', { class: 'grid' },
      h('label', { class: 'field' }, h('span', {}, t('cfg.strategy')), strategy),
      h('label', { class: 'field' }, h('span', {}, t('cfg.retry')), retryIn)),
    h('button', { class: 'primary', id: 'settings-save', async onclick() {
      try {
        await api.put('strategy', `${BASE}/routing/strategy`, { strategy: strategy.value });
        if (retry !== null && retryIn.value !== '') await api.put('retry', `${BASE}/request-retry`, { value: Number(retryIn.value) });
        toast(t('common.saved'));
        if (editor) await editor();
      } catch (e) { toast(t('common.error', e.message)); }
    } }, t('common.save'))];
  });
}
