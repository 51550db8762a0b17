// The kqlhunt workbench: a KQL editor with results and charts, the rule library, and the Defender for Office 365
// trend dashboard.
import { EditorView, basicSetup } from 'codemirror';
import { keymap } from '@codemirror/view';
import { Compartment, Prec } from '@codemirror/state';
import { autocompletion } from '@codemirror/autocomplete';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { getRules, getSchema, runQuery, QueryError } from './api.js';
import { kqlCompletion, kqlHighlight, kqlLanguage, kqlLinter, newKqlLanguage, toEditorDiagnostics } from './kql.js';
import { renderGrid, toCSV, toTSV } from './grid.js';
import { chartFor, drawChart, disposeChart, resizeCharts, summaryText } from './chart.js';
import './style.css';

const $ = (id) => document.getElementById(id);
const STORED_QUERY = 'kqlhunt.query';
let schema = null;
let rulesCache = null;
const languageSlot = new Compartment();

// ---- editor ----

const editor = new EditorView({
  parent: $('editor'),
  doc: localStorage.getItem(STORED_QUERY) ?? '',
  extensions: [
    basicSetup,
    languageSlot.of(kqlLanguage),
    kqlHighlight,
    autocompletion({ override: [kqlCompletion(() => schema)], activateOnTyping: true }),
    kqlLinter(),
    lintGutter(),
    Prec.highest(keymap.of([
      { key: 'Shift-Enter', run: () => (runEditorQuery(), true) },
      { key: 'Mod-Enter', run: () => (runEditorQuery(), true) },
    ])),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) localStorage.setItem(STORED_QUERY, u.state.doc.toString());
    }),
    EditorView.theme({ '&': { height: '100%' }, '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' } }),
  ],
});

function setEditorText(text) {
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
}

// ---- running a query ----

let running = null; // the AbortController of the query in flight
let lastResult = null;
let grid = null;

function setStatus(text, kind = '') {
  const el = $('status');
  el.textContent = text;
  el.className = `status ${kind}`;
}

function clearResults() {
  $('error').hidden = true;
  $('chart-pane').hidden = true;
  $('result-bar').hidden = true;
  $('grid').hidden = true;
  disposeChart($('chart'));
}

function showError(err, text) {
  const box = $('error');
  box.hidden = false;
  box.replaceChildren();
  const title = document.createElement('strong');
  if (err instanceof QueryError && err.line) {
    title.textContent = `Line ${err.line}, column ${err.column}: `;
    editor.dispatch(setDiagnostics(editor.state, toEditorDiagnostics(text, err.diagnostics)));
  }
  box.append(title, err.message);
}

async function runEditorQuery() {
  const text = editor.state.doc.toString();
  if (!text.trim()) return;
  running?.abort();
  const controller = new AbortController();
  running = controller;
  clearResults();
  $('run').disabled = true;
  $('cancel').disabled = false;
  const started = performance.now();
  setStatus('Running…', 'busy');
  const tick = setInterval(() => setStatus(`Running… ${((performance.now() - started) / 1000).toFixed(1)} s`, 'busy'), 200);
  try {
    const result = await runQuery(text, controller.signal);
    const secs = ((performance.now() - started) / 1000).toFixed(2);
    if (result.truncated) setStatus(`Done in ${secs} s, truncated: ${result.truncated}`, 'warn');
    else setStatus(`Done in ${secs} s`, 'ok');
    showResult(result);
  } catch (err) {
    if (err.name === 'AbortError') {
      setStatus('Cancelled', 'warn');
    } else {
      setStatus('Failed', 'bad');
      showError(err, text);
    }
  } finally {
    clearInterval(tick);
    if (running === controller) running = null;
    $('run').disabled = false;
    $('cancel').disabled = true;
  }
}

function showResult(result) {
  lastResult = result;
  const chart = chartFor(result, result.visualization);
  if (chart) {
    $('chart-pane').hidden = false;
    drawChart($('chart'), chart.option);
    $('chart-summary').replaceChildren(...chart.summary.map((s) => Object.assign(document.createElement('li'), { textContent: summaryText(s) })));
  }
  $('result-bar').hidden = false;
  const n = result.rows.length;
  $('result-meta').textContent = `${n} row${n === 1 ? '' : 's'} · ${result.columns.length} column${result.columns.length === 1 ? '' : 's'}` +
    (result.visualization?.Visualization ? ` · render ${result.visualization.Visualization}` : '') + (result.truncated ? ' · truncated' : '');
  $('grid').hidden = false;
  grid = renderGrid($('grid'), result);
}

$('run').addEventListener('click', runEditorQuery);
$('cancel').addEventListener('click', () => running?.abort());
$('copy').addEventListener('click', async () => {
  if (!grid) return;
  try {
    await navigator.clipboard.writeText(toTSV(grid.sortedResult()));
    setStatus('Copied the rows to the clipboard', 'ok');
  } catch (err) {
    setStatus(`Could not copy: ${err.message}`, 'bad');
  }
});
$('export').addEventListener('click', () => {
  if (!grid) return;
  const blob = new Blob([toCSV(grid.sortedResult())], { type: 'text/csv;charset=utf-8' });
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: 'kqlhunt-result.csv' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});

// ---- rule library ----

function chips(items, cls) {
  const span = document.createElement('span');
  for (const it of items) span.append(Object.assign(document.createElement('span'), { className: `chip ${cls}`, textContent: it }));
  return span;
}

async function loadRules() {
  if (!rulesCache) rulesCache = await getRules();
  return rulesCache;
}

function cell(tr, content, cls = '') {
  const td = tr.insertCell();
  if (cls) td.className = cls;
  if (typeof content === 'string') td.textContent = content;
  else if (content) td.append(content);
  return td;
}

async function showRules() {
  const table = $('rules-table');
  let data;
  try {
    data = await loadRules();
  } catch (err) {
    $('rules-dir').textContent = `Could not list the rules: ${err.message}`;
    return;
  }
  $('rules-dir').textContent = data.dir
    ? `${data.rules.length} rule file${data.rules.length === 1 ? '' : 's'} in ${data.dir}`
    : 'No rules folder: start the server with --rules DIR.';
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const h of ['Rule', 'Tactics', 'Techniques', 'Tables', 'Tuning', '']) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  const body = table.createTBody();
  for (const r of data.rules) {
    const tr = body.insertRow();
    tr.dataset.file = r.file;
    const title = document.createElement('div');
    title.append(Object.assign(document.createElement('div'), { className: 'rule-name', textContent: r.name || r.file }));
    title.append(Object.assign(document.createElement('div'), { className: 'muted small', textContent: r.error ? r.error : r.file }));
    if (r.description) title.title = r.description;
    cell(tr, title);
    cell(tr, chips(r.tactics, 'tactic'));
    cell(tr, chips(r.techniques, 'technique'));
    cell(tr, r.tables.join(', '), 'small');
    const removed = r.exclusions.reduce((a, e) => a + e.removed, 0);
    cell(tr, r.tuningError ? `tuning error: ${r.tuningError}` : r.exclusions.length ? `${r.exclusions.length} exclusions · ${removed} rows` : '—', 'small');
    const run = Object.assign(document.createElement('button'), { className: 'primary small-btn', textContent: 'Run', disabled: !r.query });
    run.addEventListener('click', () => {
      setEditorText(r.query.trimEnd());
      location.hash = '#/query';
      runEditorQuery();
    });
    cell(tr, run);
  }
}

// ---- dashboard ----

async function showDashboard() {
  const root = $('dashboard');
  let data;
  try {
    data = await loadRules();
  } catch (err) {
    root.textContent = `Could not list the rules: ${err.message}`;
    return;
  }
  const rules = data.rules.filter((r) => r.dashboard);
  if (!rules.length) {
    root.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'No Defender for Office 365 chart rules in the rules folder.' }));
    return;
  }
  root.replaceChildren();
  await Promise.all(rules.map((r) => dashboardCard(root, r)));
}

async function dashboardCard(root, rule) {
  const card = Object.assign(document.createElement('article'), { className: 'card' });
  card.dataset.rule = rule.file;
  const h = Object.assign(document.createElement('h2'), { textContent: rule.name });
  const meta = Object.assign(document.createElement('div'), { className: 'muted small' });
  meta.append(chips(rule.tactics, 'tactic'), chips(rule.techniques, 'technique'));
  const chartEl = Object.assign(document.createElement('div'), { className: 'chart card-chart' });
  const summary = Object.assign(document.createElement('ul'), { className: 'chart-summary' });
  const excl = Object.assign(document.createElement('div'), { className: 'exclusions' });
  card.append(h, meta, chartEl, summary, excl);
  root.append(card);

  if (rule.tuningError) {
    excl.textContent = `Tuning could not be read: ${rule.tuningError}`;
  } else if (!rule.exclusions.length) {
    excl.append(Object.assign(document.createElement('p'), { className: 'muted small', textContent: 'No tuning exclusions for this rule.' }));
  } else {
    const total = rule.exclusions.reduce((a, e) => a + e.removed, 0);
    excl.append(Object.assign(document.createElement('h3'), { textContent: `Tuning exclusions: ${total} rows would be removed` }));
    const t = document.createElement('table');
    t.className = 'excl';
    for (const e of rule.exclusions) {
      const tr = t.insertRow();
      cell(tr, e.name).title = e.reason;
      cell(tr, e.table, 'muted');
      cell(tr, String(e.removed), 'num');
    }
    excl.append(t);
  }
  try {
    const result = await runQuery(rule.query);
    const chart = chartFor(result, result.visualization);
    if (chart) {
      drawChart(chartEl, chart.option);
      summary.replaceChildren(...chart.summary.map((s) => Object.assign(document.createElement('li'), { textContent: summaryText(s) })));
    } else {
      chartEl.textContent = `${result.rows.length} rows (the rule renders no chart)`;
    }
  } catch (err) {
    chartEl.classList.add('error-box');
    chartEl.textContent = err.message;
  }
}

// ---- pages ----

function route() {
  const page = (location.hash.match(/^#\/(\w+)/) || [])[1] || 'query';
  for (const p of ['query', 'rules', 'dashboard']) {
    $(`page-${p}`).hidden = p !== page;
    document.querySelector(`nav a[data-page="${p}"]`).classList.toggle('active', p === page);
  }
  if (page === 'rules') showRules();
  if (page === 'dashboard') showDashboard();
  if (page === 'query') requestAnimationFrame(() => resizeCharts([$('chart')]));
}

window.addEventListener('hashchange', route);
window.addEventListener('resize', () => resizeCharts(document.querySelectorAll('.chart')));

getSchema()
  .then((s) => {
    schema = s;
    window.kqlhuntDatabase = s.database;
    window.kqlhuntTables = new Set(s.tables.map((t) => t.name));
    $('dbname').textContent = `${s.database} · ${s.tables.length} table${s.tables.length === 1 ? '' : 's'}`;
    editor.dispatch({ effects: languageSlot.reconfigure(newKqlLanguage()) });
    if (!editor.state.doc.length && s.tables.length) {
      setEditorText(`${s.tables[0].name}\n| take 100`);
    }
  })
  .catch((err) => setStatus(`Could not load the schema: ${err.message}`, 'bad'));
route();
