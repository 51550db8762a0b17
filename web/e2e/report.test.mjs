// Browser test of `kqlhunt report`: generates the example report (examples/rules over examples/data with the
// examples' tuning, now() pinned to 2026-12-03T12:00:00Z), opens it from file:// in Debian's Chromium through
// Playwright (playwright-core), and fails on any console error, page error, failed request or request that leaves
// the file (the report must be self-contained). KQLHUNT names a built kqlhunt binary (web/e2e.sh passes one);
// without it the test runs `go run ./cmd/kqlhunt`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';

let work;
let browser;
let page;
// problems collects every console error, page error, failed or non-file request while the report is open.
const problems = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'kqlhunt-report-'));
  const out = join(work, 'report.html');
  const args = ['report', 'examples/rules', '--data', 'examples/data', '--tuning', 'examples/tuning',
    '--now', '2026-12-03T12:00:00Z', '--out', out];
  if (process.env.KQLHUNT) {
    execFileSync(process.env.KQLHUNT, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  } else {
    execFileSync('go', ['run', './cmd/kqlhunt', ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }

  browser = await chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('request', (req) => {
    if (!/^(file|data|about):/.test(req.url())) problems.push(`request leaves the report: ${req.url()}`);
  });
  await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the example report loads without console errors, page errors or failed requests', async () => {
  assert.equal(await page.title(), 'kqlhunt report');
  assert.deepEqual(problems, []);
});

test('the report lists the five example rules, none with errors', async () => {
  assert.match(await page.textContent('p.meta'), /^5 rules · now\(\) = 2026-12-03T12:00:00\.0000000Z/);
  assert.deepEqual(await page.locator('nav a').allTextContents(), ['Blocked clicks by user', 'Blocked Clicks Trend',
    'Clicks allowed through a warning', 'Clicks by action', 'Malicious clicks by workload']);
  assert.equal(await page.locator('.error').count(), 0);
  assert.equal(await page.locator('nav .bad').count(), 0);
});

test('the Blocked Clicks Trend section shows its tactic, technique, exclusions, chart and counts', async () => {
  await page.click('nav a:text-is("Blocked Clicks Trend")');
  const section = page.locator('section', { has: page.locator('h2:text-is("Blocked Clicks Trend")') });
  assert.equal(await section.count(), 1);
  const meta = (await section.locator('p.meta').allTextContents()).join('\n');
  assert.match(meta, /examples\/rules\/blocked-clicks-trend\.yaml/);
  assert.match(meta, /Tactics: InitialAccess\s+· Techniques: T1566/);

  // the nightly policy-update exclusion removes 5 rows in this data, the other three none
  const removed = await section.locator('h3:text-is("Exclusions applied") + table tr').evaluateAll((rows) =>
    rows.slice(1).map((tr) => [tr.cells[0].textContent, tr.cells[2].textContent]));
  assert.deepEqual(removed, [['safe-links-policy-update-job', '5'], ['internal-training-links', '0'],
    ['health-check-monitoring', '0'], ['internal-shortened-links', '0']]);

  // the chart: an inline SVG that the browser lays out, with one 30-point line and the series in its legend
  const chart = section.locator('figure svg');
  assert.equal(await chart.count(), 1);
  const box = await chart.boundingBox();
  assert.ok(box && box.width > 300 && box.height > 100, `chart box ${JSON.stringify(box)}`);
  const points = await chart.locator('path').evaluateAll((paths) =>
    paths.filter((p) => /stroke-width:2/.test(p.getAttribute('style')))
      .map((p) => p.getAttribute('d').trim().split(/\n/).length));
  assert.deepEqual(points, [30]);
  assert.match(await chart.textContent(), /BlockedClicks/);
  assert.match(await chart.textContent(), /Nov 9/);

  // the result table: one row with the 30 daily counts and their days
  const table = section.locator('table').last();
  const heads = await table.locator('th').allTextContents();
  assert.deepEqual(heads, ['BlockedClicks', 'Timestamp']);
  const [countsCell, daysCell] = await table.locator('tr').nth(1).locator('td').allTextContents();
  const counts = JSON.parse(countsCell);
  assert.equal(counts.length, 30);
  assert.deepEqual(counts.slice(0, 4), [12, 27, 12, 10]);
  const days = JSON.parse(daysCell);
  assert.equal(days[0], '2026-11-03T00:00:00.0000000Z');
  assert.equal(days[29], '2026-12-02T00:00:00.0000000Z');
  assert.deepEqual(problems, []);
});
