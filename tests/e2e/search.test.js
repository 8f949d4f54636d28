'use strict';
// Issue 14, search: the search box in the header leads to /api/cari (issue 23: answered on the
// server, under serve and on AWS alike), the search page with the pages found, which loads no
// index. On the search page itself, Pagefind's default UI searches as the visitor types, on the
// index site-gen wrote to /pagefind/ (under the site's real Content-Security-Policy, which must
// allow the index's WebAssembly); "biaya", "jangka waktu", "lapor" and the everyday words of
// the front matter each find the service page. Without JavaScript, the same form leads to the
// pages found, each with its title, link and description.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const SERVICE_PATH = '/layanan/informasi-dan-pengaduan/';
// The last three are words the page does not use: its front matter's `kata_kunci`.
const QUERIES = ['biaya', 'jangka waktu', 'lapor', 'gratis', 'pungli', 'berapa lama'];

const browser = h.useBrowser();

/** A page with the site's own CSP enforced (the harness bypasses it for axe-core). */
async function pageWithCsp(js) {
  const context = await browser().newContext({
    javaScriptEnabled: js,
    bypassCSP: false,
    viewport: { width: 1280, height: 900 },
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { page, problems };
}

async function searchFromHeader(p, query) {
  await p.goto(h.url('/'));
  const box = p.locator('form.site-search input[name="q"]');
  await box.fill(query);
  await Promise.all([p.waitForURL(/\/api\/cari\?q=/), box.press('Enter')]);
  assert.equal(new URL(p.url()).searchParams.get('q'), query);
  assert.equal(new URL(p.url()).searchParams.get('lang'), 'id');
}

test('with JavaScript, the header search finds the service page for each word, answered by the server', async () => {
  const { page, problems } = await pageWithCsp(true);
  const bundle = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/pagefind/')) bundle.push(r.url());
  });
  const j = new h.Journey('search: js on', page);
  try {
    for (const query of QUERIES) {
      await j.step(`search "${query}" from the header`, (p) => searchFromHeader(p, query));
      await j.step(`"${query}" lists the service page`, async (p) => {
        await p.locator(`#semua-halaman a[href="${SERVICE_PATH}"]`).waitFor({ state: 'visible' });
        assert.match(await p.locator('#semua-halaman [role="status"]').innerText(), /halaman memuat/);
      });
    }
    await j.step('the answer loads no search index (issue 23: 141 KB and a shifting page before)', () => {
      assert.deepEqual(bundle, []);
    });
    await j.step('screenshot', (p) => h.screenshot(p, 'cari-js-1280'));
    await j.step('following a result opens the service page', async (p) => {
      await p.locator(`#semua-halaman a[href="${SERVICE_PATH}"]`).click();
      await p.waitForURL((u) => u.pathname === SERVICE_PATH);
    });
    await j.step('no script or CSP errors', async () => {
      assert.deepEqual(problems, []);
    });
  } finally {
    await page.context().close();
  }
});

test('with JavaScript, the search page searches live as the visitor types (Pagefind, under the site\'s CSP)', async () => {
  const { page, problems } = await pageWithCsp(true);
  const j = new h.Journey('search: live', page);
  try {
    await j.step('the search page lists every page until the visitor types', async (p) => {
      await p.goto(h.url('/cari/'));
      await p.locator('#pencarian input').waitFor({ state: 'visible' });
      assert.equal(await p.locator('#semua-halaman').isVisible(), true);
    });
    for (const query of QUERIES) {
      await j.step(`typing "${query}" finds the service page`, async (p) => {
        await p.locator('#pencarian input').fill(query);
        const link = p.locator(`#pencarian a.pagefind-ui__result-link[href^="${SERVICE_PATH}"]`).first();
        await link.waitFor({ state: 'visible', timeout: 15_000 });
        assert.equal(await p.locator('#semua-halaman').isVisible(), false, 'the list of all pages gave way');
      });
    }
    await j.step('screenshot', (p) => h.screenshot(p, 'cari-langsung-1280'));
    await j.step('the live search box has a name of its own, not only a title', async (p) => {
      assert.equal(await p.locator('#pencarian input').getAttribute('aria-label'), 'Cari di situs');
    });
    await j.step('no script or CSP errors', async () => {
      assert.deepEqual(problems, []);
    });
  } finally {
    await page.context().close();
  }
});

// axe's best-practice rules (outside the WCAG tags every page is checked with): the live search
// box named by a title only, and two regions of one name on the English service page.
test('the live search and the English service page pass axe\'s naming rules', async () => {
  const context = await browser().newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID', bypassCSP: true });
  const page = await context.newPage();
  const j = new h.Journey('search: axe best practice', page);
  const rules = ['label-title-only', 'landmark-unique'];
  try {
    await j.step('the live search for "biaya"', async (p) => {
      await p.goto(h.url('/cari/'));
      await p.locator('#pencarian input').fill('biaya');
      await p.locator('#pencarian a.pagefind-ui__result-link').first().waitFor({ state: 'visible', timeout: 15_000 });
      await h.checkAxe(p, 'the live search', rules);
    });
    await j.step('the English service page', async (p) => {
      await p.goto(h.url('/en/layanan/information-and-complaints/'));
      await h.checkAxe(p, 'the English service page', rules);
    });
  } finally {
    await context.close();
  }
});

test('without JavaScript, the header search lists the pages that hold the word (issue 23 item 11)', async () => {
  const { page } = await pageWithCsp(false);
  const j = new h.Journey('search: js off', page);
  try {
    await j.step('search "lapor" from the header', (p) => searchFromHeader(p, 'lapor'));
    await j.step('the list holds the pages with the word, each with its link and description', async (p) => {
      const list = p.locator('#semua-halaman');
      assert.equal(await list.isVisible(), true);
      assert.equal((await list.locator('h2').innerText()).trim(), 'Hasil pencarian');
      assert.match(await list.locator('[role="status"]').innerText(), /\d+ halaman memuat “lapor”\./);
      const items = await list.locator('li').evaluateAll((lis) =>
        lis.map((li) => ({ href: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').textContent, text: li.textContent })));
      const hrefs = items.map((i) => i.href);
      assert.ok(hrefs.includes(SERVICE_PATH), `${SERVICE_PATH} is not in the list: ${hrefs.join(', ')}`);
      assert.equal(await p.locator('form.site-search input[name="q"]').inputValue(), 'lapor', 'the word stays in the box');
      assert.ok(!hrefs.includes('/cari/'), 'the search page does not list itself');
      const service = items.find((i) => i.href === SERVICE_PATH);
      assert.match(service.title, /\S/);
      assert.ok(service.text.length > service.title.length + 20, `the service page has its description: ${service.text}`);
    });
    await j.step('screenshot', (p) => h.screenshot(p, 'cari-nojs-1280'));
    await j.step('its link opens the service page', async (p) => {
      await p.locator(`#semua-halaman a[href="${SERVICE_PATH}"]`).click();
      await p.waitForURL((u) => u.pathname === SERVICE_PATH);
    });
  } finally {
    await page.context().close();
  }
});
