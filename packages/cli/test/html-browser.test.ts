/**
 * The HTML report in a real browser: Debian's headless Chromium at /usr/bin/chromium driven by
 * playwright-core (no browser download). The report must render its verdict, causes and SVG
 * timeline, fetch nothing, print, and keep hostile log text inert. CI installs Chromium, so a
 * missing browser fails the test instead of skipping it.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DOC_URLS } from '../../report/test/checks.js';
import { tempDir, writeHostileDiag } from '../../report/test/fixtures.js';
import { FULL_SESSION, ROOT, runlog } from './helpers.js';

// These tests start node processes (and Chromium) on a machine shared with other work.
jest.setTimeout(60_000);

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(ROOT, 'test-artifacts');

let work: string;
let context: BrowserContext;
let reportFile: string;
let hostileFile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the HTML report's browser test needs Debian's Chromium (apt-get install -y chromium; .ci/run installs it). It is never downloaded.`,
    );
  }
  work = tempDir('browser');
  reportFile = join(work, 'report.html');
  const r = runlog(['analyze', FULL_SESSION, '--format', 'html', '--output', reportFile]);
  if (r.code !== 0) throw new Error(`runlog analyze failed: ${r.stderr}`);
  const hostile = writeHostileDiag();
  hostileFile = join(work, 'hostile.html');
  runlog(['analyze', hostile, '--format', 'html', '--output', hostileFile]);
  rmSync(dirname(hostile), { recursive: true, force: true });
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    offline: true,
    viewport: { width: 1200, height: 900 },
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** Opens a file and records every request and dialog the page makes. */
async function open(file: string): Promise<{ page: Page; requests: string[]; dialogs: string[]; errors: string[] }> {
  const page = await context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests, dialogs, errors };
}

describe('the full session report in Chromium', () => {
  let page: Page;
  let requests: string[];
  let errors: string[];
  beforeAll(async () => {
    ({ page, requests, errors } = await open(reportFile));
  }, 30_000);
  afterAll(async () => {
    await page?.close();
  });

  it('shows the verdict first', async () => {
    const verdict = page.locator('#verdict');
    await expect(verdict.isVisible()).resolves.toBe(true);
    expect(await verdict.textContent()).toMatch(/^Fault found — The GitHub Actions service answered with server errors \(5xx\)/);
    expect(await page.title()).toMatch(/^runlog: /);
  });

  it('renders the service_unavailable cause with its remedy and evidence', async () => {
    const cause = page.locator('section.cause[data-cause="service_unavailable"]');
    expect(await cause.count()).toBe(1);
    await expect(cause.isVisible()).resolves.toBe(true);
    expect(await cause.locator('h3').textContent()).toBe('1. The GitHub Actions service answered with server errors (5xx)');
    expect(await cause.locator('.badge.warning').textContent()).toBe('warning');
    expect(await cause.locator('.remedy h4').allTextContents()).toEqual(expect.arrayContaining(['Fix now', 'Fix for good']));
    const box = await cause.boundingBox();
    expect(box!.height).toBeGreaterThan(100);
    // Evidence is folded on screen, one click away.
    const pre = cause.locator('details pre');
    await expect(pre.isVisible()).resolves.toBe(false);
    await cause.locator('details summary').click();
    await expect(pre.isVisible()).resolves.toBe(true);
    expect(await pre.textContent()).toContain('HTTP Status: ServiceUnavailable');
  });

  it('draws the SVG timeline: every segment has a width', async () => {
    const svg = page.locator('svg#timeline');
    await expect(svg.isVisible()).resolves.toBe(true);
    const segments = svg.locator('rect.segment');
    const n = await segments.count();
    expect(n).toBeGreaterThanOrEqual(5); // connected, not connected, connected, the outage, the job
    // (Page code is typed by hand: the tests are type-checked without the DOM library.)
    const widths = await segments.evaluateAll((rects: unknown[]) => rects.map((r) => (r as { getBBox(): { width: number } }).getBBox().width));
    expect(widths).toHaveLength(n);
    for (const w of widths) expect(w).toBeGreaterThan(0);
    const boxes = await Promise.all(Array.from({ length: n }, (_, i) => segments.nth(i).boundingBox()));
    for (const b of boxes) {
      expect(b).not.toBeNull();
      expect(b!.width).toBeGreaterThan(0);
      expect(b!.height).toBeGreaterThan(0);
    }
    // Drawn inside the SVG's own box.
    const frame = (await svg.boundingBox())!;
    for (const b of boxes) expect(b!.x + b!.width).toBeLessThanOrEqual(frame.x + frame.width + 1);
  });

  it('the time axis labels do not overlap', async () => {
    const labels = page.locator('svg#timeline > text[y="14"]');
    const n = await labels.count();
    expect(n).toBeGreaterThanOrEqual(3);
    const boxes = (await Promise.all(Array.from({ length: n }, (_, i) => labels.nth(i).boundingBox()))).map((b) => b!);
    boxes.sort((a, b) => a.x - b.x);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i]!.x).toBeGreaterThanOrEqual(boxes[i - 1]!.x + boxes[i - 1]!.width);
  });

  it('shows the runner facts and the job', async () => {
    const facts = await page.locator('table.facts tr').allTextContents();
    expect(facts).toEqual(expect.arrayContaining(['Runner namebuild-01']));
    expect(await page.locator('text=build (20.x)').count()).toBeGreaterThan(0);
  });

  it('made no request but the file itself, and raised no error', () => {
    expect(requests).toEqual([pathToFileURL(reportFile).href]);
    expect(errors).toEqual([]);
  });

  it('is readable when printed: print media shows the evidence, and a PDF comes out', async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      await expect(page.locator('#verdict').isVisible()).resolves.toBe(true);
      const pres = page.locator('section.cause details pre');
      expect(await pres.count()).toBeGreaterThan(0);
      for (let i = 0; i < (await pres.count()); i++) await expect(pres.nth(i).isVisible()).resolves.toBe(true);
      await expect(page.locator('svg#timeline').isVisible()).resolves.toBe(true);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(10_000);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('saves a screenshot to test-artifacts/report.png', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'report.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  });
});

describe('a report of hostile logs in Chromium', () => {
  it('runs no script, opens no dialog, loads nothing, links only to runlog’s docs', async () => {
    const { page, requests, dialogs, errors } = await open(hostileFile);
    try {
      // Open every evidence block, so everything the log said is in the rendered page.
      for (const s of await page.locator('details summary').all()) await s.click();
      const dom = (await page.evaluate(`({
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img, iframe, object, embed, link, base, form').length,
        handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => el.tagName + ' ' + a.name)),
        links: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        text: document.body.innerText,
      })`)) as { scripts: number; images: number; handlers: string[]; links: (string | null)[]; text: string };
      expect(dom.scripts).toBe(0);
      expect(dom.images).toBe(0);
      expect(dom.handlers).toEqual([]);
      expect(dom.links.length).toBeGreaterThan(0);
      for (const href of dom.links) expect([href, href !== null && href.startsWith('https://') && DOC_URLS.has(href)]).toEqual([href, true]);
      // The hostile text is shown as text.
      expect(dom.text).toContain('<script>alert(1)</script>');
      expect(dom.text).toContain('<img src=x onerror=alert(1)>');
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([pathToFileURL(hostileFile).href]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
