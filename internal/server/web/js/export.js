// export.js: the results as files, written as `trailsql query --format
// csv|json` writes them (internal/query/format.go), so that a download
// from the console and the command line's output are the same bytes.

// cellText is a value as a table or CSV cell shows it (query.text): NULL
// is null, times as Athena shows them, nested values as JSON.
export function cellText(v, type) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string': return isTimeType(type) ? athenaTime(v, type) : v;
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return formatNumber(v, type);
    default: return JSON.stringify(v);
  }
}

function isTimeType(type) {
  type = (type || '').toUpperCase();
  return type === 'DATE' || type.startsWith('TIME');
}

// athenaTime turns the RFC 3339 text the API sends for a DATE, TIME or
// TIMESTAMP into what Athena (and the CLI) show.
function athenaTime(s, type) {
  type = type.toUpperCase();
  const m = /^(\d{4,}-\d\d-\d\d)(?:[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?)?/.exec(s);
  if (!m) return s;
  if (type === 'DATE') return m[1];
  const ms = ((m[3] || '') + '000').slice(0, 3);
  const time = (m[2] || '00:00:00') + '.' + ms;
  if (!type.startsWith('TIMESTAMP')) {
    return /^\d\d:\d\d:\d\d/.test(s) ? s.slice(0, 8) + '.' + ms : time;
  }
  return m[1] + ' ' + time + (type.includes('TIME ZONE') ? ' UTC' : '');
}

// formatNumber writes a number as Go's strconv does in query.formatFloat:
// plain digits below 1e15, the shortest exponent form above.
function formatNumber(n, type) {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Number.isInteger(n) && !/DOUBLE|REAL|FLOAT|DECIMAL/i.test(type || '')) return String(n);
  if (Math.abs(n) < 1e15) {
    let s = String(n);
    if (/e/.test(s)) s = plain(n);
    return s;
  }
  // Go's 'g' with the shortest precision: 1e+21, 1.5e+16
  return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}

// plain writes a small number (JavaScript would use an exponent) in
// plain digits, as Go's 'f' format with the shortest precision does.
function plain(n) {
  const [mant, exp] = n.toExponential().split('e');
  const e = Number(exp);
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  let out;
  if (e < 0) out = '0.' + '0'.repeat(-e - 1) + digits;
  else out = digits.padEnd(e + 1, '0').slice(0, e + 1) + (digits.length > e + 1 ? '.' + digits.slice(e + 1) : '');
  return (neg ? '-' : '') + out;
}

// Go's unicode.IsSpace: a field that starts with one is quoted.
const goSpace = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

// csvField quotes a field as Go's encoding/csv Writer with UseCRLF does.
function csvField(f) {
  if (f === '') return f;
  if (f !== '\\.' && !/[",\r\n]/.test(f) && !goSpace.test(f)) return f;
  return '"' + f.replace(/"/g, '""').replace(/\r/g, '').replace(/\n/g, '\r\n') + '"';
}

// toCSV writes columns and rows as RFC 4180 CSV with CRLF line ends and a
// header row; NULL is an empty field.
export function toCSV(columns, rows) {
  const out = [columns.map(c => csvField(c.name)).join(',')];
  for (const r of rows) {
    out.push(r.map((v, i) => csvField(cellText(v, columns[i].type) ?? '')).join(','));
  }
  return out.join('\r\n') + '\r\n';
}

// toJSON writes the rows as an array of objects, one per row, keys in
// column order (a repeated name gets _2, _3, ...), one object a line.
export function toJSON(columns, rows) {
  const seen = new Map();
  const keys = columns.map(c => {
    const n = (seen.get(c.name) || 0) + 1;
    seen.set(c.name, n);
    return JSON.stringify(n > 1 ? `${c.name}_${n}` : c.name);
  });
  if (!rows.length) return '[]\n';
  // Numbers as Go writes them (1e+20, 0.0000001), the rest as JSON.
  const value = (v, type) => (typeof v === 'number' && Number.isFinite(v) ? formatNumber(v, type) : JSON.stringify(v ?? null));
  const lines = rows.map(r => '{' + r.map((v, i) => keys[i] + ':' + value(v, columns[i].type)).join(',') + '}');
  return '[\n' + lines.join(',\n') + '\n]\n';
}
