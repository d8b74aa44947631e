// sql.js: a tokenizer for Athena's SQL (Trino dialect), good enough to
// colour a query as it is typed and to find the word being completed. It
// never fails: text it does not know is an 'op' token.

export const KEYWORDS = new Set(`
ALL AND ANY ARRAY AS ASC AT BETWEEN BY CASE CAST CROSS CUBE CURRENT DATE DAY
DESC DESCRIBE DISTINCT ELSE END ESCAPE EXCEPT EXISTS EXPLAIN FALSE FETCH FILTER
FIRST FOLLOWING FOR FROM FULL GROUP GROUPING HAVING HOUR IF IN INNER INTERSECT
INTERVAL INTO IS JOIN LAST LATERAL LEFT LIKE LIMIT MAP MINUTE MONTH NATURAL NOT
NULL NULLS OFFSET ON OR ORDER ORDINALITY OUTER OVER PARTITION PRECEDING RANGE
RECURSIVE RIGHT ROLLUP ROW ROWS SECOND SELECT SETS SHOW SOME TABLE TABLES THEN
TIME TIMESTAMP TO TRUE TRY_CAST UNBOUNDED UNION UNNEST USING VALUES WHEN WHERE
WINDOW WITH YEAR ZONE VARCHAR BIGINT INTEGER DOUBLE BOOLEAN DECIMAL ROW JSON
`.trim().split(/\s+/));

// tokenize splits text into tokens {type, text, start, end}; type is one of
// ws, comment, string, ident (a double-quoted identifier), number, word, op.
export function tokenize(text) {
  const out = [];
  let i = 0;
  const n = text.length;
  const push = (type, start) => out.push({type, text: text.slice(start, i), start, end: i});
  while (i < n) {
    const start = i;
    const c = text[i];
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(text[i])) i++;
      push('ws', start);
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
      push('comment', start);
    } else if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      push('comment', start);
    } else if (c === "'" || c === '"') {
      i++;
      while (i < n) {
        if (text[i] === c) {
          if (text[i + 1] === c) { i += 2; continue; }
          i++;
          break;
        }
        i++;
      }
      push(c === "'" ? 'string' : 'ident', start);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] || ''))) {
      while (i < n && /[0-9.]/.test(text[i])) i++;
      if (i < n && /[eE]/.test(text[i]) && /[-+0-9]/.test(text[i + 1] || '')) {
        i += 2;
        while (i < n && /[0-9]/.test(text[i])) i++;
      }
      push('number', start);
    } else if (/[\p{L}_$]/u.test(c)) {
      while (i < n && /[\p{L}\p{N}_$]/u.test(text[i])) i++;
      push('word', start);
    } else {
      i++;
      push('op', start);
    }
  }
  return out;
}

// classify names the colour of a token: kw, fn (a word followed by a
// parenthesis, or a known function), or the token's own type.
export function classify(tokens, i, functions) {
  const t = tokens[i];
  if (t.type !== 'word') return t.type;
  const up = t.text.toUpperCase();
  let j = i + 1;
  while (j < tokens.length && tokens[j].type === 'ws') j++;
  const call = j < tokens.length && tokens[j].text === '(';
  if (call && (functions.has(t.text.toLowerCase()) || !KEYWORDS.has(up))) return 'fn';
  if (KEYWORDS.has(up)) return 'kw';
  return 'word';
}

// offsetOf turns a 1-based line and column (in characters, as the query
// layer counts them) into an offset in text (UTF-16 code units).
export function offsetOf(text, line, column) {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  let chars = 1;
  while (chars < column && off < text.length && text[off] !== '\n') {
    const cp = text.codePointAt(off);
    off += cp > 0xffff ? 2 : 1;
    chars++;
  }
  return off;
}

// tablesIn returns the tables a query reads and the aliases it gives them:
// a map from name or alias (lower case) to table name.
export function tablesIn(text, known) {
  const toks = tokenize(text).filter(t => t.type !== 'ws' && t.type !== 'comment');
  const out = new Map();
  for (let i = 0; i < toks.length; i++) {
    const name = toks[i].text.toLowerCase().replace(/^"|"$/g, '');
    if (!known.has(name)) continue;
    const prev = (toks[i - 1]?.text || '').toUpperCase();
    if (prev !== 'FROM' && prev !== 'JOIN' && prev !== ',') continue;
    out.set(name, name);
    let j = i + 1;
    if ((toks[j]?.text || '').toUpperCase() === 'AS') j++;
    const a = toks[j];
    if (a && (a.type === 'word' || a.type === 'ident') && !KEYWORDS.has(a.text.toUpperCase())) {
      out.set(a.text.toLowerCase().replace(/^"|"$/g, ''), name);
    }
  }
  return out;
}
