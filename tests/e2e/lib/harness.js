'use strict';
// Shared helpers for the end-to-end tests: the browser, journeys whose steps take a
// screenshot when they fail, axe-core, screenshots, layout checks and form filling.
//
// Environment:
//   E2E_BASE_URL     the running `site-gen serve` (default http://127.0.0.1:8080)
//   E2E_SCREENSHOTS  folder for screenshots (default tests/e2e/out/screenshots)
//   E2E_CHROMIUM     the browser binary (default /usr/bin/chromium, Debian's package)
//   E2E_CLOCK        the moment the server under test takes for now, which the staff tool is
//                    given too (RFC 3339; run.sh sets it, default 2026-03-17T03:00:00Z)

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const BASE_URL = (process.env.E2E_BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const SCREENSHOTS = path.resolve(
  process.env.E2E_SCREENSHOTS || path.join(__dirname, '..', 'out', 'screenshots'),
);
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CLOCK = process.env.E2E_CLOCK || '2026-03-17T03:00:00Z';

// Every flag the issue asks for. Playwright adds --user-data-dir itself, pointing at a fresh
// temporary profile that it deletes when the browser closes.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const WIDTHS = { mobile: 360, desktop: 1280 };
const HEIGHT = { 360: 740, 1280: 900 };

const NOMOR_RE = /PGD-\d{4}-\d{5}/;
const KODE_RE = /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/;

function url(p) {
  return BASE_URL + p;
}

function slug(text) {
  return String(text)
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'x';
}

/** A random tag so that every run's complaints differ from earlier runs' (no accidental dedup). */
function uniq() {
  return crypto.randomBytes(4).toString('hex');
}

/**
 * Chromium. `backForwardCache: true` keeps the back-forward cache on, as an editor's browser
 * has it (Playwright turns it off by default).
 */
async function launchBrowser({ backForwardCache = false } = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM} (install Debian's "chromium" package or set E2E_CHROMIUM)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: backForwardCache ? ['--disable-back-forward-cache'] : undefined,
    timeout: 60_000,
  });
}

/**
 * One browser for the test file: launched before its tests, closed after them. Returns a
 * function that gives the browser (call it inside a test). `options` as for launchBrowser.
 */
function useBrowser(options) {
  let browser;
  before(async () => {
    browser = await launchBrowser(options);
  });
  after(async () => {
    if (browser) await browser.close();
  });
  return () => {
    assert.ok(browser, 'the browser is not running: useBrowser() launches it before the tests');
    return browser;
  };
}

/**
 * A fresh browser context. `javaScriptEnabled: false` for the no-JavaScript journeys.
 * bypassCSP lets axe-core be injected into the API's pages, which send a strict CSP.
 */
async function newPage(browser, { js = true, width = WIDTHS.desktop, locale = 'id-ID' } = {}) {
  const context = await browser.newContext({
    javaScriptEnabled: js,
    bypassCSP: true,
    viewport: { width, height: HEIGHT[width] || 900 },
    locale,
    timezoneId: 'Asia/Jakarta',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  return page;
}

function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A full-page screenshot into the screenshots folder; returns its path. */
async function screenshot(page, name, { fullPage = true } = {}) {
  const file = path.join(ensureDir(SCREENSHOTS), `${name}.png`);
  await page.screenshot({ path: file, fullPage, animations: 'disabled', timeout: 30_000 });
  return file;
}

/**
 * A journey: a named sequence of steps. A failing step takes a screenshot of the page as it
 * is and fails with a message naming the journey, the step and the screenshot's path.
 */
class Journey {
  constructor(name, page) {
    this.name = name;
    this.page = page;
    this.n = 0;
  }

  async step(name, fn) {
    this.n += 1;
    const label = `${String(this.n).padStart(2, '0')} ${name}`;
    try {
      return await fn(this.page);
    } catch (err) {
      let shot;
      try {
        shot = await screenshot(this.page, path.join('failures', `${slug(this.name)}--${slug(label)}`));
      } catch (shotErr) {
        shot = `(no screenshot: ${shotErr.message.split('\n')[0]})`;
      }
      let where = '';
      try {
        where = this.page.url();
      } catch (_) {
        /* page gone */
      }
      const msg =
        `Journey "${this.name}", step "${label}" failed at ${where}:\n` +
        `${err && err.message ? err.message : err}\n` +
        `Screenshot at the failure: ${shot}`;
      const wrapped = new Error(msg);
      // Keep the original error's stack frames (where in the test it failed), not its message twice.
      const frames = String((err && err.stack) || '').split('\n').filter((l) => /^\s+at /.test(l));
      wrapped.stack = `Error: ${msg}\n${frames.join('\n')}`;
      throw wrapped;
    }
  }
}

/**
 * Runs axe-core on the page (the WCAG rules, or only `rules` when given, e.g. best-practice
 * rules outside the WCAG tags); fails listing every violation with its nodes.
 */
async function checkAxe(page, label, rules) {
  let target = page;
  let scratch = null;
  if (!(await axeReady(page))) {
    // JavaScript is off in this journey, so axe cannot run in its page: check the same document,
    // as it was served, in a page of the same size with JavaScript on (its URL answered from
    // the copy, so a POST's answer is not requested again).
    const url = page.url();
    const html = await page.content();
    const width = (page.viewportSize() || {}).width || WIDTHS.desktop;
    scratch = await newPage(page.context().browser(), { width });
    await scratch.route(
      (u) => u.href === url,
      (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await scratch.goto(url);
    target = scratch;
    assert.ok(await axeReady(target), 'axe-core could not be loaded');
  }
  try {
    await runAxe(target, label, rules);
  } finally {
    if (scratch) await scratch.context().close();
  }
}

/** Whether axe-core runs in `page`, injecting it first when missing. */
async function axeReady(page) {
  const loaded = () => page.evaluate(() => typeof window.axe !== 'undefined').catch(() => false);
  if (await loaded()) return true;
  await page.addScriptTag({ path: AXE_PATH }).catch(() => {});
  return loaded();
}

/** [checkAxe] on a page where axe-core is loaded. */
async function runAxe(page, label, rules) {
  const runOnly = rules ? { type: 'rule', values: rules } : { type: 'tag', values: AXE_TAGS };
  const result = await page.evaluate(async (runOnly) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly,
      resultTypes: ['violations'],
    });
    return {
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
          target: n.target.join(' '),
          summary: n.failureSummary,
        })),
      })),
    };
  }, runOnly);
  if (result.violations.length) {
    const lines = [`axe-core found ${result.violations.length} violation(s) on ${label} (${page.url()}):`];
    for (const v of result.violations) {
      lines.push(`- ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
      for (const n of v.nodes.slice(0, 15)) {
        lines.push(`    at ${n.target}`);
        if (n.summary) lines.push(`       ${n.summary.replace(/\n/g, '\n       ')}`);
      }
      if (v.nodes.length > 15) lines.push(`    ... and ${v.nodes.length - 15} more`);
    }
    assert.fail(lines.join('\n'));
  }
}

/** No horizontal scrolling: the document is no wider than the viewport. */
async function checkNoHorizontalOverflow(page, label) {
  const m = await page.evaluate(() => {
    const de = document.documentElement;
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > de.clientWidth + 1) {
        wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (right edge ${Math.round(r.right)}px)`);
      }
    }
    return { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, wide: wide.slice(0, 10) };
  });
  assert.ok(
    m.scrollWidth <= m.clientWidth,
    `${label}: horizontal overflow, scrollWidth ${m.scrollWidth} > clientWidth ${m.clientWidth}; ` +
      `elements past the right edge: ${m.wide.join(', ') || '(none found)'}`,
  );
}

/** Waits for a navigation to a path that matches `re` (after a form submission). */
/** Clicks (`click`) a button that POSTs a look-up to /api/lacak (the tracking form, "Cetak bukti",
 *  the way back) and waits until its answer has loaded; the answer. The address stays /api/lacak,
 *  so waiting for a path would not tell the pages apart. */
async function postLookup(page, click) {
  const navigated = page.waitForEvent('framenavigated', (f) => f === page.mainFrame());
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/lacak');
  await click();
  const response = await answer;
  await navigated;
  await page.waitForLoadState('load');
  return response;
}

async function waitForPath(page, re) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await page.waitForURL((u) => re.test(u.pathname + u.search), { timeout: 30_000 });
      break;
    } catch (e) {
      // A second submission of the same form (an impatient click with JavaScript off) may
      // supersede the navigation in flight; wait for the one that wins.
      if (attempt < 3 && /ERR_ABORTED|frame was detached/.test(String(e))) continue;
      throw e;
    }
  }
  await page.waitForLoadState('load');
}

/** A valid complaint; `over` replaces fields. */
function validComplaint(over = {}) {
  const t = uniq();
  return {
    jenis: 'pengaduan',
    nama: 'Siti Rahmawati',
    email: `siti.${t}@contoh.id`,
    telepon: '081234567890',
    judul: `Antrean loket izin usaha lambat ${t}`,
    isi: `Saya menunggu lebih dari tiga jam di loket Front Office untuk menanyakan izin usaha saya (uji ${t}).`,
    lokasi: 'Loket Front Office DPMPTSP',
    pernyataan_kebenaran: true,
    persetujuan_data: true,
    ...over,
  };
}

/**
 * Fills the complaint form from `values` (text fields, `jenis`, checkboxes as booleans, and
 * `tanggal_kejadian` as typed into its day, month and year boxes: "27 3 2026").
 */
async function fillComplaint(page, values) {
  const form = page.locator('#form-pengaduan');
  if (values.jenis) {
    await form.locator(`input[name="jenis"][value="${values.jenis}"]`).check();
  }
  for (const field of ['nama', 'email', 'telepon', 'nik', 'alamat', 'judul', 'isi', 'lokasi', 'layanan']) {
    if (values[field] !== undefined) {
      await form.locator(`[name="${field}"]`).fill(values[field]);
    }
  }
  if (values.tanggal_kejadian !== undefined) {
    const [hari = '', bulan = '', tahun = ''] = values.tanggal_kejadian.split(/\s+/);
    for (const [part, value] of [['hari', hari], ['bulan', bulan], ['tahun', tahun]]) {
      await form.locator(`[name="tanggal_kejadian_${part}"]`).fill(value);
    }
  }
  for (const box of ['anonim', 'rahasia', 'pernyataan_kebenaran', 'persetujuan_data']) {
    if (values[box] !== undefined) {
      await form.locator(`input[name="${box}"]`).setChecked(Boolean(values[box]));
    }
  }
}

/** Reads the register number and tracking code from the confirmation / status page. */
async function readConfirmation(page) {
  const codes = await page.locator('.panel__code, .summary-list--codes .code').allInnerTexts();
  const text = codes.join(' ');
  const nomor = (text.match(NOMOR_RE) || [])[0];
  const kode = (text.match(KODE_RE) || [])[0];
  return { nomor, kode, text };
}

/** The status label shown on the status page (Ringkasan > Status). */
async function readStatus(page) {
  return (await page.locator('.summary-list__row', { has: page.locator('dt', { hasText: /^Status$/ }) })
    .locator('dd').innerText()).trim();
}

/** Submits a complaint through the JSON API (no browser); returns the parsed 201 body. */
async function submitJson(values) {
  const res = await fetch(url('/api/pengaduan'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(values),
  });
  const body = await res.text();
  assert.equal(res.status, 201, `POST /api/pengaduan (JSON) answered ${res.status}: ${body}`);
  return JSON.parse(body);
}

/** GET /api/lacak as JSON. */
async function lacakJson(nomor, kode) {
  const res = await fetch(url(`/api/lacak?nomor=${encodeURIComponent(nomor)}&kode=${encodeURIComponent(kode)}`), {
    headers: { accept: 'application/json' },
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch (_) {
    /* not JSON */
  }
  return { status: res.status, json, text };
}

/**
 * The environment of the staff tool: the server's clock (CLOCK), so that the tool and the
 * site agree on now, and nothing depends on today's date or the holiday calendar around it.
 */
function staffEnv() {
  return { ...process.env, PENGADUAN_STAF_WAKTU: CLOCK };
}

/** The day `days` after the server's clock's (negative: before), as YYYY-MM-DD in UTC. */
function clockDay(days = 0) {
  return new Date(Date.parse(CLOCK) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Runs the staff tool (`E2E_STAFF`, set by run.sh) at the server's clock, `input` on its
 * standard input; its output. */
function staff(args, input = '') {
  assert.ok(process.env.E2E_STAFF, 'E2E_STAFF (the staff tool) is not set: run tests/e2e/run.sh');
  const { execFileSync } = require('node:child_process');
  return execFileSync(process.env.E2E_STAFF, ['--store', process.env.E2E_STORE, '--root', process.env.E2E_ROOT, ...args], {
    encoding: 'utf8',
    input,
    env: staffEnv(),
  });
}

/** Logs `username` in to the staff console through its form; ends on a console page. */
async function staffLogin(page, username, password) {
  await page.goto(url('/staf/masuk'));
  await page.locator('#pengguna').fill(username);
  await page.locator('#sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await waitForPath(page, /^\/staf\//);
}

/** Takes a complaint to `selesai` with the staff tool: files complete, then every step. */
async function finishComplaint(nomor, kode) {
  staff(['lengkap', nomor, '--prosedur', 'penyelesaian', '--catatan', 'Berkas lengkap.']);
  for (let i = 0; i < 20; i++) {
    const { json } = await lacakJson(nomor, kode);
    if (json && json.status === 'selesai') return;
    staff(['lanjut', nomor, '--catatan', 'Langkah dikerjakan.']);
  }
  assert.fail(`${nomor} did not reach selesai`);
}

/** POST /api/survei as JSON, every answer `value` (1..4); the answer's status. */
async function answerSurveyJson(nomor, kode, value) {
  const body = { nomor, kode };
  for (let i = 1; i <= 9; i++) body[`u${i}`] = String(value);
  const res = await fetch(url('/api/survei'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

/** PGD-2026-00042 -> next number in the same year. */
function nextNomor(nomor) {
  const m = /^(.*-)(\d+)$/.exec(nomor);
  const n = String(Number(m[2]) + 1).padStart(m[2].length, '0');
  return m[1] + n;
}

/**
 * Whether `next` is the number given right after `prev`: the next in the same year, or the
 * first of a later year (the register starts again when a new year begins between the two).
 */
function followsNomor(prev, next) {
  const year = (n) => Number(/^PGD-(\d{4})-/.exec(n || '')?.[1]);
  if (next === nextNomor(prev)) return true;
  return year(next) > year(prev) && /-00001$/.test(next);
}

module.exports = {
  BASE_URL,
  SCREENSHOTS,
  WIDTHS,
  NOMOR_RE,
  KODE_RE,
  Journey,
  url,
  slug,
  uniq,
  CLOCK,
  launchBrowser,
  useBrowser,
  newPage,
  screenshot,
  checkAxe,
  checkNoHorizontalOverflow,
  waitForPath,
  postLookup,
  validComplaint,
  fillComplaint,
  readConfirmation,
  readStatus,
  submitJson,
  lacakJson,
  nextNomor,
  followsNomor,
  staff,
  staffEnv,
  staffLogin,
  clockDay,
  finishComplaint,
  answerSurveyJson,
};
