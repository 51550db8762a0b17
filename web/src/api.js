// Requests to the kqlhunt server: the Kusto v2 query endpoint and the workbench's /api/ endpoints.

const TOKEN_KEY = 'kqlhunt.token';

/** QueryError is a failed query; diagnostics carry byte offsets into the query text when the server located it. */
export class QueryError extends Error {
  constructor(message, diagnostics = [], line = 0, column = 0) {
    super(message);
    this.diagnostics = diagnostics;
    this.line = line;
    this.column = column;
  }
}

// request sends the bearer token the user gave (when the server asks for one) and asks once on 401.
async function request(path, init = {}, retried = false) {
  const headers = { ...(init.headers || {}) };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const resp = await fetch(path, { ...init, headers });
  if (resp.status === 401 && !retried) {
    const given = window.prompt('This kqlhunt server needs its bearer token:');
    if (given) {
      sessionStorage.setItem(TOKEN_KEY, given.trim());
      return request(path, init, true);
    }
  }
  return resp;
}

async function json(path, init) {
  const resp = await request(path, init);
  const body = await resp.json().catch(() => null);
  if (!resp.ok) throw new Error((body && (body.error?.['@message'] || body.error)) || `${path}: HTTP ${resp.status}`);
  return body;
}

export const getSchema = () => json('/api/schema');
export const getRules = () => json('/api/rules');
export const checkQuery = (csl, signal) =>
  json('/api/check', { method: 'POST', body: JSON.stringify({ csl }), headers: { 'Content-Type': 'application/json' }, signal });

// errorFromBody turns Kusto's error object (the REST error or a OneApiErrors entry) into a QueryError.
function errorFromBody(err) {
  const msg = err['@message'] || err.message || 'query failed';
  return new QueryError(msg, err['@diagnostics'] || [], err['@line'] || 0, err['@characterPositionInLine'] || 0);
}

/**
 * runQuery runs csl through POST /v2/rest/query and returns the primary result:
 * { columns: [{name, type}], rows: [[...]], visualization: object|null, truncated: false or the limit's message }.
 */
export async function runQuery(csl, signal) {
  const resp = await request('/v2/rest/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-ms-app': 'kqlhunt-workbench' },
    body: JSON.stringify({ db: window.kqlhuntDatabase || 'kqlhunt', csl }),
    signal,
  });
  const body = await resp.json().catch(() => null);
  if (!resp.ok) {
    if (body && body.error) throw errorFromBody(body.error);
    throw new QueryError(`HTTP ${resp.status}`);
  }
  return parseFrames(body);
}

/** parseFrames reads a v2 response (an array of frames) into the primary result and its visualization. */
export function parseFrames(frames) {
  let primary = null;
  let visualization = null;
  let truncated = false;
  for (const f of frames || []) {
    if (f.FrameType === 'DataTable' && f.TableKind === 'QueryProperties') {
      for (const row of f.Rows) {
        if (row[1] === 'Visualization') {
          visualization = typeof row[2] === 'string' ? JSON.parse(row[2]) : row[2];
        }
      }
    } else if (f.FrameType === 'DataTable' && f.TableKind === 'PrimaryResult' && !primary) {
      primary = f;
    } else if (f.FrameType === 'DataSetCompletion' && f.HasErrors) {
      const errors = f.OneApiErrors || [];
      const first = errors[0]?.error;
      // Exceeding the result limits (Kusto's LimitsExceeded) still returns the rows that fit; other errors fail.
      if (first && first.code === 'LimitsExceeded' && primary) {
        truncated = first['@message'] || first.message;
      } else if (first) {
        throw errorFromBody(first);
      }
    }
  }
  if (!primary) throw new QueryError('the response has no primary result');
  const rows = [];
  for (const row of primary.Rows) {
    if (Array.isArray(row)) rows.push(row);
    else if (row && row.error) throw errorFromBody(row.error); // an in-table exception row
  }
  return {
    columns: primary.Columns.map((c) => ({ name: c.ColumnName, type: c.ColumnType })),
    rows,
    visualization,
    truncated,
  };
}

/** byteToIndex converts a byte offset in text's UTF-8 encoding to a JavaScript string index. */
export function byteToIndex(text, byte) {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byte) {
    const cp = text.codePointAt(i);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp >= 0x10000 ? 2 : 1;
  }
  return i;
}
