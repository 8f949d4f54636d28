'use strict';
// Issue 14, the site in English: a foreign investor reads the English service page, submits a
// complaint from /en/complaint/ with one mistake and is told in English what to fix, then tracks
// it from /en/track/; the language switch on every page lands on the same page in the other
// language; the English search finds the service page for "fee", "working days" and "complaint",
// and without JavaScript the English search box leads to the list of English pages.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const SERVICE_EN = '/en/layanan/information-and-complaints/';

// Every page with its translation: the switch must take each to the other, both ways.
const PAIRS = [
  ['/', '/en/'],
  ['/layanan/informasi-dan-pengaduan/', SERVICE_EN],
  ['/pengaduan/', '/en/complaint/'],
  ['/lacak/', '/en/track/'],
  ['/kebijakan-privasi/', '/en/privacy/'],
  ['/cari/', '/en/search/'],
];

// Words that give an Indonesian interface away on an English page.
const INDONESIAN = /\b(Kesalahan|Ada masalah|Masukkan|harus|Kirim Pengaduan|wajib diisi|Lacak|Diterima)\b/;

const browser = h.useBrowser();

/** Clicks the complaint form's submit button and returns the POST's response. */
async function submit(p) {
  const post = p.waitForResponse((r) => r.url().includes('/api/pengaduan') && r.request().method() === 'POST');
  await p.locator('#form-pengaduan button[type="submit"]').click();
  const res = await post;
  await p.waitForLoadState('load');
  return res;
}

for (const js of [true, false]) {
  test(`in English (JavaScript ${js ? 'on' : 'off'}): read the service page, submit with a mistake, fix it, track it`, async () => {
    const page = await h.newPage(browser(), { js, width: h.WIDTHS.mobile });
    const j = new h.Journey(`english journey, js ${js ? 'on' : 'off'}`, page);
    const t = h.uniq();
    let nomor;
    let kode;
    try {
      await j.step('the English home page leads to the service page', async (p) => {
        await p.goto(h.url('/en/'));
        assert.equal(await p.locator('html').getAttribute('lang'), 'en');
        await p.locator(`a[href="${SERVICE_EN}"]`).first().click();
        await p.waitForURL((u) => u.pathname === SERVICE_EN);
      });

      await j.step('the service page states the time limit and the fee in English', async (p) => {
        assert.equal(await p.locator('html').getAttribute('lang'), 'en');
        const text = await p.locator('main').innerText();
        assert.match(text, /2 to 10 working days/);
        assert.match(text, /free of charge/i);
        assert.match(text, /Berita Acara Penyelesaian Pengaduan/, 'the official term is kept');
      });

      await j.step('the English form is in English and says its language', async (p) => {
        await p.goto(h.url('/en/complaint/'));
        assert.equal(await p.locator('html').getAttribute('lang'), 'en');
        assert.equal(await p.locator('#form-pengaduan input[name="lang"]').inputValue(), 'en');
        const text = await p.locator('#form-pengaduan').innerText();
        assert.doesNotMatch(text, INDONESIAN, 'Indonesian interface text on the English form');
        await h.screenshot(p, `en-form-js-${js ? 'on' : 'off'}-360`);
      });

      await j.step('one mistake (the email) is answered in English, the rest kept', async (p) => {
        await h.fillComplaint(p, h.validComplaint({
          nama: `John Smith ${t}`,
          email: 'john-at-example',
          telepon: '',
          judul: `Business licence application delayed ${t}`,
          isi: `My business licence application has had no answer for three weeks (test ${t}).`,
        }));
        const res = await submit(p);
        assert.equal(res.status(), 422);
        assert.equal(await p.locator('html').getAttribute('lang'), 'en');
        assert.match(await p.title(), /^Error:/);
        const summary = p.locator('#ringkasan-galat');
        await summary.waitFor({ state: 'visible' });
        const hrefs = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.deepEqual(hrefs, ['#email'], 'one mistake, the email');
        const message = await p.locator('#email-error').innerText();
        assert.match(message, /email/i);
        assert.doesNotMatch(message + (await summary.innerText()), INDONESIAN, 'the error is in Indonesian');
        assert.equal(await p.locator('#nama').inputValue(), `John Smith ${t}`, 'typed values are kept');
        assert.equal(await p.locator('#form-pengaduan input[name="lang"]').inputValue(), 'en', 'the form stays English');
        await h.screenshot(p, `en-form-error-js-${js ? 'on' : 'off'}-360`);
      });

      await j.step('fixed, it goes through: the confirmation is in English', async (p) => {
        await p.locator('#email').fill(`john.smith.${t}@example.com`);
        const res = await submit(p);
        assert.ok([200, 303].includes(res.status()), `POST answered ${res.status()}`);
        await h.waitForPath(p, /^\/api\/lacak\?/);
        assert.equal(new URL(p.url()).searchParams.get('lang'), 'en');
        assert.equal(await p.locator('html').getAttribute('lang'), 'en');
        ({ nomor, kode } = await h.readConfirmation(p));
        assert.match(nomor || '', h.NOMOR_RE);
        assert.match(kode || '', h.KODE_RE);
        assert.equal(await h.readStatus(p), 'Received');
        assert.doesNotMatch(await p.locator('main').innerText(), INDONESIAN);
        await h.screenshot(p, `en-confirmation-js-${js ? 'on' : 'off'}-360`);
      });

      await j.step('tracking it from /en/track/ shows its status in English', async (p) => {
        await p.goto(h.url('/en/track/'));
        assert.equal(await p.locator('html').getAttribute('lang'), 'en');
        await p.locator('#nomor').fill(nomor);
        await p.locator('#kode').fill(kode);
        await h.postLookup(p, () => p.locator('form button[type="submit"]').last().click());
        assert.equal(await p.locator('html').getAttribute('lang'), 'en');
        assert.equal(await h.readStatus(p), 'Received');
        assert.ok((await p.locator('main').innerText()).includes(nomor), 'the status page names the number');
      });

      await j.step('a wrong code is refused in English, values kept', async (p) => {
        await p.goto(h.url('/en/track/'));
        await p.locator('#nomor').fill(nomor);
        await p.locator('#kode').fill('AAAA-AAAA-AAAA');
        const answer = p.waitForResponse((r) => r.url().includes('/api/lacak'));
        await p.locator('form button[type="submit"]').last().click();
        assert.equal((await answer).status(), 404);
        await p.waitForLoadState('load');
        assert.equal(await p.locator('html').getAttribute('lang'), 'en');
        const text = await p.locator('main').innerText();
        assert.doesNotMatch(text, INDONESIAN);
        assert.equal(await p.locator('#nomor').inputValue(), nomor);
      });
    } finally {
      await page.context().close();
    }
  });
}

test('the language switch on every page lands on the same page in the other language', async () => {
  const page = await h.newPage(browser(), { js: false });
  const j = new h.Journey('language switch', page);
  try {
    for (const [id, en] of PAIRS) {
      for (const [from, to, lang] of [[id, en, 'en'], [en, id, 'id']]) {
        await j.step(`${from} → ${to}`, async (p) => {
          const res = await p.goto(h.url(from));
          assert.equal(res.status(), 200);
          await p.locator(`nav.language-switch a[hreflang="${lang}"]`).click();
          await p.waitForURL((u) => u.pathname === to);
          assert.equal(await p.locator('html').getAttribute('lang'), lang);
        });
      }
    }
  } finally {
    await page.context().close();
  }
});

test('English search finds the service page for fee, working days and complaint', async () => {
  const context = await browser().newContext({ javaScriptEnabled: true, bypassCSP: false, locale: 'en-GB' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  const j = new h.Journey('english search', page);
  try {
    for (const query of ['fee', 'working days', 'complaint']) {
      await j.step(`"${query}" from the header of /en/`, async (p) => {
        await p.goto(h.url('/en/'));
        const box = p.locator('form.site-search input[name="q"]');
        await box.fill(query);
        // The header's box asks /api/cari (answered on the server), in the page's language.
        await Promise.all([p.waitForURL(/\/api\/cari\?q=.*&lang=en$/), box.press('Enter')]);
        // The server's answer: the English pages that hold the words.
        await p.locator(`#semua-halaman a[href^="${SERVICE_EN}"]`).first().waitFor({ state: 'visible' });
        const hrefs = await p.locator('#semua-halaman li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.ok(hrefs.every((href) => href.startsWith('/en/')), `only English pages: ${hrefs.join(', ')}`);
      });
    }
    await j.step('no script errors', () => assert.deepEqual(problems, []));
  } finally {
    await context.close();
  }
});

test('without JavaScript, the English search box lists the English pages that hold the word', async () => {
  const page = await h.newPage(browser(), { js: false });
  const j = new h.Journey('english search, js off', page);
  try {
    await j.step('search "fee" from the header of the English service page', async (p) => {
      await p.goto(h.url(SERVICE_EN));
      const box = p.locator('form.site-search input[name="q"]');
      await box.fill('fee');
      await Promise.all([p.waitForURL(/\/api\/cari\?q=fee&lang=en$/), box.press('Enter')]);
    });
    await j.step('the list holds the English pages with "fee", and no Indonesian one', async (p) => {
      const list = p.locator('#semua-halaman');
      assert.equal(await list.isVisible(), true);
      assert.equal((await list.locator('h2').innerText()).trim(), 'Search results');
      const hrefs = await list.locator('li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(hrefs.includes(SERVICE_EN), `${SERVICE_EN} is not listed: ${hrefs.join(', ')}`);
      assert.ok(hrefs.every((href) => href.startsWith('/en/')), `only English pages: ${hrefs.join(', ')}`);
      assert.equal(await p.locator('html').getAttribute('lang'), 'en');
    });
    await j.step('its link opens the English service page', async (p) => {
      await p.locator(`#semua-halaman a[href="${SERVICE_EN}"]`).click();
      await p.waitForURL((u) => u.pathname === SERVICE_EN);
    });
  } finally {
    await page.context().close();
  }
});
