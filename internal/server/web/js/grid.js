// grid.js: the results grid. It holds every row but puts only those in
// view (and a few around them) in the page, so 100,000 rows scroll as
// smoothly as 10. Clicking a header sorts by that column (again: the
// other way; a third time: the query's order).

import {h, clear} from './dom.js';
import {cellText} from './export.js';

const ROW = 26;      // px, as .grid-row's height in app.css
const OVERSCAN = 10; // rows drawn beyond the edges

export class Grid {
  constructor({link}) {
    this.link = link; // (column, value) → href or null
    this.columns = [];
    this.rows = [];
    this.order = null; // row indices in display order, or null: as they came
    this.sortCol = -1;
    this.sortDir = 0;
    this.head = h('div.grid-head', {role: 'row'});
    this.body = h('div.grid-body', {role: 'rowgroup'});
    this.inner = h('div.grid-inner', this.head, this.body);
    this.el = h('div.grid', {role: 'grid', tabindex: '0', hidden: true}, this.inner);
    this.el.addEventListener('scroll', () => this.schedule());
    this.frame = 0;
    new ResizeObserver(() => this.schedule()).observe(this.el);
  }

  setColumns(columns) {
    this.version = (this.version || 0) + 1;
    this.columns = columns;
    this.el.hidden = !columns.length;
    this.rows = [];
    this.order = null;
    this.sortCol = -1;
    this.sortDir = 0;
    this.widths = null;
    this.el.scrollTop = 0;
    this.drawHead();
    this.schedule();
  }

  addRows(rows) {
    this.version++;
    const before = this.rows.length;
    for (const r of rows) this.rows.push(r);
    if (before < 200) this.measure(); // the columns fit the first rows
    // Sorted while rows still stream in: sort again at most once a second
    // (and at the end: finish).
    if (this.order && performance.now() - this.sorted > 1000) this.sort(this.sortCol, this.sortDir);
    this.schedule();
  }

  // finish is called when the last rows have come.
  finish() {
    if (this.order && this.order.length !== this.rows.length) {
      this.sort(this.sortCol, this.sortDir);
      this.schedule();
    }
  }

  // measure sizes the columns from the header and the first rows.
  measure() {
    const sample = this.rows.slice(0, 200);
    this.widths = this.columns.map((c, i) => {
      let n = c.name.length + 3;
      for (const r of sample) {
        const t = cellText(r[i], c.type);
        n = Math.max(n, t === null ? 4 : Math.min(t.length, 80));
      }
      return Math.round(Math.min(Math.max(n * 7.6 + 20, 64), 520));
    });
    this.template = this.widths.map(w => w + 'px').join(' ');
    this.total = this.widths.reduce((a, b) => a + b, 0);
    this.inner.style.width = this.total + 'px';
    this.head.style.gridTemplateColumns = this.template;
  }

  drawHead() {
    clear(this.head);
    this.measure();
    this.columns.forEach((c, i) => {
      const dir = this.sortCol === i ? this.sortDir : 0;
      this.head.append(h('div.grid-th', {
        role: 'columnheader', title: `${c.name} (${c.type}): click to sort`,
        'aria-sort': dir > 0 ? 'ascending' : dir < 0 ? 'descending' : 'none',
        onclick: () => this.toggleSort(i),
      }, h('span.th-name', c.name), h('span.th-sort', dir > 0 ? '▲' : dir < 0 ? '▼' : '')));
    });
  }

  toggleSort(i) {
    let dir = 1;
    if (this.sortCol === i) dir = this.sortDir === 1 ? -1 : this.sortDir === -1 ? 0 : 1;
    this.sort(i, dir);
    this.drawHead();
    this.draw();
  }

  sort(i, dir) {
    this.version++;
    this.sortCol = dir ? i : -1;
    this.sortDir = dir;
    if (!dir) { this.order = null; return; }
    const rows = this.rows;
    const idx = Array.from(rows, (_, k) => k);
    idx.sort((a, b) => compare(rows[a][i], rows[b][i]) * dir || a - b);
    this.order = idx;
    this.sorted = performance.now();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }

  draw() {
    const n = this.order ? this.order.length : this.rows.length;
    this.body.style.height = n * ROW + 'px';
    const top = this.el.scrollTop;
    const height = this.el.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(n, Math.ceil((top + height) / ROW) + OVERSCAN);
    // Keep the rows on screen when nothing they show changed: a click
    // must find the element it aimed at.
    const key = `${first}:${last}:${this.version}`;
    if (key === this.drawn) return;
    this.drawn = key;
    const frag = document.createDocumentFragment();
    for (let k = first; k < last; k++) {
      const r = this.rows[this.order ? this.order[k] : k];
      const row = h('div.grid-row', {role: 'row', 'aria-rowindex': String(k + 1)});
      if (k % 2) row.classList.add('odd');
      row.style.top = k * ROW + 'px';
      row.style.gridTemplateColumns = this.template;
      r.forEach((v, i) => row.append(this.cell(this.columns[i], v)));
      frag.append(row);
    }
    this.body.replaceChildren(frag);
  }

  cell(col, v) {
    const t = cellText(v, col.type);
    if (t === null) return h('div.grid-td.null', {role: 'gridcell'}, 'NULL');
    const href = this.link(col, v, t);
    const td = h('div.grid-td', {role: 'gridcell', title: t.length > 40 ? t.slice(0, 2000) : null},
      href ? h('a', {href}, t) : t);
    if (typeof v === 'number') td.classList.add('num');
    return td;
  }
}

// compare orders values: NULL last, numbers by value, the rest as text.
function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a - b;
  const x = typeof a === 'object' ? JSON.stringify(a) : String(a);
  const y = typeof b === 'object' ? JSON.stringify(b) : String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
