// A small KQL mode for CodeMirror 6: token highlighting, completion from the served catalog, and inline errors
// from the server's checker.
import { StreamLanguage, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';
import { linter } from '@codemirror/lint';
import { byteToIndex, checkQuery } from './api.js';

// Tabular operators and the words used inside them (Kusto's query language reference).
export const OPERATORS = [
  'as', 'consume', 'count', 'datatable', 'distinct', 'evaluate', 'extend', 'externaldata', 'facet', 'find', 'fork',
  'getschema', 'invoke', 'join', 'limit', 'lookup', 'make-series', 'materialize', 'mv-apply', 'mv-expand', 'order',
  'parse', 'parse-kv', 'parse-where', 'partition', 'print', 'project', 'project-away', 'project-keep',
  'project-rename', 'project-reorder', 'range', 'reduce', 'render', 'sample', 'sample-distinct', 'scan', 'search',
  'serialize', 'sort', 'summarize', 'take', 'top', 'top-hitters', 'top-nested', 'union', 'where',
];
export const KEYWORDS = [
  'let', 'declare', 'query_parameters', 'set', 'by', 'on', 'kind', 'with', 'from', 'to', 'step', 'default', 'asc',
  'desc', 'nulls', 'first', 'last', 'and', 'or', 'not', 'in', 'has', 'has_any', 'has_all', 'has_cs', 'hasprefix',
  'hassuffix', 'contains', 'contains_cs', 'startswith', 'startswith_cs', 'endswith', 'endswith_cs', 'matches',
  'regex', 'between', 'inner', 'innerunique', 'leftouter', 'rightouter', 'fullouter', 'leftanti', 'rightanti',
  'leftsemi', 'rightsemi', 'anti', 'semi', 'isfuzzy', 'withsource', 'bin', 'true', 'false', 'null',
  'timechart', 'linechart', 'areachart', 'columnchart', 'barchart', 'piechart', 'scatterchart', 'table', 'card',
  'stackedareachart', 'ladderchart', 'pivotchart', 'timepivot', 'anomalychart', 'treemap',
];
const TYPES = ['bool', 'boolean', 'datetime', 'date', 'dynamic', 'guid', 'uuid', 'int', 'long', 'real', 'double',
  'string', 'timespan', 'time', 'decimal'];

const operatorSet = new Set(OPERATORS);
const keywordSet = new Set(KEYWORDS);
const typeSet = new Set(TYPES);

// kqlStream tokenizes one line at a time; state carries a multi-line string literal (''' or ```).
const kqlStream = {
  name: 'kql',
  startState: () => ({ fence: null, afterPipe: false }),
  token(stream, state) {
    if (state.fence) {
      if (stream.skipTo(state.fence)) {
        stream.match(state.fence);
        state.fence = null;
      } else {
        stream.skipToEnd();
      }
      return 'string';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match(/^(```|~~~)/)) {
      state.fence = stream.current();
      return 'string';
    }
    // strings: 'x', "x", @"verbatim", h"obfuscated"
    if (stream.match(/^[hH]?@?(["'])/)) {
      const quote = stream.current().slice(-1);
      const verbatim = stream.current().includes('@');
      while (!stream.eol()) {
        const ch = stream.next();
        if (ch === '\\' && !verbatim) stream.next();
        else if (ch === quote) break;
      }
      state.afterPipe = false;
      return 'string';
    }
    // numbers and timespan literals (30d, 1.5h, 100ms, 0x1F)
    if (stream.match(/^(0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?(d|h|m|s|ms|microsecond|tick|min|sec|day|days|hours?)?)\b/)) {
      state.afterPipe = false;
      return 'number';
    }
    if (stream.eat('|')) {
      state.afterPipe = true;
      return 'operator';
    }
    if (stream.match(/^(==|!=|<=|>=|=~|!~|=>|<>|[-+*/%<>=!])/)) return 'operator';
    if (stream.match(/^[A-Za-z_$][\w$]*(-[a-z]+)*/)) {
      let word = stream.current();
      // `make-series` is one operator, but `a-b` is a subtraction: keep the dash only for known operators.
      if (word.includes('-') && !operatorSet.has(word)) {
        stream.backUp(word.length - word.indexOf('-'));
        word = stream.current();
      }
      const afterPipe = state.afterPipe;
      state.afterPipe = false;
      if (afterPipe && operatorSet.has(word)) return 'keyword';
      if (keywordSet.has(word) || word === 'let') return 'keyword';
      if (typeSet.has(word) && stream.peek() === '(') return 'typeName';
      if (stream.match(/^\s*\(/, false)) return 'function';
      if (/^[A-Z]/.test(word) && window.kqlhuntTables?.has(word)) return 'tableName';
      return 'variableName';
    }
    if (stream.match(/^[()[\]{},;.:]/)) return 'punctuation';
    stream.next();
    return null;
  },
  tokenTable: { function: t.function(t.variableName), tableName: t.className, typeName: t.typeName },
  languageData: { commentTokens: { line: '//' } },
};

export const kqlLanguage = StreamLanguage.define(kqlStream);

/** newKqlLanguage makes a fresh language instance, so a reconfigure re-highlights with the loaded table names. */
export const newKqlLanguage = () => StreamLanguage.define(kqlStream);

export const kqlHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: t.keyword, color: '#0b4fb3', fontWeight: '600' },
    { tag: t.string, color: '#a31515' },
    { tag: t.number, color: '#098658' },
    { tag: t.comment, color: '#6a737d', fontStyle: 'italic' },
    { tag: t.operator, color: '#6f42c1' },
    { tag: t.function(t.variableName), color: '#795e26' },
    { tag: t.className, color: '#267f99', fontWeight: '600' },
    { tag: t.typeName, color: '#267f99' },
  ]),
);

// tablesInQuery returns the catalog tables the text names, so column completion can prefer their columns.
function tablesInQuery(text, schema) {
  return schema.tables.filter((tab) => new RegExp(`\\b${tab.name}\\b`).test(text));
}

/** kqlCompletion completes operators after a pipe, else tables, columns, functions and keywords. */
export function kqlCompletion(getSchema) {
  return (ctx) => {
    const word = ctx.matchBefore(/[\w-]+/);
    if (!word && !ctx.explicit) return null;
    const schema = getSchema();
    const from = word ? word.from : ctx.pos;
    const before = ctx.state.sliceDoc(Math.max(0, from - 200), from);
    if (/\|\s*$/.test(before)) {
      return { from, options: OPERATORS.map((op) => ({ label: op, type: 'keyword', boost: 2 })), validFor: /^[\w-]*$/ };
    }
    const options = [];
    if (schema) {
      const named = tablesInQuery(ctx.state.doc.toString(), schema);
      const seen = new Set();
      for (const tab of named.length ? named : schema.tables) {
        for (const col of tab.columns) {
          if (seen.has(col.name)) continue;
          seen.add(col.name);
          options.push({ label: col.name, type: 'property', detail: `${col.type} · ${tab.name}`, boost: named.length ? 3 : 0 });
        }
      }
      for (const tab of schema.tables) options.push({ label: tab.name, type: 'class', detail: 'table', boost: 1 });
      for (const fn of schema.functions) options.push({ label: fn, type: 'function', apply: `${fn}(`, detail: 'function' });
      for (const fn of schema.aggregates) options.push({ label: fn, type: 'function', apply: `${fn}(`, detail: 'aggregation' });
    }
    for (const kw of KEYWORDS) options.push({ label: kw, type: 'keyword', boost: -1 });
    return { from, options, validFor: /^\w*$/ };
  };
}

/** toEditorDiagnostics maps server diagnostics (UTF-8 byte offsets) to CodeMirror ranges over text. */
export function toEditorDiagnostics(text, diags) {
  return diags.map((d) => {
    let from = byteToIndex(text, d.start);
    let to = byteToIndex(text, d.end);
    if (to <= from) {
      // An empty span (e.g. "expected ')' at end of query") marks the character before it, or the one at it.
      if (from >= text.length && from > 0) from -= 1;
      to = Math.min(text.length, from + 1);
    }
    return { from, to, severity: d.severity === 'warning' ? 'warning' : 'error', message: d.message, source: `line ${d.line}, column ${d.column}` };
  });
}

/** kqlLinter checks the query on the server as the user types. */
export function kqlLinter() {
  let inflight = null;
  return linter(
    async (view) => {
      const text = view.state.doc.toString();
      if (!text.trim()) return [];
      inflight?.abort();
      inflight = new AbortController();
      try {
        const res = await checkQuery(text, inflight.signal);
        return toEditorDiagnostics(text, res.diagnostics);
      } catch {
        return [];
      }
    },
    { delay: 600 },
  );
}
