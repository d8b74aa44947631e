// timerange.js: the time range a query or a report is narrowed to: all
// time, the last hour, day or 7 days, or a custom from/to (UTC). The
// server applies it as partition filters (from and to in RFC 3339). In a
// URL it is range=1h|1d|7d, or from=...&to=....

import {h} from './dom.js';

const PRESETS = {'': 'All time', '1h': 'Last hour', '1d': 'Last day', '7d': 'Last 7 days', custom: 'Custom…'};
const SPANS = {'1h': 3600e3, '1d': 86400e3, '7d': 7 * 86400e3};

export class TimeRange {
  constructor({onChange} = {}) {
    this.select = h('select.range', {'aria-label': 'time range', onchange: () => { this.sync(); onChange?.(); }},
      Object.entries(PRESETS).map(([v, t]) => h('option', {value: v}, t)));
    this.from = h('input', {type: 'datetime-local', step: '1', 'aria-label': 'from (UTC)', onchange: () => onChange?.()});
    this.to = h('input', {type: 'datetime-local', step: '1', 'aria-label': 'to (UTC)', onchange: () => onChange?.()});
    this.custom = h('span.custom', {hidden: true}, this.from, h('span.muted', '→'), this.to, h('span.muted', 'UTC'));
    this.el = h('span.timerange', this.select, this.custom);
  }

  sync() { this.custom.hidden = this.select.value !== 'custom'; }

  // load sets the range from URL parameters.
  load(params) {
    const r = params.get('range') || '';
    if (params.get('from') || params.get('to')) {
      this.select.value = 'custom';
      this.from.value = local(params.get('from'));
      this.to.value = local(params.get('to'));
    } else {
      this.select.value = r in SPANS ? r : '';
    }
    this.sync();
  }

  // save writes the range into URL parameters.
  save(params) {
    const v = this.select.value;
    if (v === 'custom') {
      if (this.from.value) params.set('from', rfc3339(this.from.value));
      if (this.to.value) params.set('to', rfc3339(this.to.value));
    } else if (v) {
      params.set('range', v);
    }
    return params;
  }

  // bounds returns {from, to} in RFC 3339 for a request (relative presets
  // are counted back from now), leaving out what is not set.
  bounds() {
    const v = this.select.value;
    const out = {};
    if (v === 'custom') {
      if (this.from.value) out.from = rfc3339(this.from.value);
      if (this.to.value) out.to = rfc3339(this.to.value);
    } else if (SPANS[v]) {
      const now = Date.now();
      out.from = new Date(now - SPANS[v]).toISOString().replace(/\.\d+Z$/, 'Z');
      out.to = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
    }
    return out;
  }
}

// The inputs hold UTC wall time without a zone: 2019-09-30T12:00:00.
function rfc3339(local) {
  return (local.length === 16 ? local + ':00' : local) + 'Z';
}

function local(s) {
  if (!s) return '';
  const t = Date.parse(s);
  return Number.isNaN(t) ? '' : new Date(t).toISOString().slice(0, 19);
}
