// Browser tests of the workbench: Playwright (playwright-core) drives Debian's Chromium against a running server
// (WORKBENCH_URL) that serves examples/data with now() pinned to 2026-12-03T12:00:00Z and the examples' rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const baseURL = process.env.WORKBENCH_URL;
const screenshot = process.env.WORKBENCH_SCREENSHOT || '';
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!baseURL) throw new Error('set WORKBENCH_URL to the server under test (web/e2e.sh does)');

let context;
let page;
let profile;

before(async () => {
  profile = mkdtempSync(join(tmpdir(), 'kqlhunt-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    viewport: { width: 1360, height: 900 },
    acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (err) => console.error('page error:', err.message));
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

// open loads the page afresh (a new query string, so that a hash-only change does not keep the old document).
let loads = 0;
async function open(hash) {
  loads += 1;
  await page.goto(`${baseURL}/?load=${loads}${hash}`);
}

// editorText returns the editor's text, lines joined by newlines.
const editorText = () => page.$$eval('.cm-content > .cm-line', (lines) => lines.map((l) => l.textContent).join('\n'));

// acceptCompletion waits until the completion list offers label, then picks it with Enter (CodeMirror ignores keys
// for 75 ms after the list opens).
async function acceptCompletion(label) {
  await page.waitForFunction((l) => document.querySelector('.cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel')?.textContent === l, label);
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
}

// setQuery replaces the editor's text (insertText, so bracket auto-closing does not change it).
async function setQuery(text) {
  await page.click('.cm-content');
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

// gridColumn returns the cell texts of the named column of the result grid.
async function gridColumn(name) {
  return page.$$eval('#grid table.result', ([table], col) => {
    const heads = [...table.tHead.rows[0].cells].map((th) => th.firstChild.textContent);
    const i = heads.indexOf(col);
    if (i < 0) throw new Error(`no column ${col} in ${heads}`);
    return [...table.tBodies[0].rows].map((tr) => tr.cells[i].textContent);
  }, name);
}

test('the rule library lists the seed rule with its tactic and technique, and Run draws its chart and counts', async () => {
  await open('#/rules');
  const row = page.locator('tr[data-file="blocked-clicks-trend.yaml"]');
  await row.waitFor();
  assert.equal(await row.locator('.rule-name').textContent(), 'Blocked Clicks Trend');
  assert.deepEqual(await row.locator('.chip.tactic').allTextContents(), ['InitialAccess']);
  assert.deepEqual(await row.locator('.chip.technique').allTextContents(), ['T1566']);
  assert.match(await row.textContent(), /4 exclusions · 5 rows/);

  await row.getByRole('button', { name: 'Run' }).click();
  await page.waitForFunction(() => /^Done/.test(document.getElementById('status').textContent));
  assert.equal(new URL(page.url()).hash, '#/query');
  assert.match(await editorText(), /\n\| make-series BlockedClicks = count\(\) default = 0 on Timestamp/);

  const cells = await gridColumn('BlockedClicks');
  assert.equal(cells.length, 1);
  const counts = JSON.parse(cells[0]);
  assert.equal(counts.length, 30);
  assert.deepEqual(counts.slice(0, 4), [12, 27, 12, 10]);
  const days = JSON.parse((await gridColumn('Timestamp'))[0]);
  assert.equal(days[0], '2026-11-03T00:00:00.0000000Z');
  assert.equal(days[29], '2026-12-02T00:00:00.0000000Z');

  // the chart: a line over 30 days, with the series summary beside it
  assert.equal(await page.isVisible('#chart-pane'), true);
  assert.deepEqual(await page.locator('#chart-summary li').allTextContents(),
    [`BlockedClicks: 30 points, total ${counts.reduce((a, b) => a + b, 0)}, max ${Math.max(...counts)}`]);
  const lines = await page.locator('#chart svg path[fill="none"]').count();
  assert.ok(lines >= 1, `the chart has no line path (${lines})`);
  assert.match(await page.locator('#chart-pane').textContent(), /Dec/); // the time axis reaches December
  assert.match(await page.textContent('#result-meta'), /1 row · 2 columns · render timechart/);
  if (screenshot) {
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: false });
  }
});

test('a syntax error is marked in the editor at its line and column', async () => {
  await open('#/query');
  await setQuery('UrlClickEvents\n| where ActionType == "ClickBlocked"\n| summarize Clicks = count( by AccountUpn\n| take 5');
  await page.keyboard.press('Shift+Enter');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Failed');
  const error = await page.textContent('#error');
  assert.match(error, /^Line 3, column 32: /);
  assert.match(error, /expected '\)' but found 'AccountUpn'/);
  const marked = page.locator('.cm-lintRange-error').first();
  await marked.waitFor();
  assert.equal(await marked.textContent(), 'AccountUpn');
  const lineIndex = await marked.evaluate((el) => [...document.querySelectorAll('.cm-content > .cm-line')].indexOf(el.closest('.cm-line')));
  assert.equal(lineIndex, 2, 'the error is marked on the third line');
});

test('the checker marks an unknown column while typing, without running', async () => {
  await open('#/query');
  await setQuery('UrlClickEvents\n| where NoSuchColumn == 1');
  const marked = page.locator('.cm-lintRange-error').first();
  await marked.waitFor();
  assert.equal(await marked.textContent(), 'NoSuchColumn');
  assert.equal(await page.textContent('#status'), '');
});

test('completion offers operators after a pipe and the columns of the table the query reads', async () => {
  await open('#/query');
  await setQuery('UrlClickEvents\n| ');
  await page.keyboard.type('summ');
  await page.locator('.cm-tooltip-autocomplete').waitFor();
  assert.ok((await page.locator('.cm-completionLabel').allTextContents()).includes('summarize'));
  await acceptCompletion('summarize');
  await page.keyboard.type(' count() by Acti');
  await acceptCompletion('ActionType');
  assert.equal(await editorText(), 'UrlClickEvents\n| summarize count() by ActionType');
});

test('the grid sorts by a column and exports CSV', async () => {
  await open('#/query');
  await setQuery('UrlClickEvents\n| summarize Clicks = count() by ActionType\n| render piechart');
  await page.click('#run');
  await page.waitForFunction(() => /^Done/.test(document.getElementById('status').textContent));
  await page.locator('#chart svg path').first().waitFor();
  await page.click('#grid th[data-col="1"]');
  const ascending = (await gridColumn('Clicks')).map(Number);
  assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
  assert.equal(ascending.reduce((a, b) => a + b, 0), 4000);
  await page.click('#grid th[data-col="1"]');
  const descending = (await gridColumn('Clicks')).map(Number);
  assert.deepEqual(descending, [...ascending].reverse());

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const csv = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
  assert.equal(csv[0], 'ActionType,Clicks');
  assert.equal(csv.length, ascending.length + 1);
  assert.equal(Number(csv[1].split(',')[1]), descending[0]);

  await page.click('#copy');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied.split('\n')[0], 'ActionType\tClicks');
});

test('a result over the row limit shows the rows that fit and says it was truncated', async () => {
  await open('#/query');
  await setQuery('range x from 1 to 600000 step 1');
  await page.click('#run');
  await page.waitForFunction(() => /^Done/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
  assert.match(await page.textContent('#status'), /truncated: .*exceed the set limit of 500000 records/);
  assert.match(await page.textContent('#result-meta'), /^500000 rows · 1 column · truncated$/);
  assert.match(await page.textContent('#grid'), /Showing 2000 of 500000 rows/);
});

test('a running query can be cancelled', async () => {
  await open('#/query');
  await setQuery('range x from 1 to 100000000 step 1\n| where hash(x) % 7 == 3\n| count');
  await page.click('#run');
  await page.waitForFunction(() => /^Running/.test(document.getElementById('status').textContent));
  assert.equal(await page.isEnabled('#cancel'), true);
  await page.click('#cancel');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Cancelled');
  assert.equal(await page.isEnabled('#run'), true);
  assert.equal(await page.isHidden('#grid'), true);
});

test('the dashboard shows the blocked clicks trend first, with its chart and exclusion counts', async () => {
  await open('#/dashboard');
  const first = page.locator('#dashboard .card').first();
  await first.waitFor();
  assert.equal(await first.getAttribute('data-rule'), 'blocked-clicks-trend.yaml');
  assert.equal(await first.locator('h2').textContent(), 'Blocked Clicks Trend');
  await first.locator('.chart-summary li').first().waitFor();
  assert.match(await first.locator('.chart-summary').textContent(), /^BlockedClicks: 30 points/);
  assert.ok((await first.locator('.card-chart svg path').count()) > 0);
  const rows = await first.locator('table.excl tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows, [
    ['safe-links-policy-update-job', 'UrlClickEvents', '5'],
    ['internal-training-links', 'UrlClickEvents', '0'],
    ['health-check-monitoring', 'UrlClickEvents', '0'],
    ['internal-shortened-links', 'UrlClickEvents', '0'],
  ]);
  assert.match(await first.locator('.exclusions h3').textContent(), /5 rows would be removed/);
});
