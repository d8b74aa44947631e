// views/investigate.js: one event's full record (a side panel), the whois
// chain of a principal, and the timeline of a principal, resource or IP.

import {h, clear} from '../dom.js';
import * as api from '../api.js';
import {pick, table} from '../fields.js';
import {Results} from '../results.js';
import {TimeRange} from '../timerange.js';

// showEvent fills the side panel with the record of event id, rebuilt
// from the lake.
export async function showEvent(body, title, id) {
  title.textContent = 'Event ' + id;
  clear(body).append(h('p.muted', h('span.spinner'), ' Loading…'));
  let rec;
  try {
    rec = await api.get('/api/events/' + encodeURIComponent(id));
  } catch (e) {
    clear(body).append(h('div.error', e.message));
    return;
  }
  const ident = pick(rec, 'userIdentity') || {};
  const arn = pick(ident, 'arn');
  const ip = pick(rec, 'sourceIPAddress');
  const text = JSON.stringify(rec, null, 2);
  const links = [];
  if (arn) {
    links.push(h('a', {href: '#/whois?principal=' + encodeURIComponent(arn)}, 'Whois this principal'));
    links.push(h('a', {href: '#/timeline?principal=' + encodeURIComponent(arn)}, 'Timeline of the principal'));
  }
  if (ip && /^[0-9a-f.:]+$/i.test(ip)) links.push(h('a', {href: '#/timeline?ip=' + encodeURIComponent(ip)}, 'Timeline of ' + ip));
  clear(body).append(
    h('dl.event-summary',
      h('dt', 'time'), h('dd', pick(rec, 'eventTime') || ''),
      h('dt', 'event'), h('dd', `${pick(rec, 'eventSource') || ''} ${pick(rec, 'eventName') || ''}`),
      h('dt', 'who'), h('dd', arn || pick(ident, 'invokedBy') || pick(ident, 'type') || ''),
      pick(rec, 'errorCode') ? [h('dt', 'error'), h('dd.bad', `${pick(rec, 'errorCode')}: ${pick(rec, 'errorMessage') || ''}`)] : null),
    h('div.links', links,
      h('button.ghost.small', {type: 'button', onclick: () => navigator.clipboard?.writeText(text)}, 'Copy JSON')),
    h('pre.json#event-json', colourJSON(text)));
}

// colourJSON splits pretty JSON into coloured spans.
function colourJSON(text) {
  const out = [];
  const re = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1]) {
      out.push(h('span', {class: m[2] ? 'j-key' : 'j-str'}, m[1]));
      if (m[2]) out.push(m[2]);
    } else if (m[3]) {
      out.push(h('span.j-lit', m[3]));
    } else {
      out.push(h('span.j-num', m[4]));
    }
    last = re.lastIndex;
  }
  out.push(text.slice(last));
  return out;
}

const whoisLink = (p) => h('a.principal', {href: '#/whois?principal=' + encodeURIComponent(p)}, p);

export class WhoisView {
  constructor(app) {
    this.app = app;
    this.input = h('input#whois-principal', {name: 'principal', placeholder: 'an ARN, access key id, user or session name', autocomplete: 'off'});
    this.out = h('div.whois');
    this.el = h('div.view.whois-view',
      h('h1', 'Whois'),
      h('p.muted', 'Who is behind a set of credentials: the chain of STS calls that issued them, back to the person or service at its origin.'),
      h('form.inline-form', {onsubmit: (e) => {
        e.preventDefault();
        location.hash = '#/whois?' + new URLSearchParams({principal: this.input.value.trim()});
      }}, this.input, h('button.primary', {type: 'submit'}, 'Follow')),
      this.out);
  }

  async route(params) {
    const who = params.get('principal') || '';
    this.input.value = who;
    if (!who) { clear(this.out); this.input.focus(); return; }
    clear(this.out).append(h('p.muted', h('span.spinner'), ' Following…'));
    let ans;
    try {
      ans = await api.get('/api/whois?' + new URLSearchParams({principal: who}));
    } catch (e) {
      clear(this.out).append(h('div.error', e.message));
      return;
    }
    const chains = pick(ans, 'chains') || [];
    clear(this.out);
    if (!chains.length) {
      this.out.append(h('p', `Nothing in the lake issued or used ${who}.`));
      return;
    }
    for (const c of chains) this.out.append(chainCard(c));
  }
}

function chainCard(c) {
  const hops = pick(c, 'hops') || [];
  const origin = pick(c, 'origin');
  const kind = pick(c, 'origin_kind', 'kind');
  const brk = pick(c, 'break');
  const notes = pick(c, 'notes') || [];
  return h('section.chain',
    h('h2', 'Credentials ', h('code', pick(c, 'start') || '')),
    h('ol.hops', hops.map(hp => {
      const caller = pick(hp, 'caller');
      const when = pick(hp, 'time');
      return h('li.hop',
        h('div.hop-who', h('span.muted', 'used by '), pick(hp, 'principal') ? whoisLink(pick(hp, 'principal')) : '—',
          pick(hp, 'key') ? h('span.muted', ' with key ') : null, pick(hp, 'key') ? h('code', pick(hp, 'key')) : null),
        h('div.hop-how',
          h('span.event-name', pick(hp, 'event') || ''), ' ',
          when ? h('time', String(when).replace('T', ' ').replace('Z', ' UTC')) : null,
          ' in ', pick(hp, 'account') || '?', ' ', pick(hp, 'region') || '',
          pick(hp, 'source_ip') ? [' from ', h('a', {href: '#/timeline?ip=' + encodeURIComponent(pick(hp, 'source_ip'))}, pick(hp, 'source_ip'))] : null,
          pick(hp, 'cross_account') ? h('span.tag', 'cross-account') : null),
        h('div.hop-caller', h('span.muted', 'requested by '), caller ? (/^arn:|^(AKIA|ASIA)/.test(caller) ? whoisLink(caller) : h('code', caller)) : '—',
          pick(hp, 'caller_type') ? h('span.muted', ` (${pick(hp, 'caller_type')})`) : null,
          pick(hp, 'source_identity') ? h('span.tag', 'sourceIdentity ' + pick(hp, 'source_identity')) : null));
    })),
    origin
      ? h('div.origin#whois-origin', h('span.muted', 'origin: '), h('b', kind || ''), ' ', /^arn:/.test(origin) ? h('a', {href: '#/timeline?principal=' + encodeURIComponent(origin)}, origin) : h('code', origin))
      : h('div.origin.bad', 'chain breaks: ', brk || 'no issuing event in the lake'),
    notes.length ? h('ul.notes', notes.map(n => h('li', n))) : null);
}

export class TimelineView {
  constructor(app) {
    this.app = app;
    this.kind = h('select', {'aria-label': 'of'}, ['principal', 'resource', 'ip'].map(k => h('option', {value: k}, k)));
    this.value = h('input#timeline-value', {placeholder: 'ARN or user name / sg-… i-… bucket / 203.0.113.9', autocomplete: 'off'});
    this.range = new TimeRange();
    this.results = new Results({name: 'timeline'});
    this.el = h('div.view.timeline-view',
      h('h1', 'Timeline'),
      h('p.muted', 'Everything a principal did, everything done to a resource, or everything from an address, in time order.'),
      h('form.inline-form', {onsubmit: (e) => {
        e.preventDefault();
        const p = new URLSearchParams({[this.kind.value]: this.value.value.trim()});
        this.range.save(p);
        location.hash = '#/timeline?' + p;
      }}, this.kind, this.value, this.range.el, h('button.primary', {type: 'submit'}, 'Show')),
      this.results.el);
  }

  async route(params) {
    const kind = ['principal', 'resource', 'ip'].find(k => params.get(k));
    this.range.load(params);
    if (!kind) { this.value.focus(); return; }
    this.kind.value = kind;
    this.value.value = params.get(kind);
    const q = new URLSearchParams({[kind]: params.get(kind)});
    const b = this.range.bounds();
    if (b.from) q.set('from', b.from);
    if (b.to) q.set('to', b.to);
    this.results.setStats(h('span.spinner'), 'Loading…');
    try {
      const ans = await api.get('/api/timeline?' + q);
      const t = table(pick(ans, 'events') ?? ans);
      this.results.show(t.columns, t.rows, t.stats);
    } catch (e) {
      this.results.fail(e.message);
    }
  }
}
