// results.js: what a query or a report answered: the scan statistics, the
// events-over-time histogram, the grid, and the CSV and JSON downloads.

import {h, clear, fmtInt, fmtBytes, fmtMs, download} from './dom.js';
import {Grid} from './grid.js';
import {toCSV, toJSON} from './export.js';
import {timeColumn, histogram} from './histogram.js';
import {stream} from './api.js';
import {cellLink} from './links.js';

export class Results {
  constructor({name}) {
    this.name = name || 'result';
    this.grid = new Grid({link: cellLink});
    this.stats = h('div.stats', {'aria-live': 'polite'});
    this.hist = h('div.hist-wrap');
    this.csvBtn = h('button.ghost', {type: 'button', disabled: true, onclick: () => this.download('csv')}, 'CSV');
    this.jsonBtn = h('button.ghost', {type: 'button', disabled: true, onclick: () => this.download('json')}, 'JSON');
    this.error = h('div.error', {hidden: true, role: 'alert'});
    this.el = h('section.results',
      h('div.results-bar', this.stats, h('div.downloads', h('span.muted', 'Download'), this.csvBtn, this.jsonBtn)),
      this.error, this.hist, this.grid.el);
    this.controller = null;
  }

  get running() { return !!this.controller; }

  // run streams the answer of POST path body into the grid. It resolves
  // when the answer is complete, cancelled or failed; a failure is
  // thrown (after being shown).
  async run(path, body) {
    this.cancel();
    const ctl = new AbortController();
    this.controller = ctl;
    const started = performance.now();
    clear(this.hist);
    this.error.hidden = true;
    this.setStats(h('span.spinner'), 'Running…');
    this.csvBtn.disabled = this.jsonBtn.disabled = true;
    this.grid.setColumns([]);
    this.el.classList.add('busy');
    let tick = setInterval(() => this.progress(started), 250);
    try {
      const stats = await stream(path, body, {
        signal: ctl.signal,
        onColumns: (cols) => this.grid.setColumns(cols),
        onRows: (rows) => this.grid.addRows(rows),
      });
      this.grid.finish();
      this.done(stats, performance.now() - started);
    } catch (e) {
      if (e.name === 'AbortError') {
        this.setStats(`Cancelled after ${fmtMs(performance.now() - started)} · ${fmtInt(this.grid.rows.length)} rows received`);
        return;
      }
      this.setStats('');
      this.error.textContent = e.message;
      this.error.hidden = false;
      throw e;
    } finally {
      clearInterval(tick);
      this.el.classList.remove('busy');
      if (this.controller === ctl) this.controller = null;
      this.csvBtn.disabled = this.jsonBtn.disabled = !this.grid.columns.length;
      answered();
    }
  }

  // show puts an answer that came in one piece on screen.
  show(columns, rows, stats) {
    this.cancel();
    clear(this.hist);
    this.error.hidden = true;
    this.grid.setColumns(columns);
    this.grid.addRows(rows);
    this.csvBtn.disabled = this.jsonBtn.disabled = !columns.length;
    this.done(stats || {}, NaN);
    answered();
  }

  // fail shows an error in place of an answer.
  fail(message) {
    this.grid.setColumns([]);
    clear(this.hist);
    this.setStats('');
    this.error.textContent = message;
    this.error.hidden = false;
    answered();
  }

  cancel() {
    if (this.controller) this.controller.abort();
    this.controller = null;
  }

  progress(started) {
    this.setStats(h('span.spinner'), `Running… ${fmtMs(performance.now() - started)} · ${fmtInt(this.grid.rows.length)} rows`);
  }

  setStats(...parts) {
    clear(this.stats).append(...parts);
  }

  done(st, wall) {
    this.lastStats = st;
    const rows = this.grid.rows.length;
    const parts = [
      h('span.stat', {id: 'stat-rows'}, h('b', fmtInt(rows)), rows === 1 ? ' row' : ' rows', st.truncated ? ' (cut at the row limit)' : ''),
    ];
    if (st.files !== undefined) {
      parts.push(h('span.stat', {id: 'stat-files'}, h('b', fmtInt(st.files)), st.files_total !== undefined ? ` of ${fmtInt(st.files_total)} files` : ' files'));
    }
    if (st.bytes !== undefined) parts.push(h('span.stat', {id: 'stat-bytes'}, h('b', fmtBytes(st.bytes)), ' scanned'));
    if (st.elapsed_ms !== undefined || !Number.isNaN(wall)) {
      parts.push(h('span.stat', {id: 'stat-time', title: Number.isNaN(wall) ? null : `${fmtMs(wall)} in the browser`}, h('b', fmtMs(st.elapsed_ms ?? wall))));
    }
    this.setStats(...parts);
    const i = timeColumn(this.grid.columns, this.grid.rows);
    if (i >= 0) {
      const fig = histogram(this.grid.columns, this.grid.rows, i);
      if (fig) this.hist.append(fig);
    }
  }

  download(format) {
    const cols = this.grid.columns;
    const rows = this.grid.rows; // the answer, in the query's order (as the CLI writes it)
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    if (format === 'csv') download(`${this.name}-${stamp}.csv`, 'text/csv', toCSV(cols, rows));
    else download(`${this.name}-${stamp}.json`, 'application/json', toJSON(cols, rows));
  }
}

// answered counts the answers shown (body's data-answers): a query that
// finished, failed or was cancelled. Tests wait on it.
function answered() {
  document.body.dataset.answers = String(Number(document.body.dataset.answers || 0) + 1);
}
