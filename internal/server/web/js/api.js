// api.js: the HTTP API of `trailsql serve`. Every request that changes
// something carries the CSRF token the server put in the page's
// <meta name="trailsql-csrf">.

const csrf = () => document.querySelector('meta[name="trailsql-csrf"]')?.content || '';

// ApiError is a failed request: the server's message and, for a query
// that does not parse, the 1-based line and column it points at.
export class ApiError extends Error {
  constructor(message, status, line, column) {
    super(message);
    this.status = status;
    this.line = line || 0;
    this.column = column || 0;
  }
}

async function request(method, path, body, opts = {}) {
  const headers = {Accept: opts.accept || 'application/json'};
  if (method !== 'GET' && method !== 'HEAD') headers['X-Trailsql-CSRF'] = csrf();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method, headers, signal: opts.signal, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res);
  return res;
}

async function errorOf(res) {
  let msg = `${res.status} ${res.statusText}`;
  try {
    const j = await res.json();
    if (j && j.error) return new ApiError(j.error, res.status, j.line, j.column);
  } catch { /* not JSON */ }
  return new ApiError(msg, res.status);
}

export async function get(path, opts) {
  const res = await request('GET', path, undefined, opts);
  return res.json();
}

export async function getText(path, opts) {
  const res = await request('GET', path, undefined, opts);
  return res.text();
}

export async function post(path, body, opts) {
  const res = await request('POST', path, body, opts);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export async function del(path, opts) {
  await request('DELETE', path, undefined, opts);
}

// stream runs a query (POST path with body) asking for NDJSON and calls
// onColumns(columns) once, onRows(rows) for each batch of rows as they
// arrive, and returns the stats. signal cancels it: the server stops the
// query when the connection goes.
export async function stream(path, body, {signal, onColumns, onRows}) {
  const res = await request('POST', path, body, {signal, accept: 'application/x-ndjson'});
  const type = res.headers.get('Content-Type') || '';
  if (!type.includes('ndjson')) {
    // A server that answers in one document.
    const j = await res.json();
    onColumns(j.columns || []);
    onRows(j.rows || []);
    return j.stats || {};
  }
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  let stats = {};
  let batch = [];
  const line = (l) => {
    if (!l.trim()) return;
    const v = JSON.parse(l);
    if (Array.isArray(v)) { batch.push(v); return; }
    if (v.columns) onColumns(v.columns);
    if (v.stats) stats = v.stats;
    if (v.error) throw new ApiError(v.error, 200, v.line, v.column);
  };
  for (;;) {
    const {done, value} = await reader.read();
    if (done) break;
    buf += dec.decode(value, {stream: true});
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      line(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
    if (batch.length) { onRows(batch); batch = []; }
  }
  line(buf + dec.decode());
  if (batch.length) onRows(batch);
  return stats;
}
