// views/findings.js: what the detection rules found, grouped by rule or
// by MITRE ATT&CK tactic (#/findings?group=rule|tactic). Each group opens
// its findings in the query view (the lake's findings table).

import {h, clear, fmtInt} from '../dom.js';
import * as api from '../api.js';
import {pick} from '../fields.js';

export class FindingsView {
  constructor(app) {
    this.app = app;
    this.out = h('div.findings');
    this.tabs = h('div.tabs', {role: 'tablist'},
      h('a', {href: '#/findings?group=rule', 'data-group': 'rule', role: 'tab'}, 'By rule'),
      h('a', {href: '#/findings?group=tactic', 'data-group': 'tactic', role: 'tab'}, 'By MITRE tactic'));
    this.el = h('div.view.findings-view', h('h1', 'Findings'),
      h('p.muted', 'What the detection rules found in the lake (trailsql detect, or serve --sync, keeps them in its findings table).'),
      this.tabs, this.out);
  }

  async route(params) {
    const group = params.get('group') === 'tactic' ? 'tactic' : 'rule';
    for (const a of this.tabs.children) a.classList.toggle('active', a.dataset.group === group);
    clear(this.out).append(h('p.muted', h('span.spinner'), ' Loading…'));
    let groups;
    try {
      groups = await api.get('/api/findings?group=' + group);
    } catch (e) {
      clear(this.out).append(h('div.error', e.message));
      return;
    }
    clear(this.out);
    if (!groups.length) {
      this.out.append(h('p', 'No findings.'));
      return;
    }
    this.out.append(h('table.findings-table#findings',
      h('thead', h('tr', [group === 'rule' ? 'rule' : 'tactic', group === 'rule' ? 'level' : '', 'findings', 'events', 'first', 'last'].map(c => h('th', c)))),
      h('tbody', groups.map(g => {
        const key = String(pick(g, 'key') || '');
        const quoted = "'" + key.replace(/'/g, "''") + "'";
        const sql = group === 'rule'
          ? `SELECT *\nFROM findings\nWHERE rule_id = ${quoted}\nORDER BY first`
          : `SELECT *\nFROM findings\nWHERE contains(tactics, ${quoted})\nORDER BY first`;
        const lvl = pick(g, 'level') || '';
        return h('tr',
          h('td', h('a', {href: '#/query?' + new URLSearchParams({sql}), title: key}, pick(g, 'title') || key)),
          h('td', lvl ? h('span', {class: 'level level-' + lvl}, lvl) : ''),
          h('td.num', fmtInt(pick(g, 'findings'))),
          h('td.num', fmtInt(pick(g, 'events'))),
          h('td', fmtTime(pick(g, 'first'))),
          h('td', fmtTime(pick(g, 'last'))));
      }))));
  }
}

function fmtTime(t) {
  return t ? String(t).replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '';
}
