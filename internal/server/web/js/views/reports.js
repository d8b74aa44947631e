// views/reports.js: the built-in investigations, each a form made from
// its parameters. #/reports lists them; #/report/NAME?param=value&range=1d
// shows one, and runs it when the URL carries run=1.

import {h, clear} from '../dom.js';
import {Results} from '../results.js';
import {TimeRange} from '../timerange.js';

export class ReportsView {
  constructor(app) {
    this.app = app;
    this.el = h('div.view.reports-view');
    this.results = new Results({name: 'report'});
    this.range = new TimeRange();
    this.shown = null;
  }

  async route(params, name) {
    let reports;
    try {
      reports = await this.app.reports;
    } catch (e) {
      clear(this.el).append(h('div.error', e.message));
      return;
    }
    if (!name) return this.list(reports);
    const r = reports.find(x => x.name === name);
    if (!r) {
      clear(this.el).append(h('div.error', `No report named ${name}.`), h('a', {href: '#/reports'}, 'All reports'));
      return;
    }
    if (this.current !== r) this.form(r);
    for (const p of r.params || []) {
      const input = this.inputs[p.name];
      input.value = params.get(p.name) ?? (p.default ?? '');
    }
    this.account.value = params.get('account') || '';
    this.range.load(params);
    const key = name + '?' + params.toString();
    if (params.get('run') === '1' && key !== this.shown) this.run(r, key);
  }

  list(reports) {
    this.current = null;
    clear(this.el).append(
      h('h1', 'Reports'),
      h('p.muted', 'The built-in investigations. Each opens as a form; its answer can be shared by its link.'),
      h('ul.cards', reports.map(r => h('li.card',
        h('a.card-title', {href: '#/report/' + encodeURIComponent(r.name)}, r.title || r.name),
        h('p', r.question || r.description || ''),
        h('code.muted', r.name)))));
  }

  form(r) {
    this.current = r;
    this.inputs = {};
    const fields = (r.params || []).map(p => {
      const input = h('input', {
        name: p.name, id: 'param-' + p.name, autocomplete: 'off', required: !!p.required,
        type: p.type === 'int' ? 'number' : null,
        placeholder: p.default || (p.type === 'time' ? '2019-09-30 or 2019-09-30T12:00:00Z' : ''),
      });
      this.inputs[p.name] = input;
      return h('label.field', h('span.field-name', p.name, p.required ? h('span.bad', ' *') : null), input,
        h('span.field-help', p.description || ''));
    });
    this.account = h('input', {name: 'account', id: 'param-account', autocomplete: 'off', pattern: '[0-9]{12}', placeholder: 'every account'});
    const submit = (e) => {
      e.preventDefault();
      const p = new URLSearchParams();
      for (const [k, input] of Object.entries(this.inputs)) if (input.value !== '') p.set(k, input.value);
      if (this.account.value.trim()) p.set('account', this.account.value.trim());
      this.range.save(p);
      p.set('run', '1');
      location.hash = '#/report/' + encodeURIComponent(r.name) + '?' + p.toString();
      if (this.shown === r.name + '?' + p.toString()) this.run(r, this.shown); // same URL: run again
    };
    this.results = new Results({name: r.name});
    clear(this.el).append(
      h('p.crumbs', h('a', {href: '#/reports'}, 'Reports'), ' / ', r.name),
      h('h1', r.title || r.name),
      r.question ? h('p.question', r.question) : null,
      h('p.muted', r.description || ''),
      h('form.report-form', {onsubmit: submit},
        fields,
        h('label.field', h('span.field-name', 'time range'), this.range.el, h('span.field-help', 'applied as partition filters')),
        h('label.field', h('span.field-name', 'account'), this.account, h('span.field-help', 'a 12-digit account id, or empty for all')),
        h('div.toolbar', h('button.primary#run-report', {type: 'submit'}, 'Run report'),
          h('button', {type: 'button', onclick: () => this.results.cancel()}, 'Cancel'))),
      this.results.el);
  }

  async run(r, key) {
    this.shown = key;
    const params = {};
    for (const [k, input] of Object.entries(this.inputs)) if (input.value !== '') params[k] = input.value;
    const body = {params, ...this.range.bounds()};
    if (this.account.value.trim()) body.account = this.account.value.trim();
    try {
      await this.results.run('/api/reports/' + encodeURIComponent(r.name), body);
    } catch { /* shown by Results */ }
  }
}
