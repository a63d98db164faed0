// Charts drawn as SVG at the card's real pixel width (re-drawn when it changes), so labels keep a readable size on a
// phone: stacked bars over time with a y grid, axis labels and a legend; horizontal ranking bars. No library: the
// panel draws a few hundred bars at most, and DOM text keeps charts translatable, testable and CSP-clean.
import { h, s, compact } from './ui.js';

/** "Nice" tick values from 0 to at least max (1, 2 or 5 times a power of ten), about `count` of them. */
export function ticks(max, count = 4) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((v) => v >= raw);
  const out = [];
  for (let v = 0; v < max + step / 2; v += step) out.push(v);
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

/** Redraws `draw(width)` into a box whenever its width changes. */
function sized(cls, draw) {
  const box = h('div', { class: cls });
  let last = 0;
  const ro = new ResizeObserver(() => {
    const w = Math.floor(box.clientWidth);
    if (w > 0 && w !== last) { last = w; box.replaceChildren(draw(w)); }
  });
  ro.observe(box);
  return box;
}

/**
 * Stacked bars over time. points: [{x: label, tip: title, values: {key: number}}]; series: [{key, label, cls}].
 * Every bucket of the window is a point (empty ones at zero), so time runs evenly along the axis.
 */
export function timeChart(points, series, { height = 200, format = compact, id } = {}) {
  const legend = h('div', { class: 'legend' }, series.map((se) => h('span', { class: `key ${se.cls}` }, h('i', {}), se.label)));
  const chart = sized('chart-box', (w) => {
    const left = 44, right = 8, top = 10, bottom = 24;
    const plotW = Math.max(10, w - left - right), plotH = height - top - bottom;
    const totals = points.map((p) => series.reduce((a, se) => a + (p.values[se.key] || 0), 0));
    const ys = ticks(Math.max(...totals, 0));
    const max = ys[ys.length - 1] || 1;
    const svg = s('svg', { class: 'chart', width: w, height, viewBox: `0 0 ${w} ${height}`, role: 'img' });
    for (const v of ys) {
      const y = top + plotH - (v / max) * plotH;
      svg.append(s('line', { class: 'grid', x1: left, x2: left + plotW, y1: y, y2: y }),
        s('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, format(v)));
    }
    const n = Math.max(points.length, 1), bw = plotW / n;
    const labelEvery = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 56))));
    points.forEach((p, i) => {
      let y = top + plotH;
      const x = left + i * bw + bw * 0.12, width = Math.max(1, bw * 0.76);
      for (const se of series) {
        const v = p.values[se.key] || 0;
        if (v <= 0) continue;
        const hgt = (v / max) * plotH;
        y -= hgt;
        svg.append(s('rect', { class: `bar ${se.cls}`, x, y, width, height: hgt }, s('title', {}, `${p.tip || p.x} · ${se.label}: ${format(v)}`)));
      }
      if (i % labelEvery === 0) {
        const cx = left + i * bw + bw / 2;
        // keep the first and last labels inside the chart
        const anchor = cx < left + 24 ? 'start' : cx > left + plotW - 24 ? 'end' : 'middle';
        svg.append(s('text', { x: anchor === 'start' ? left : anchor === 'end' ? left + plotW : cx, y: height - 6, 'text-anchor': anchor }, p.x));
      }
    });
    svg.append(s('line', { class: 'axis', x1: left, x2: left + plotW, y1: top + plotH, y2: top + plotH }));
    return svg;
  });
  return h('div', { class: 'time-chart', id }, legend, chart);
}

/** Horizontal bars for a ranking: [{name, value, label, title?}]; `empty` when there is nothing. */
export function ranking(items, empty) {
  if (!items.length) return h('p', { class: 'muted' }, empty);
  const max = Math.max(1e-12, ...items.map((i) => i.value));
  return h('div', { class: 'ranking' }, items.map((i) => {
    const fill = h('div', { class: `fill ${i.cls || ''}` });
    fill.style.width = `${Math.max(0.5, (i.value / max) * 100)}%`; // CSSOM, allowed by style-src 'self'
    return h('div', { class: 'hbar' }, h('span', { class: 'name', title: i.title || i.name, 'data-raw': i.raw ? '' : undefined }, i.name), h('div', { class: 'track' }, fill),
      h('span', { class: 'amount' }, i.label));
  }));
}
