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

export default function config(root) {
  const editorCard = h('div', { class: 'card', id: 'config-yaml' });
  const settings = h('div', { class: 'card', id: 'config-settings' });
  root.append(settings, editorCard);

  section(editorCard, async () => {
    const original = await api.get('configYaml', `${BASE}/config.yaml`);
    let saved = typeof original === 'string' ? original : JSON.stringify(original, null, 2);
    const area = h('textarea', { class: 'code', id: 'yaml', spellcheck: false, value: saved });
    const out = h('div', { id: 'config-review' });
    const check = () => { const p = lintYaml(area.value); out.replaceChildren(notice(p ? t('cfg.invalid', p) : t('cfg.valid'), p ? 'error' : 'ok')); return !p; };
    const review = () => {
      if (!check()) return;
      const d = diffLines(saved, area.value);
      if (!d.some((l) => l.op !== ' ')) { out.replaceChildren(notice(t('cfg.nochange'))); return; }
      const pre = h('pre', { class: 'diff' }, d.filter((l, i, all) => l.op !== ' ' || all.slice(Math.max(0, i - 2), i + 3).some((c) => c.op !== ' '))
        .map((l) => h('div', { class: l.op === '+' ? 'add' : l.op === '-' ? 'del' : '' }, `${l.op} ${l.line}`)));
      out.replaceChildren(pre, h('p'), h('div', { class: 'row' }, h('button', { class: 'primary', id: 'config-save', disabled: !api.has('configYamlSave'), async onclick() {
        try {
          await api.call('configYamlSave', `${BASE}/config.yaml`, { method: 'PUT', body: area.value, headers: { 'Content-Type': 'application/yaml' } });
          saved = area.value; out.replaceChildren(notice(t('common.saved'), 'ok'));
        } catch (e) { out.replaceChildren(notice(t('cfg.invalid', e.message), 'error')); }
      } }, t('common.save')), h('button', { onclick() { out.replaceChildren(); } }, t('common.cancel'))));
    };
    return [h('h2', {}, t('cfg.yaml')), area, h('p'), h('div', { class: 'row' }, h('button', { onclick: check }, t('cfg.validate')),
      h('button', { class: 'primary', id: 'config-review-button', onclick: review }, t('cfg.review'))), out];
  });

  section(settings, async () => {
    const s = await api.get('strategy', `${BASE}/routing/strategy`);
    const strategy = h('select', { id: 'strategy' }, ['round-robin', 'weighted-round-robin', 'fill-first'].map((v) => h('option', { value: v, selected: v === s.strategy }, v)));
    let retry = null;
    if (api.has('retry')) {
      try { retry = (await api.get('retry', `${BASE}/request-retry`))['request-retry']; } catch (_) { retry = null; }
    }
    const retryIn = h('input', { type: 'number', min: 0, value: retry ?? '', id: 'retry', disabled: retry === null });
    return [h('div', { class: 'grid' },
      h('label', { class: 'field' }, h('span', {}, t('cfg.strategy')), strategy),
      h('label', { class: 'field' }, h('span', {}, t('cfg.retry')), retryIn)),
    h('button', { class: 'primary', async onclick() {
      try {
        await api.put('strategy', `${BASE}/routing/strategy`, { strategy: strategy.value });
        if (retry !== null && retryIn.value !== '') await api.put('retry', `${BASE}/request-retry`, { value: Number(retryIn.value) });
        toast(t('common.saved'));
      } catch (e) { toast(t('common.error', e.message)); }
    } }, t('common.save'))];
  });
}
