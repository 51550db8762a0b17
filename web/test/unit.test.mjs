// Unit tests of the workbench's pure parts: v2 frame parsing, byte offsets, CSV/TSV, chart options, error ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteToIndex, parseFrames, QueryError } from '../src/api.js';
import { csvField, toCSV, toTSV, cellText } from '../src/grid.js';
import { chartFor, summaryText } from '../src/chart.js';
import { toEditorDiagnostics } from '../src/kql.js';

const props = (vis) => ({
  FrameType: 'DataTable', TableKind: 'QueryProperties', TableId: 0,
  Rows: vis ? [[1, 'Visualization', JSON.stringify(vis)]] : [],
});
const primary = (columns, rows) => ({
  FrameType: 'DataTable', TableKind: 'PrimaryResult', TableId: 1,
  Columns: columns.map(([n, t]) => ({ ColumnName: n, ColumnType: t })), Rows: rows,
});
const done = (errors) => ({ FrameType: 'DataSetCompletion', HasErrors: !!errors, Cancelled: false, OneApiErrors: errors });

test('byteToIndex maps UTF-8 byte offsets to string indexes', () => {
  const cases = [
    { name: 'ascii', text: 'abc', byte: 2, want: 2 },
    { name: 'two-byte', text: 'é|x', byte: 2, want: 1 },
    { name: 'three-byte', text: '€€x', byte: 6, want: 2 },
    { name: 'astral (surrogate pair)', text: '😀x', byte: 4, want: 2 },
    { name: 'past the end', text: 'ab', byte: 10, want: 2 },
  ];
  for (const c of cases) assert.equal(byteToIndex(c.text, c.byte), c.want, c.name);
});

test('parseFrames reads the primary result and its visualization', () => {
  const res = parseFrames([
    { FrameType: 'DataSetHeader' },
    props({ Visualization: 'piechart', Title: null }),
    primary([['ActionType', 'string'], ['n', 'long']], [['ClickBlocked', 3], ['ClickAllowed', 5]]),
    done(),
  ]);
  assert.deepEqual(res.columns, [{ name: 'ActionType', type: 'string' }, { name: 'n', type: 'long' }]);
  assert.deepEqual(res.rows, [['ClickBlocked', 3], ['ClickAllowed', 5]]);
  assert.equal(res.visualization.Visualization, 'piechart');
  assert.equal(res.truncated, false);
});

test('parseFrames keeps the rows of a truncated result and fails on other errors', () => {
  const limit = { error: { code: 'LimitsExceeded', '@message': 'exceed the set limit of 2 records' } };
  const res = parseFrames([props(), primary([['x', 'long']], [[1], [2]]), done([limit])]);
  assert.equal(res.truncated, 'exceed the set limit of 2 records');
  assert.equal(res.rows.length, 2);

  const failed = { error: { code: 'General_BadRequest', '@message': 'boom', '@line': 2, '@characterPositionInLine': 5,
    '@diagnostics': [{ message: 'boom', line: 2, column: 5, start: 9, end: 12 }] } };
  assert.throws(() => parseFrames([props(), primary([['x', 'long']], []), done([failed])]), (err) => {
    assert.ok(err instanceof QueryError);
    assert.equal(err.line, 2);
    assert.equal(err.column, 5);
    assert.equal(err.diagnostics[0].start, 9);
    return true;
  });
  assert.throws(() => parseFrames([props(), done()]), /no primary result/);
});

test('CSV quotes fields with commas, quotes and line breaks; TSV flattens them', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  const result = { columns: [{ name: 'Url', type: 'string' }, { name: 'Chain', type: 'dynamic' }, { name: 'n', type: 'long' }],
    rows: [['https://a.example/?q=1,2', ['x', 'y'], 3], [null, { k: 'v' }, null]] };
  assert.equal(toCSV(result), 'Url,Chain,n\r\n"https://a.example/?q=1,2","[""x"",""y""]",3\r\n,"{""k"":""v""}",\r\n');
  assert.equal(toTSV({ columns: [{ name: 'a', type: 'string' }], rows: [['x\ty\nz']] }), 'a\nx y z');
  assert.equal(cellText(false), 'false');
  assert.equal(cellText(0), '0');
});

test('chartFor draws make-series arrays as a time series', () => {
  const days = ['2026-11-03T00:00:00.0000000Z', '2026-11-04T00:00:00.0000000Z', '2026-11-05T00:00:00.0000000Z'];
  const result = { columns: [{ name: 'BlockedClicks', type: 'dynamic' }, { name: 'Timestamp', type: 'dynamic' }], rows: [[[12, 27, 12], days]] };
  const { option, summary } = chartFor(result, { Visualization: 'timechart' });
  assert.equal(option.xAxis.type, 'time');
  assert.equal(option.series.length, 1);
  assert.equal(option.series[0].type, 'line');
  assert.deepEqual(option.series[0].data[1], [Date.parse(days[1]), 27]);
  assert.equal(summaryText(summary[0]), 'BlockedClicks: 3 points, total 51, max 27');
});

test('chartFor names one series per make-series row by its labels', () => {
  const days = ['2026-11-03T00:00:00Z', '2026-11-04T00:00:00Z'];
  const result = {
    columns: [{ name: 'ActionType', type: 'string' }, { name: 'Clicks', type: 'dynamic' }, { name: 'Timestamp', type: 'dynamic' }],
    rows: [['ClickAllowed', [5, 6], days], ['ClickBlocked', [1, 2], days]],
  };
  const { option } = chartFor(result, { Visualization: 'areachart', Kind: 'stacked' });
  assert.deepEqual(option.series.map((s) => s.name), ['ClickAllowed', 'ClickBlocked']);
  assert.equal(option.series[0].stack, 'total');
  assert.ok(option.series[0].areaStyle);
});

test('chartFor splits row-shaped time charts by their string columns', () => {
  const result = {
    columns: [{ name: 'Timestamp', type: 'datetime' }, { name: 'Workload', type: 'string' }, { name: 'n', type: 'long' }],
    rows: [['2026-11-04T00:00:00Z', 'Email', 2], ['2026-11-03T00:00:00Z', 'Email', 1], ['2026-11-03T00:00:00Z', 'Teams', 7]],
  };
  const { option } = chartFor(result, { Visualization: 'timechart' });
  assert.deepEqual(option.series.map((s) => [s.name, s.data.map((d) => d[1])]), [['Email', [1, 2]], ['Teams', [7]]]);
});

test('chartFor draws column, bar and pie charts, and nothing for tables', () => {
  const result = { columns: [{ name: 'User', type: 'string' }, { name: 'n', type: 'long' }], rows: [['a', 3], ['b', 5]] };
  const col = chartFor(result, { Visualization: 'columnchart' }).option;
  assert.deepEqual(col.xAxis.data, ['a', 'b']);
  assert.deepEqual(col.series[0].data, [3, 5]);
  const bar = chartFor(result, { Visualization: 'barchart' }).option;
  assert.equal(bar.yAxis.type, 'category');
  assert.equal(bar.yAxis.inverse, true);
  const pie = chartFor(result, { Visualization: 'piechart' }).option;
  assert.deepEqual(pie.series[0].data, [{ name: 'a', value: 3 }, { name: 'b', value: 5 }]);
  assert.equal(chartFor(result, { Visualization: 'table' }), null);
  assert.equal(chartFor(result, null), null);
  assert.equal(chartFor({ ...result, rows: [] }, { Visualization: 'columnchart' }), null);
});

test('toEditorDiagnostics turns byte spans into editor ranges, widening empty ones', () => {
  const text = 'print s = "é"\n| where (x';
  const [d] = toEditorDiagnostics(text, [{ severity: 'error', message: "expected ')'", line: 2, column: 11, start: text.length + 1, end: text.length + 1 }]);
  assert.equal(d.to, text.length);
  assert.equal(d.from, text.length - 1);
  const [w] = toEditorDiagnostics(text, [{ severity: 'warning', message: 'w', line: 2, column: 9, start: 23, end: 24 }]);
  assert.equal(text.slice(w.from, w.to), '(');
  assert.equal(w.severity, 'warning');
});
