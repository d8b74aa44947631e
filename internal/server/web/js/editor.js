// editor.js: the SQL editor. A <textarea> takes the typing; under it a
// <pre> shows the same text coloured, and the place of an error
// underlined. Completion offers tables, columns, struct fields
// (useridentity.arn), functions and keywords.

import {h, clear} from './dom.js';
import {tokenize, classify, offsetOf, tablesIn, KEYWORDS} from './sql.js';

export class Editor {
  // catalog: {tables: [{name, columns: [{name, type, fields}]}], functions: [names]}
  // (filled in later with setCatalog); onRun is called on Ctrl+Enter.
  constructor({onRun}) {
    this.onRun = onRun;
    this.tables = new Map();
    this.functions = new Set();
    this.error = null; // {offset, message}
    this.code = h('code');
    this.pre = h('pre.editor-hl', {'aria-hidden': 'true'}, this.code);
    this.input = h('textarea.editor-input', {
      spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', wrap: 'off',
      'aria-label': 'SQL query', id: 'sql',
    });
    this.list = h('ul.complete', {role: 'listbox', hidden: true});
    this.el = h('div.editor', this.pre, this.input, this.list);
    this.items = [];
    this.sel = 0;
    this.input.addEventListener('input', (e) => this.onInput(e));
    this.input.addEventListener('scroll', () => this.syncScroll());
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.input.addEventListener('click', () => this.close());
    this.render();
  }

  get value() { return this.input.value; }

  set value(v) {
    this.input.value = v;
    this.error = null;
    this.render();
  }

  focus() { this.input.focus(); }

  setCatalog(tables, functions) {
    this.tables = new Map((tables || []).map(t => [t.name.toLowerCase(), t]));
    this.functions = new Set((functions || []).map(f => String(f).toLowerCase()));
    this.render();
  }

  // markError underlines the token at line and column (1-based); with no
  // position, it clears the mark.
  markError(line, column, message) {
    this.error = line > 0 && column > 0 ? {offset: offsetOf(this.value, line, column), message} : null;
    this.render();
    if (this.error) this.scrollToMark();
  }

  onInput(e) {
    this.error = null;
    this.render();
    // One character typed opens the list; a paste or a space does not.
    const typed = e.inputType === 'insertText' && e.data && e.data.length === 1 && /[\p{L}\p{N}_$.]/u.test(e.data);
    if (typed || (!this.list.hidden && e.inputType?.startsWith('delete'))) this.complete(false);
    else this.close();
  }

  syncScroll() {
    this.pre.scrollTop = this.input.scrollTop;
    this.pre.scrollLeft = this.input.scrollLeft;
  }

  render() {
    const text = this.value;
    const toks = tokenize(text);
    const err = this.error;
    clear(this.code);
    let marked = false;
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      const cls = classify(toks, i, this.functions);
      if (err && !marked && t.end > err.offset && t.type !== 'ws') {
        // The token the error points into (or the first one after it).
        const before = t.start < err.offset ? t.text.slice(0, err.offset - t.start) : '';
        if (before) this.code.append(h('span', {class: 't-' + cls}, before));
        this.code.append(h('span', {class: 't-' + cls + ' err', title: err.message, id: 'sql-error-mark'},
          t.text.slice(before.length)));
        marked = true;
        continue;
      }
      if (err && !marked && t.type === 'ws' && t.end > err.offset) {
        // The error points at white space (often: the end of the text).
        const k = err.offset - t.start;
        this.code.append(t.text.slice(0, k));
        this.code.append(h('span.err.err-gap', {title: err.message, id: 'sql-error-mark'}, ' '));
        this.code.append(t.text.slice(k + 1));
        marked = true;
        continue;
      }
      this.code.append(cls === 'ws' ? t.text : h('span', {class: 't-' + cls}, t.text));
    }
    if (err && !marked) {
      this.code.append(h('span.err.err-gap', {title: err.message, id: 'sql-error-mark'}, ' '));
    }
    // A trailing newline in a <pre> shows no line: keep the heights equal.
    this.code.append('\n');
    this.syncScroll();
  }

  scrollToMark() {
    const mark = this.code.querySelector('.err');
    if (!mark) return;
    const top = mark.offsetTop - this.input.clientHeight / 2;
    this.input.scrollTop = Math.max(0, top);
    this.syncScroll();
  }

  onKey(e) {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      this.close();
      this.onRun();
      return;
    }
    if ((e.ctrlKey || e.metaKey) && e.key === ' ') {
      e.preventDefault();
      this.complete(true);
      return;
    }
    if (!this.list.hidden) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = this.items.length;
        this.sel = (this.sel + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
        this.paint();
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        this.accept(this.items[this.sel]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
        return;
      }
    }
    if (e.key === 'Tab' && !e.shiftKey) {
      e.preventDefault();
      insertText(this.input, '  ');
    }
  }

  // complete opens the list of words that fit where the caret is; forced
  // opens it even for an empty prefix.
  complete(forced) {
    const pos = this.input.selectionStart;
    if (pos !== this.input.selectionEnd) return this.close();
    const before = this.value.slice(0, pos);
    const m = /([\p{L}\p{N}_$]+\.)*[\p{L}\p{N}_$]*$/u.exec(before);
    const path = m[0].split('.');
    const prefix = path.pop().toLowerCase();
    if (!forced && !prefix) return this.close();
    if (/^[0-9]/.test(m[0])) return this.close();
    const items = this.candidates(path.map(p => p.toLowerCase()), prefix);
    if (!items.length || (items.length === 1 && items[0].text.toLowerCase() === prefix)) return this.close();
    this.items = items.slice(0, 50);
    this.prefix = prefix;
    this.sel = 0;
    this.paint();
    this.place(before);
  }

  candidates(path, prefix) {
    const inQuery = tablesIn(this.value, this.tables);
    const out = [];
    const add = (text, kind, detail) => {
      if (text.toLowerCase().startsWith(prefix)) out.push({text, kind, detail});
    };
    if (path.length) {
      // table.column, alias.column, struct.field, alias.struct.field
      let fields = null;
      let rest = path;
      const t = inQuery.get(path[0]) || (this.tables.has(path[0]) ? path[0] : null);
      if (t) {
        fields = this.tables.get(t).columns;
        rest = path.slice(1);
      } else {
        fields = this.columnsOf(inQuery);
      }
      for (const p of rest) {
        const f = (fields || []).find(c => c.name.toLowerCase() === p);
        fields = f ? fieldsOf(f) : null;
      }
      for (const c of fields || []) add(c.name, 'field', c.type);
      return out;
    }
    for (const c of this.columnsOf(inQuery)) add(c.name, 'column', c.type);
    for (const t of this.tables.values()) add(t.name, 'table', 'table');
    for (const f of this.functions) add(f, 'function', 'function');
    for (const k of KEYWORDS) add(k, 'keyword', '');
    const rank = {column: 0, table: 1, function: 2, keyword: 3};
    const seen = new Set();
    return out.filter(o => !seen.has(o.text) && seen.add(o.text))
      .sort((a, b) => rank[a.kind] - rank[b.kind] || a.text.length - b.text.length || a.text.localeCompare(b.text));
  }

  // columnsOf returns the columns of the tables a query reads (of
  // cloudtrail when it names none yet).
  columnsOf(inQuery) {
    const names = new Set(inQuery.values());
    if (!names.size && this.tables.has('cloudtrail')) names.add('cloudtrail');
    const cols = [];
    for (const n of names) cols.push(...(this.tables.get(n)?.columns || []));
    return cols;
  }

  paint() {
    clear(this.list);
    this.items.forEach((it, i) => {
      const li = h('li', {
        role: 'option', class: i === this.sel ? 'sel' : null, 'aria-selected': String(i === this.sel),
        onmousedown: (e) => { e.preventDefault(); this.accept(it); },
      }, h('span.c-text', it.text), h('span.c-kind', it.detail || it.kind));
      this.list.append(li);
    });
    this.list.hidden = false;
    this.list.children[this.sel]?.scrollIntoView({block: 'nearest'});
  }

  // place puts the list under the caret: the editor's font is monospaced,
  // so the caret is at (column × char width, line × line height).
  place(before) {
    const lines = before.split('\n');
    const cs = getComputedStyle(this.input);
    const lh = parseFloat(cs.lineHeight) || 18;
    const cw = charWidth(this.pre);
    const x = parseFloat(cs.paddingLeft) + (lines[lines.length - 1].length - this.prefix.length) * cw - this.input.scrollLeft;
    const y = parseFloat(cs.paddingTop) + lines.length * lh - this.input.scrollTop;
    this.list.style.left = Math.max(0, Math.min(x, this.el.clientWidth - 260)) + 'px';
    this.list.style.top = y + 'px';
  }

  accept(item) {
    if (!item) return;
    const pos = this.input.selectionStart;
    this.input.setSelectionRange(pos - this.prefix.length, pos);
    let text = item.text;
    if (item.kind === 'function') text += '(';
    insertText(this.input, text);
    this.close();
  }

  close() {
    this.list.hidden = true;
    this.items = [];
  }
}

function fieldsOf(col) {
  const f = col.fields;
  if (!f) return null;
  return f.map(x => (typeof x === 'string' ? {name: x, type: ''} : x));
}

// insertText types text at the caret, keeping the undo history.
function insertText(ta, text) {
  ta.focus();
  if (!document.execCommand('insertText', false, text)) {
    ta.setRangeText(text, ta.selectionStart, ta.selectionEnd, 'end');
    ta.dispatchEvent(new InputEvent('input', {inputType: 'insertText', data: text}));
  }
}

// charWidth measures the width of one character of el's font.
function charWidth(el) {
  const probe = h('span', 'MMMMMMMMMM');
  el.append(probe);
  const w = probe.getBoundingClientRect().width / 10;
  probe.remove();
  return w || 8;
}
