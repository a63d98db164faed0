// Small DOM helpers: elements are built with properties and text nodes only (never markup strings, no inline styles),
// which keeps server data inert (never parsed as markup) and the CSP strict.
import { t, language } from './i18n.js';
import { NotAvailable } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';

/** h('button', {class: 'primary', onclick: fn}, 'text', child…) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && k !== 'list' && k !== 'form') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  children.flat().forEach((c) => el.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return el;
}

const locale = () => (language() === 'zh' ? 'zh-CN' : 'en');
export const num = (n) => (n === undefined || n === null ? '–' : Number(n).toLocaleString(locale()));
export const compact = (n) => (n === undefined || n === null ? '–'
  : Number(n).toLocaleString(locale(), { notation: 'compact', maximumFractionDigits: 1 }));
export const money = (n) => (n === undefined || n === null ? '–' : `$${Number(n).toFixed(Number(n) < 1 ? 4 : 2)}`);
export const pct = (r) => (r === undefined || r === null ? '–' : `${(Number(r) * 100).toFixed(1)}%`);
export const ms = (n) => (n === undefined || n === null ? '–' : `${Math.round(Number(n))} ms`);
export const time = (msv) => (msv ? new Date(Number(msv)).toLocaleString(locale()) : '–');
export const short = (str, n = 12) => (!str ? '–' : str.length > n ? `${str.slice(0, n)}…` : str);

export function stat(label, value, sub) {
  return h('div', { class: 'card stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value),
    sub ? h('div', { class: 'sub' }, sub) : null);
}

/** A table from column specs [{title, get(row), num?}] and rows. */
export function table(columns, rows, empty = t('common.none')) {
  if (!rows || rows.length === 0) return h('p', { class: 'muted' }, empty);
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : '' }, c.title)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => {
      const v = c.get(r);
      return h('td', { class: c.num ? 'num' : '' }, v instanceof Node ? v : (v ?? '–'));
    }))))));
}

export function unavailable(what) {
  return h('div', { class: 'card unavailable', 'data-unavailable': what },
    h('strong', {}, t('common.na')), h('span', {}, t('common.naHint', what)));
}

export function notice(text, kind = '') { return h('div', { class: `notice ${kind}` }, text); }

/** Renders a section's content once its data arrives, or "not available" / the error in its place. */
export async function section(el, load) {
  el.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  try {
    const content = await load();
    el.replaceChildren(...[content].flat().filter(Boolean));
  } catch (e) {
    el.replaceChildren(e instanceof NotAvailable ? unavailable(e.what) : notice(t('common.error', e.message), 'error'));
  }
}

let toastTimer;
export function toast(text) {
  document.querySelector('.toast')?.remove();
  const el = h('div', { class: 'toast', role: 'status' }, text);
  document.body.append(el);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.remove(), 4000);
}

/** Vertical bars over time: points [{x: label, a: value, b?: stacked failure value}]. */
export function barChart(points, { height = 160 } = {}) {
  const w = 600, pad = 22, n = Math.max(points.length, 1);
  const max = Math.max(1, ...points.map((p) => (p.a || 0) + (p.b || 0)));
  const bw = (w - pad * 2) / n;
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${w} ${height}`, role: 'img' });
  svg.append(s('line', { class: 'axis', x1: pad, x2: w - pad, y1: height - pad, y2: height - pad }));
  points.forEach((p, i) => {
    const x = pad + i * bw + bw * 0.15, bwi = Math.max(1, bw * 0.7);
    const ha = ((p.a || 0) / max) * (height - pad * 2), hb = ((p.b || 0) / max) * (height - pad * 2);
    const y = height - pad - ha;
    svg.append(s('rect', { class: 'bar', x, y, width: bwi, height: ha }, s('title', {}, `${p.x}: ${p.a}`)));
    if (hb > 0) svg.append(s('rect', { class: 'bar fail', x, y: y - hb, width: bwi, height: hb }, s('title', {}, `${p.x}: ${p.b}`)));
    if (n <= 12 || i % Math.ceil(n / 8) === 0) svg.append(s('text', { x: x + bwi / 2, y: height - 6, 'text-anchor': 'middle' }, p.x));
  });
  svg.append(s('text', { x: pad, y: 12 }, compact(max)));
  return svg;
}

/** Horizontal bars for a ranking: [{name, value, label}]. */
export function hbars(items) {
  if (!items.length) return h('p', { class: 'muted' }, t('common.none'));
  const max = Math.max(1, ...items.map((i) => i.value));
  return h('div', {}, items.map((i) => {
    const fill = h('div', { class: 'fill' });
    fill.style.width = `${Math.round((i.value / max) * 100)}%`; // CSSOM, allowed by style-src 'self'
    return h('div', { class: 'hbar' }, h('span', { class: 'name', title: i.name }, i.name), h('div', { class: 'track' }, fill),
      h('span', { class: 'muted' }, i.label));
  }));
}

export function download(blob, filename) {
  const a = h('a', { href: URL.createObjectURL(blob), download: filename });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function hourLabel(bucketMs) { return new Date(Number(bucketMs)).getHours().toString().padStart(2, '0'); }

export function startOfToday() { const d = new Date(); d.setHours(0, 0, 0, 0); return d.getTime(); }
