// The result grid: sortable columns, copy as tab-separated text, export as CSV.

// Rows drawn at once; the rest stay in memory for sort, copy and export.
const MAX_RENDERED_ROWS = 2000;

/** cellText renders one value as the grid, copy and CSV show it (dynamic values as JSON). */
export function cellText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const numericTypes = new Set(['int', 'long', 'real', 'double', 'decimal']);

function compareValues(a, b, type) {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1; // nulls last
  if (b === null || b === undefined) return -1;
  if (numericTypes.has(type)) return Number(a) - Number(b);
  if (type === 'bool') return (a ? 1 : 0) - (b ? 1 : 0);
  // ISO datetimes and timespans of equal width order as text
  return cellText(a).localeCompare(cellText(b), undefined, { numeric: true });
}

/** csvField quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(s) {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCSV(result) {
  const lines = [result.columns.map((c) => csvField(c.name)).join(',')];
  for (const row of result.rows) lines.push(row.map((v) => csvField(cellText(v))).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function toTSV(result) {
  const clean = (s) => s.replace(/[\t\r\n]+/g, ' ');
  const lines = [result.columns.map((c) => clean(c.name)).join('\t')];
  for (const row of result.rows) lines.push(row.map((v) => clean(cellText(v))).join('\t'));
  return lines.join('\n');
}

/** renderGrid draws result into el; clicking a header sorts by it (again: descending, third time: original order). */
export function renderGrid(el, result) {
  const order = result.rows.map((_, i) => i);
  let sortCol = -1;
  let sortDir = 0;

  const draw = () => {
    const table = document.createElement('table');
    table.className = 'result';
    const thead = table.createTHead().insertRow();
    result.columns.forEach((c, i) => {
      const th = document.createElement('th');
      th.dataset.col = String(i);
      th.title = `${c.name} (${c.type}): click to sort`;
      const arrow = sortCol === i ? (sortDir > 0 ? ' ▲' : ' ▼') : '';
      th.innerHTML = '';
      th.append(c.name, Object.assign(document.createElement('span'), { className: 'coltype', textContent: ` ${c.type}${arrow}` }));
      th.setAttribute('aria-sort', sortCol === i ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
      th.addEventListener('click', () => {
        if (sortCol !== i) {
          sortCol = i;
          sortDir = 1;
        } else if (sortDir === 1) {
          sortDir = -1;
        } else {
          sortCol = -1;
          sortDir = 0;
        }
        order.sort((a, b) => (sortCol < 0 ? a - b : sortDir * compareValues(result.rows[a][sortCol], result.rows[b][sortCol], result.columns[sortCol].type) || a - b));
        draw();
      });
      thead.append(th);
    });
    const tbody = table.createTBody();
    for (const r of order.slice(0, MAX_RENDERED_ROWS)) {
      const tr = tbody.insertRow();
      result.rows[r].forEach((v, i) => {
        const td = tr.insertCell();
        td.textContent = cellText(v);
        if (numericTypes.has(result.columns[i].type)) td.className = 'num';
        if (v === null) td.classList.add('null');
      });
    }
    el.replaceChildren(table);
    if (result.rows.length > MAX_RENDERED_ROWS) {
      const note = document.createElement('p');
      note.className = 'muted';
      note.textContent = `Showing ${MAX_RENDERED_ROWS} of ${result.rows.length} rows; Copy and Export CSV include all.`;
      el.append(note);
    }
  };
  draw();
  return { sortedResult: () => ({ ...result, rows: order.map((i) => result.rows[i]) }) };
}
