// fields.js: reading the API's objects whatever the case of their keys
// (eventTime, event_time, EventTime): pick(o, 'event_time').

export function pick(o, ...names) {
  if (!o || typeof o !== 'object') return undefined;
  for (const name of names) {
    const want = name.toLowerCase().replace(/_/g, '');
    for (const k of Object.keys(o)) {
      if (k.toLowerCase().replace(/_/g, '') === want) return o[k];
    }
  }
  return undefined;
}

// table turns an answer into {columns, rows} for a Grid: an answer that
// already is one, or a list of objects (the keys of the first are the
// columns).
export function table(v) {
  if (v && Array.isArray(v.columns) && Array.isArray(v.rows)) return v;
  const list = Array.isArray(v) ? v : [];
  if (!list.length) return {columns: [], rows: []};
  const keys = Object.keys(list[0]);
  return {
    columns: keys.map(k => ({name: k, type: ''})),
    rows: list.map(o => keys.map(k => (o[k] === undefined ? null : o[k]))),
  };
}
