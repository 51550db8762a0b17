// Charts for the result's Visualization (the query's render operator), drawn with ECharts.
import * as echarts from 'echarts/core';
import { LineChart, BarChart, PieChart, ScatterChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, TitleComponent, DataZoomComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, PieChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent,
  DataZoomComponent, SVGRenderer]);

const numericTypes = new Set(['int', 'long', 'real', 'double', 'decimal']);
const lineKinds = new Set(['timechart', 'linechart', 'areachart', 'stackedareachart', 'scatterchart', 'anomalychart']);
const isoDate = /^\d{4}-\d{2}-\d{2}T/;
const palette = ['#2f6fde', '#e8684a', '#5ab16b', '#f0b429', '#8e6bd6', '#2bb3c0', '#d4569a', '#7a8699'];

const named = (columns, names) =>
  (Array.isArray(names) ? names : []).map((n) => columns.findIndex((c) => c.name === n)).filter((i) => i >= 0);

function stats(name, values) {
  const nums = values.filter((v) => typeof v === 'number');
  const total = nums.reduce((a, b) => a + b, 0);
  return { name, points: values.length, total, max: nums.length ? Math.max(...nums) : null };
}

// lineSeries builds line/area/scatter series: from make-series arrays (one series per row and value column), or
// from rows (one series per value column and per distinct label).
function lineSeries(result, vis) {
  const { columns, rows } = result;
  const first = rows[0] || [];
  const arrayCols = columns.map((_, i) => i).filter((i) => Array.isArray(first[i]));
  const series = [];
  let timeAxis = false;
  if (arrayCols.length) {
    let x = named(columns, [vis.XColumn]).find((i) => arrayCols.includes(i));
    if (x === undefined) x = arrayCols.find((i) => typeof first[i][0] === 'string' && isoDate.test(first[i][0]));
    if (x === undefined) x = arrayCols[0];
    let ys = named(columns, vis.YColumns).filter((i) => arrayCols.includes(i) && i !== x);
    if (!ys.length) ys = arrayCols.filter((i) => i !== x && first[i].some((v) => typeof v === 'number'));
    const labels = columns.map((_, i) => i).filter((i) => !arrayCols.includes(i) && !numericTypes.has(columns[i].type));
    timeAxis = typeof first[x][0] === 'string' && isoDate.test(first[x][0]);
    for (const row of rows) {
      for (const y of ys) {
        const prefix = labels.map((i) => row[i]).filter((v) => v !== null && v !== '').join(' · ');
        // one value column: the series is named by its labels (make-series ... by ActionType), as Kusto names it
        const name = rows.length > 1 && prefix ? (ys.length > 1 ? `${prefix} · ${columns[y].name}` : prefix) : columns[y].name;
        const xs = row[x] || [];
        const vals = row[y] || [];
        series.push({ name, data: xs.map((xv, k) => [timeAxis ? Date.parse(xv) : xv, vals[k] ?? null]), values: vals });
      }
    }
    return { series, timeAxis };
  }
  let x = named(columns, [vis.XColumn])[0];
  if (x === undefined) x = columns.findIndex((c) => c.type === 'datetime');
  if (x < 0) x = 0;
  timeAxis = columns[x].type === 'datetime';
  let ys = named(columns, vis.YColumns);
  if (!ys.length) ys = columns.map((_, i) => i).filter((i) => i !== x && numericTypes.has(columns[i].type));
  let labels = named(columns, vis.Series);
  if (!labels.length) labels = columns.map((_, i) => i).filter((i) => i !== x && !ys.includes(i) && columns[i].type === 'string');
  const groups = new Map();
  for (const row of rows) {
    for (const y of ys) {
      const prefix = labels.map((i) => row[i]).join(' · ');
      const name = prefix ? (ys.length > 1 ? `${prefix} · ${columns[y].name}` : prefix) : columns[y].name;
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name).push([timeAxis ? Date.parse(row[x]) : row[x], row[y]]);
    }
  }
  for (const [name, data] of groups) {
    data.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    series.push({ name, data, values: data.map((d) => d[1]) });
  }
  return { series, timeAxis };
}

/**
 * chartFor returns the ECharts option for result as its visualization asks, and a summary of each series, or null
 * when the result renders no chart (no render operator, table or card).
 */
export function chartFor(result, vis) {
  const kind = vis?.Visualization;
  if (!kind || kind === 'table' || kind === 'card' || !result.rows.length) return null;
  const { columns, rows } = result;
  const base = {
    color: palette,
    animation: false,
    title: vis.Title ? { text: vis.Title, left: 'center', textStyle: { fontSize: 14 } } : undefined,
    tooltip: { trigger: kind === 'piechart' ? 'item' : 'axis' },
    textStyle: { fontFamily: 'Inter, system-ui, sans-serif' },
  };
  if (lineKinds.has(kind)) {
    const { series, timeAxis } = lineSeries(result, vis);
    if (!series.length) return null;
    const stacked = kind === 'stackedareachart' || vis.Kind === 'stacked';
    return {
      option: {
        ...base,
        legend: { show: series.length > 1, bottom: 0, type: 'scroll' },
        grid: { left: 56, right: 24, top: vis.Title ? 40 : 20, bottom: series.length > 1 ? 56 : 32 },
        xAxis: { type: timeAxis ? 'time' : 'category', name: vis.XTitle || '', splitLine: { show: false } },
        yAxis: { type: 'value', name: vis.YTitle || '', splitLine: { lineStyle: { color: '#eef0f3' } } },
        series: series.map((s) => ({
          name: s.name,
          type: kind === 'scatterchart' ? 'scatter' : 'line',
          data: s.data,
          showSymbol: s.data.length <= 60,
          symbolSize: 5,
          areaStyle: kind.includes('area') ? { opacity: 0.25 } : undefined,
          stack: stacked ? 'total' : undefined,
        })),
      },
      summary: series.map((s) => stats(s.name, s.values)),
    };
  }
  if (kind === 'columnchart' || kind === 'barchart') {
    let x = named(columns, [vis.XColumn])[0];
    if (x === undefined) x = columns.findIndex((c) => !numericTypes.has(c.type));
    if (x < 0) x = 0;
    let ys = named(columns, vis.YColumns);
    if (!ys.length) ys = columns.map((_, i) => i).filter((i) => i !== x && numericTypes.has(columns[i].type));
    const categories = rows.map((r) => String(r[x]));
    // a bar chart lists the first row at the top, as the result reads
    const cat = { type: 'category', data: categories, inverse: kind === 'barchart',
      axisLabel: { interval: 0, rotate: kind === 'columnchart' && categories.length > 8 ? 35 : 0 } };
    const val = { type: 'value', splitLine: { lineStyle: { color: '#eef0f3' } } };
    const stacked = vis.Kind === 'stacked' || vis.Kind === 'stacked100';
    const series = ys.map((y) => ({ name: columns[y].name, type: 'bar', data: rows.map((r) => r[y]), stack: stacked ? 'total' : undefined }));
    return {
      option: {
        ...base,
        legend: { show: series.length > 1, bottom: 0 },
        grid: { left: 16, right: 24, top: vis.Title ? 40 : 20, bottom: 40, containLabel: true },
        xAxis: kind === 'barchart' ? val : cat,
        yAxis: kind === 'barchart' ? cat : val,
        series,
      },
      summary: series.map((s) => stats(s.name, s.data)),
    };
  }
  if (kind === 'piechart') {
    let label = columns.findIndex((c) => !numericTypes.has(c.type));
    const value = columns.findIndex((c) => numericTypes.has(c.type));
    if (value < 0) return null;
    if (label < 0) label = value;
    const data = rows.map((r) => ({ name: String(r[label]), value: r[value] }));
    return {
      option: {
        ...base,
        legend: { orient: 'vertical', right: 8, top: 'middle', type: 'scroll' },
        series: [{ type: 'pie', radius: ['35%', '70%'], center: ['40%', '50%'], data, label: { formatter: '{b}: {d}%' } }],
      },
      summary: [stats(columns[value].name, data.map((d) => d.value))],
    };
  }
  return null;
}

/** drawChart draws option into el (replacing a chart drawn there before) and returns the ECharts instance. */
export function drawChart(el, option) {
  echarts.getInstanceByDom(el)?.dispose();
  const chart = echarts.init(el, null, { renderer: 'svg' });
  chart.setOption(option);
  return chart;
}

export function disposeChart(el) {
  echarts.getInstanceByDom(el)?.dispose();
}

export function resizeCharts(els) {
  for (const el of els) echarts.getInstanceByDom(el)?.resize();
}

/** summaryText describes a series for people and tests: points, total and maximum. */
export function summaryText(s) {
  return `${s.name}: ${s.points} points, total ${s.total}${s.max === null ? '' : `, max ${s.max}`}`;
}
