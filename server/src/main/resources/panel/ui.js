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
/** US dollars: cents for amounts of a dollar or more, up to four decimals below (a request costs fractions of a cent). */
export const money = (n) => (n === undefined || n === null ? '–'
  : Number(n).toLocaleString(locale(), { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: Math.abs(Number(n)) >= 1 ? 2 : 4 }));
export const pct = (r) => (r === undefined || r === null ? '–' : Number(r).toLocaleString(locale(), { style: 'percent', maximumFractionDigits: 1 }));
export const ms = (n) => (n === undefined || n === null ? '–' : Number(n) >= 10000
  ? `${(Number(n) / 1000).toLocaleString(locale(), { maximumFractionDigits: 1 })} s` : `${Math.round(Number(n)).toLocaleString(locale())} ms`);
export const time = (msv) => (msv ? new Date(Number(msv)).toLocaleString(locale()) : '–');
/** Time of day for today's moments, else a short date and time (no full date repeated on every row). */
export const clock = (msv) => {
  if (!msv) return '–';
  const d = new Date(Number(msv));
  const today = new Date().toDateString() === d.toDateString();
  return d.toLocaleString(locale(), today ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }
    : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
};
export const short = (str, n = 12) => (!str ? '–' : str.length > n ? `${str.slice(0, n)}…` : str);
/** Bytes in the locale's digits with a binary unit (B, KiB, MiB, GiB). */
export const bytes = (n) => {
  if (n === undefined || n === null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(n), i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toLocaleString(locale(), { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
};
/** What an operator calls a credential: the server's name, else label / file / provider and masked key. */
export const credentialName = (r) => r.credential_name || r.name || r.auth_label || r.auth_file || r.auth_id
  || [r.provider, (r.source || '').replace(/^m:/, '')].filter(Boolean).join(' ') || (r.auth_index ? `#${r.auth_index.slice(0, 6)}` : '–');
/** A client key by alias and masked key. */
export const keyName = (r) => {
  const alias = r.api_key_alias || r.alias || '';
  const masked = (r.api_key_masked || r.masked_key || '').replace(/^m:/, '');
  if (alias && masked) return `${alias} (${masked})`;
  return alias || masked || (r.api_key_hash ? `#${r.api_key_hash.slice(0, 6)}` : '–');
};

export function stat(label, value, sub) {
  return h('div', { class: 'card stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value),
    sub ? h('div', { class: 'sub' }, sub) : null);
}

/**
 * A table from column specs [{title, get(row), num?, hide?: 'phone'}] and rows. With opts.detail(row), a row opens
 * a detail line below it on click (or Enter).
 */
export function table(columns, rows, empty = t('common.none'), opts = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'muted' }, empty);
  const cls = (c) => [c.num ? 'num' : '', c.hide ? `hide-${c.hide}` : ''].filter(Boolean).join(' ');
  // raw: the cell shows data (model names, ids, upstream messages), not panel wording
  const raw = (c) => (c.raw ? '' : undefined);
  const body = h('tbody', {});
  rows.forEach((r) => {
    const tr = h('tr', {}, columns.map((c) => {
      const v = c.get(r);
      return h('td', { class: cls(c), 'data-raw': raw(c) }, v instanceof Node ? v : (v ?? '–'));
    }));
    body.append(tr);
    if (opts.detail) {
      tr.className = 'clickable';
      tr.tabIndex = 0;
      const toggle = () => {
        const next = tr.nextElementSibling;
        if (next && next.classList.contains('detail-row')) { next.remove(); tr.classList.remove('open'); return; }
        tr.classList.add('open');
        tr.after(h('tr', { class: 'detail-row' }, h('td', { colSpan: columns.length }, opts.detail(r))));
      };
      tr.addEventListener('click', toggle);
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') toggle(); });
    }
  });
  return h('div', { class: 'table-wrap' }, h('table', { id: opts.id },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: cls(c) }, c.title)))), body));
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
