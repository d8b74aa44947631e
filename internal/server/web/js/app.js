// app.js: the console's entry point. Every view's state is in the URL's
// hash, so that a link shows the same thing to whoever opens it:
//
//   #/query?sql=...&range=1d        (or &from=...&to=..., RFC 3339)
//   #/reports, #/report/NAME?param=value&run=1
//   #/event/EVENTID                 (a side panel over the current view)
//   #/whois?principal=...
//   #/timeline?principal=...|resource=...|ip=...&from=...&to=...
//   #/findings?group=rule|tactic
//   #/delivery, #/samples, #/history, #/saved

import {h} from './dom.js';
import * as api from './api.js';
import {QueryView} from './views/query.js';
import {ReportsView} from './views/reports.js';
import {SamplesView, HistoryView, SavedView} from './views/lists.js';
import {WhoisView, TimelineView, showEvent} from './views/investigate.js';
import {FindingsView} from './views/findings.js';
import {DeliveryView} from './views/delivery.js';

class App {
  constructor() {
    this.main = document.getElementById('view');
    this.panel = document.getElementById('panel');
    this.panelBody = document.getElementById('panel-body');
    this.panelTitle = document.getElementById('panel-title');
    this.toastEl = h('div.toast', {role: 'status', hidden: true});
    document.body.append(this.toastEl);
    // What the editor completes: loaded once, shared by the views.
    this.catalog = Promise.all([
      api.get('/api/tables').catch(() => []),
      api.get('/api/functions').catch(() => []),
    ]).then(([tables, functions]) => ({tables: tables || [], functions: functions || []}));
    this.reports = api.get('/api/reports');
    this.views = {};
    this.makers = {
      query: () => new QueryView(this),
      reports: () => new ReportsView(this),
      samples: () => new SamplesView(this),
      history: () => new HistoryView(this),
      saved: () => new SavedView(this),
      whois: () => new WhoisView(this),
      timeline: () => new TimelineView(this),
      findings: () => new FindingsView(this),
      delivery: () => new DeliveryView(this),
    };
    this.current = null;
    this.lastMain = '#/query';
    document.getElementById('panel-close').addEventListener('click', () => this.closePanel());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.panel.hidden) this.closePanel();
    });
    window.addEventListener('hashchange', () => this.route());
    this.route();
  }

  view(name) {
    if (!this.views[name]) this.views[name] = this.makers[name]();
    return this.views[name];
  }

  route() {
    const hash = location.hash || '#/query';
    const [path, query = ''] = hash.slice(1).split(/\?(.*)/s);
    const params = new URLSearchParams(query);
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const [first, ...rest] = parts.length ? parts : ['query'];
    if (first === 'event') {
      if (!this.current) this.show('query', new URLSearchParams(), []);
      this.openPanel(rest.join('/'));
      return;
    }
    this.panel.hidden = true;
    document.body.classList.remove('with-panel');
    this.lastMain = hash;
    if (first === 'report') return this.show('reports', params, rest);
    if (!this.makers[first]) return this.show('query', params, []);
    this.show(first, params, rest);
  }

  show(name, params, rest) {
    const v = this.view(name);
    if (this.current !== v) {
      this.main.replaceChildren(v.el);
      this.current = v;
    }
    for (const a of document.querySelectorAll('#nav a')) {
      a.classList.toggle('active', a.dataset.view === name);
    }
    document.title = `trailsql · ${name}`;
    v.route(params, ...rest);
  }

  openPanel(id) {
    this.panel.hidden = false;
    document.body.classList.add('with-panel');
    showEvent(this.panelBody, this.panelTitle, id);
  }

  closePanel() {
    this.panel.hidden = true;
    document.body.classList.remove('with-panel');
    if (location.hash.startsWith('#/event/')) location.hash = this.lastMain;
  }

  toast(msg, bad) {
    this.toastEl.textContent = msg;
    this.toastEl.classList.toggle('bad', !!bad);
    this.toastEl.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { this.toastEl.hidden = true; }, 4000);
  }
}

new App();
