// histogram.js: events over time, drawn above the results when they have
// an eventtime-like column. Computed here, from the rows the browser
// holds.

import {h, s, fmtInt} from './dom.js';

const STEPS = [1, 5, 15, 60, 180, 360, 720, 1440, 10080].map(m => m * 60_000);

// timeColumn returns the index of the column to count by, or -1.
export function timeColumn(columns, rows) {
  const names = ['eventtime', 'eventtimestamp', 'time', 'timestamp', 'first_seen', 'last_seen'];
  for (const n of names) {
    const i = columns.findIndex(c => c.name.toLowerCase() === n);
    if (i >= 0 && parses(rows, i)) return i;
  }
  const i = columns.findIndex(c => /^TIMESTAMP/i.test(c.type || ''));
  return i >= 0 && parses(rows, i) ? i : -1;
}

function parses(rows, i) {
  const v = rows.find(r => r[i] != null);
  return v !== undefined && !Number.isNaN(Date.parse(String(v[i]).replace(' UTC', 'Z')));
}

// histogram draws the counts of rows per time bucket as an SVG chart.
export function histogram(columns, rows, i) {
  const ts = [];
  for (const r of rows) {
    if (r[i] == null) continue;
    const t = Date.parse(String(r[i]).replace(' UTC', 'Z'));
    if (!Number.isNaN(t)) ts.push(t);
  }
  if (ts.length < 10) return null; // a handful of events: the grid says it better
  let lo = Infinity, hi = -Infinity;
  for (const t of ts) { if (t < lo) lo = t; if (t > hi) hi = t; }
  const step = STEPS.find(s => (hi - lo) / s <= 72) || Math.ceil((hi - lo) / 72 / 86_400_000) * 86_400_000;
  const start = Math.floor(lo / step) * step;
  const n = Math.floor((hi - start) / step) + 1;
  const counts = new Array(n).fill(0);
  for (const t of ts) counts[Math.floor((t - start) / step)]++;
  const max = Math.max(...counts);
  const W = 1000, H = 90, pad = 18;
  const bw = W / n;
  const svg = s('svg', {viewBox: `0 0 ${W} ${H + pad}`, class: 'histogram', role: 'img',
    'aria-label': `${fmtInt(ts.length)} events over time, ${n} bars of ${label(step)}`,
    preserveAspectRatio: 'none'});
  counts.forEach((c, k) => {
    if (!c) return;
    const bh = Math.max(1, (c / max) * H);
    const from = new Date(start + k * step).toISOString().replace('.000Z', 'Z');
    svg.append(s('rect', {x: (k * bw + 0.5).toFixed(1), y: (H - bh).toFixed(1),
      width: Math.max(bw - 1, 0.5).toFixed(1), height: bh.toFixed(1), class: 'bar'},
    s('title', {}, `${from}: ${fmtInt(c)} events (${label(step)})`)));
  });
  svg.append(s('line', {x1: 0, y1: H + 0.5, x2: W, y2: H + 0.5, class: 'axis'}));
  const fmt = (t) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  return h('figure.hist',
    svg,
    h('figcaption',
      h('span', fmt(start)),
      h('span.muted', `${fmtInt(ts.length)} events · ${label(step)} per bar · peak ${fmtInt(max)}`),
      h('span', fmt(start + n * step))));
}

function label(ms) {
  const m = ms / 60_000;
  if (m < 60) return `${m} min`;
  if (m < 1440) return `${m / 60} h`;
  return m % 10080 === 0 ? `${m / 10080} wk` : `${m / 1440} d`;
}
