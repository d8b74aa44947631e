// views/lists.js: sample queries, the query history and saved queries;
// each entry opens in the query view.

import {h, clear, fmtInt, fmtMs} from '../dom.js';
import * as api from '../api.js';
import {pick} from '../fields.js';

function openLink(sql, extra) {
  const p = new URLSearchParams({sql});
  for (const [k, v] of Object.entries(extra || {})) if (v) p.set(k, v);
  return '#/query?' + p.toString();
}

function sqlBlock(sql) {
  return h('pre.sql-preview', sql);
}

export class SamplesView {
  constructor(app) {
    this.app = app;
    this.el = h('div.view.list-view');
  }

  async route() {
    clear(this.el).append(h('h1', 'Sample queries'), h('p.muted', 'Questions CloudTrail users ask, as Athena SQL. Open one to run it.'));
    try {
      const samples = await api.get('/api/samples');
      this.el.append(h('ul.cards', samples.map(s => {
        const sql = pick(s, 'sql', 'query');
        return h('li.card',
          h('a.card-title', {href: openLink(sql)}, pick(s, 'title', 'name') || 'Sample'),
          h('p', pick(s, 'description', 'question') || ''),
          sqlBlock(sql));
      })));
    } catch (e) {
      this.el.append(h('div.error', e.message));
    }
  }
}

export class HistoryView {
  constructor(app) {
    this.app = app;
    this.el = h('div.view.list-view');
  }

  async route() {
    clear(this.el).append(h('h1', 'History'), h('p.muted', 'The queries run from this console, newest first; kept in the lake.'));
    try {
      const items = await api.get('/api/history');
      if (!items || !items.length) return this.el.append(h('p', 'No queries yet.'));
      this.el.append(h('ul.history', items.map(it => {
        const sql = pick(it, 'sql');
        const at = pick(it, 'at', 'time', 'ran', 'ran_at', 'when');
        return h('li',
          h('div.history-meta', h('a', {href: openLink(sql, {from: pick(it, 'from'), to: pick(it, 'to')})}, 'Open'),
            at ? h('time', {datetime: at}, String(at).replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')) : null,
            meta(it)),
          sqlBlock(sql));
      })));
    } catch (e) {
      this.el.append(h('div.error', e.message));
    }
  }
}

function meta(it) {
  const parts = [];
  const rows = pick(it, 'rows');
  const ms = pick(it, 'elapsed_ms');
  const err = pick(it, 'error');
  if (rows != null) parts.push(`${fmtInt(rows)} ${rows === 1 ? 'row' : 'rows'}`);
  if (ms != null) parts.push(fmtMs(ms));
  if (err) parts.push('failed: ' + err);
  return parts.length ? h('span.muted', parts.join(' · ')) : null;
}

export class SavedView {
  constructor(app) {
    this.app = app;
    this.el = h('div.view.list-view');
  }

  async route() {
    clear(this.el).append(h('h1', 'Saved queries'), h('p.muted', 'Save a query from the query view (Save…); they are kept in the lake, for everyone using this console.'));
    try {
      const items = await api.get('/api/saved');
      if (!items || !items.length) return this.el.append(h('p', 'Nothing saved yet.'));
      this.el.append(h('ul.cards', items.map(it => {
        const id = pick(it, 'id');
        const del = async (e) => {
          // Two clicks: the first asks.
          const b = e.currentTarget;
          if (!b.classList.contains('confirm')) {
            b.classList.add('confirm');
            b.textContent = 'Delete? Click again';
            setTimeout(() => { b.classList.remove('confirm'); b.textContent = 'Delete'; }, 4000);
            return;
          }
          try {
            await api.del('/api/saved/' + encodeURIComponent(id));
            this.route();
          } catch (e) {
            this.app.toast(e.message, true);
          }
        };
        return h('li.card',
          h('div.card-head', h('a.card-title', {href: openLink(pick(it, 'sql'))}, pick(it, 'name') || id),
            h('button.ghost.small.delete', {type: 'button', onclick: del}, 'Delete')),
          sqlBlock(pick(it, 'sql')));
      })));
    } catch (e) {
      this.el.append(h('div.error', e.message));
    }
  }
}
