// views/query.js: the query view: the editor, Run and Cancel, the time
// range, save, the tables and their columns, and the results.
// #/query?sql=...&range=1d (or &from=...&to=...) runs that query.

import {h, clear} from '../dom.js';
import * as api from '../api.js';
import {Editor} from '../editor.js';
import {Results} from '../results.js';
import {TimeRange} from '../timerange.js';

export class QueryView {
  constructor(app) {
    this.app = app;
    this.editor = new Editor({onRun: () => this.submit()});
    this.range = new TimeRange();
    this.results = new Results({name: 'query'});
    this.runBtn = h('button.primary#run', {type: 'button', title: 'Run (Ctrl+Enter)', onclick: () => this.submit()}, 'Run');
    this.cancelBtn = h('button#cancel', {type: 'button', disabled: true, onclick: () => this.results.cancel()}, 'Cancel');
    this.saveBtn = h('button.ghost#save', {type: 'button', onclick: () => this.openSave()}, 'Save…');
    this.saveName = h('input#save-name', {placeholder: 'name', required: true, maxlength: '200', autocomplete: 'off'});
    this.saveForm = h('form.save-form', {hidden: true, onsubmit: (e) => { e.preventDefault(); this.save(); }},
      this.saveName, h('button.primary.small', {type: 'submit'}, 'Save'),
      h('button.ghost.small', {type: 'button', onclick: () => { this.saveForm.hidden = true; }}, 'Cancel'));
    this.shareBtn = h('button.ghost', {type: 'button', title: 'Copy a link to this query', onclick: () => this.share()}, 'Link');
    this.tables = h('div.tables');
    this.el = h('div.view.query-view',
      h('div.query-main',
        this.editor.el,
        h('div.toolbar', this.runBtn, this.cancelBtn, h('span.kbd.muted', 'Ctrl+Enter'), this.range.el,
          h('span.spacer'), this.shareBtn, this.saveBtn, this.saveForm),
        this.results.el),
      h('details.catalog', {open: true}, h('summary', 'Tables'), this.tables));
    this.shown = null; // the state whose answer is on screen
    app.catalog.then(({tables, functions}) => {
      this.editor.setCatalog(tables, functions);
      this.drawTables(tables);
    });
  }

  // route shows the state of a #/query URL, running it if it is not the
  // one on screen.
  route(params) {
    const sql = params.get('sql');
    if (sql === null) {
      if (!this.editor.value) this.editor.value = 'SELECT eventtime, eventname, useridentity.arn, sourceipaddress, eventid\nFROM cloudtrail\nORDER BY eventtime DESC\nLIMIT 100';
      this.editor.focus();
      return;
    }
    const key = params.toString();
    if (key === this.shown) return;
    this.editor.value = sql;
    this.range.load(params);
    this.run(key);
  }

  state() {
    const p = new URLSearchParams({sql: this.editor.value});
    this.range.save(p);
    return p;
  }

  // submit runs the editor's query, putting it in the URL first.
  submit() {
    this.editor.close();
    const p = this.state();
    const key = p.toString();
    if (location.hash === '#/query?' + key) this.run(key);
    else location.hash = '#/query?' + key; // the router runs it
  }

  async run(key) {
    this.shown = key;
    const sql = this.editor.value;
    const body = {sql, ...this.range.bounds()};
    this.editor.markError(0, 0);
    this.runBtn.disabled = true;
    this.cancelBtn.disabled = false;
    const entry = {...body};
    try {
      await this.results.run('/api/query', body);
      const st = this.results.lastStats || {};
      Object.assign(entry, {rows: this.results.grid.rows.length, elapsed_ms: st.elapsed_ms, bytes: st.bytes});
    } catch (e) {
      this.editor.markError(e.line, e.column, e.message);
      entry.error = e.message;
    } finally {
      // The history is kept by the server, in the lake.
      api.post('/api/history', entry).catch(() => {});
      this.runBtn.disabled = false;
      this.cancelBtn.disabled = true;
    }
  }

  openSave() {
    this.saveForm.hidden = false;
    this.saveName.focus();
  }

  async save() {
    const name = this.saveName.value.trim();
    if (!name) return;
    try {
      await api.post('/api/saved', {name, sql: this.editor.value});
      this.saveForm.hidden = true;
      this.saveName.value = '';
      this.app.toast(`Saved “${name}”`);
    } catch (e) {
      this.app.toast(`Cannot save: ${e.message}`, true);
    }
  }

  share() {
    const url = location.origin + location.pathname + '#/query?' + this.state().toString();
    navigator.clipboard?.writeText(url).then(() => this.app.toast('Link copied'), () => this.app.toast(url));
  }

  drawTables(tables) {
    clear(this.tables);
    const insert = (text) => {
      this.editor.focus();
      document.execCommand('insertText', false, text);
    };
    const main = tables.filter(t => !/^cloudtrail_\d{12}$/.test(t.name));
    const accounts = tables.filter(t => /^cloudtrail_\d{12}$/.test(t.name));
    for (const t of main) {
      this.tables.append(h('details.table',
        h('summary', h('button.link', {type: 'button', title: 'Insert', onclick: () => insert(t.name)}, t.name)),
        h('ul.cols', (t.columns || []).map(c => column(c, c.name, insert)))));
    }
    if (accounts.length) {
      this.tables.append(h('details.table', h('summary', `${accounts.length} account views`),
        h('ul.cols', accounts.map(t => h('li', h('button.link', {type: 'button', onclick: () => insert(t.name)}, t.name))))));
    }
  }
}

function column(c, path, insert) {
  const fields = (c.fields || []).map(f => (typeof f === 'string' ? {name: f} : f));
  const label = h('button.link', {type: 'button', title: `Insert ${path}`, onclick: () => insert(path)}, c.name);
  if (!fields.length) return h('li', label, h('span.type', shortType(c.type)));
  return h('li', h('details', h('summary', label, h('span.type', shortType(c.type))),
    h('ul.cols', fields.map(f => column(f, path + '.' + f.name, insert)))));
}

function shortType(t) {
  t = t || '';
  if (/^STRUCT/i.test(t)) return 'struct';
  if (/\[\]$|^ARRAY|^LIST/i.test(t)) return 'array';
  return t.toLowerCase().slice(0, 24);
}
