'use strict';
// Every page a person can see: the built pages, and the API's answers (the confirmation,
// the status page, the form with errors, an unknown complaint, the survey of a finished
// complaint and the survey already answered). `open(page)` brings the
// page there and checks it arrived; `current` is the menu item marked aria-current="page"
// (null: none).

const assert = require('node:assert/strict');
const h = require('./harness');

/** A search page once Pagefind has shown its results: checks run on the settled page, not on one
 *  whose results arrive (and move the footer) in the middle of a Tab sweep. */
/** A search page whose query the server answered: its list of the pages found. */
async function openSearch(page, path) {
  await goto(page, path);
  await page.locator('#semua-halaman [role="status"]').waitFor({ state: 'visible' });
}

/** The search page's live search (Pagefind, loaded by cari.js): `query` typed, its results. */
async function openLiveSearch(page, path, query) {
  await goto(page, path);
  await page.locator('#pencarian input').fill(query);
  await page.locator('#pencarian a.pagefind-ui__result-link').first().waitFor({ state: 'visible', timeout: 15_000 });
  // As a visitor who has read the results: the page's checks start from the top, not the box.
  // (Blurring alone would leave Chromium's sequential focus starting point in the box.)
  await page.evaluate(() => {
    document.body.setAttribute('tabindex', '-1');
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
}

async function goto(page, path, status = 200) {
  const res = await page.goto(h.url(path));
  assert.equal(res.status(), status, `GET ${path} answered ${res.status()}`);
}

const PAGES = [
  { name: 'beranda', current: '/', label: 'home page /', open: (p) => goto(p, '/') },
  {
    name: 'layanan', current: '/layanan/informasi-dan-pengaduan/',
    label: 'service page /layanan/informasi-dan-pengaduan/',
    open: (p) => goto(p, '/layanan/informasi-dan-pengaduan/'),
  },
  { name: 'pengaduan', current: '/pengaduan/', label: 'complaint form /pengaduan/', open: (p) => goto(p, '/pengaduan/') },
  { name: 'lacak', current: '/lacak/', label: 'tracking page /lacak/', open: (p) => goto(p, '/lacak/') },
  { name: 'kebijakan-privasi', current: null, label: 'privacy policy /kebijakan-privasi/', open: (p) => goto(p, '/kebijakan-privasi/') },
  { name: 'cari', current: null, label: 'search page /cari/?q=biaya', open: (p) => openSearch(p, '/cari/?q=biaya') },
  { name: 'cari-langsung', current: null, label: 'live search on /cari/ for "biaya"', open: (p) => openLiveSearch(p, '/cari/', 'biaya') },
  { name: 'en-beranda', current: '/en/', label: 'English home page /en/', open: (p) => goto(p, '/en/') },
  {
    name: 'en-layanan', current: '/en/layanan/information-and-complaints/', label: 'English service page /en/layanan/information-and-complaints/',
    open: (p) => goto(p, '/en/layanan/information-and-complaints/'),
  },
  { name: 'en-search', current: null, label: 'English search page /en/search/?q=fee', open: (p) => openSearch(p, '/en/search/?q=fee') },
  { name: 'en-pengaduan', current: '/en/complaint/', label: 'English complaint form /en/complaint/', open: (p) => goto(p, '/en/complaint/') },
  { name: 'en-lacak', current: '/en/track/', label: 'English tracking page /en/track/', open: (p) => goto(p, '/en/track/') },
  { name: 'en-privacy', current: null, label: 'English privacy policy /en/privacy/', open: (p) => goto(p, '/en/privacy/') },
  {
    name: 'en-formulir-galat', current: '/en/complaint/',
    label: 'English complaint form with errors (422)',
    open: async (p) => {
      await goto(p, '/en/complaint/');
      await h.fillComplaint(p, { jenis: 'pengaduan', nama: 'John Smith', email: 'john-at-example', judul: '', isi: 'Too short.', persetujuan_data: true });
      const post = p.waitForResponse((r) => r.url().endsWith('/api/pengaduan') && r.request().method() === 'POST');
      await p.locator('#form-pengaduan button[type="submit"]').click();
      assert.equal((await post).status(), 422);
      await p.waitForLoadState('load');
      await p.locator('#ringkasan-galat').waitFor({ state: 'visible' });
      assert.equal(await p.locator('html').getAttribute('lang'), 'en');
    },
  },
  {
    name: 'en-konfirmasi', current: '/en/track/',
    label: 'English confirmation after submitting the form',
    open: async (p) => {
      await goto(p, '/en/complaint/');
      await h.fillComplaint(p, h.validComplaint({ nama: 'John Smith', judul: `Licence counter queue too long ${h.uniq()}` }));
      await p.locator('#form-pengaduan button[type="submit"]').click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      assert.equal(await h.readStatus(p), 'Received');
    },
  },
  {
    name: 'en-bukti-cetak', current: null,
    label: 'the English receipt\'s print-friendly view',
    open: async (p) => {
      const r = await h.submitJson(h.validComplaint({ judul: `Printed receipt in English ${h.uniq()}` }));
      await goto(p, `/api/lacak?nomor=${r.nomor}&kode=${r.kode_lacak}&cetak=1&lang=en`);
      assert.equal(await p.locator('html').getAttribute('lang'), 'en');
      assert.equal((await h.readConfirmation(p)).nomor, r.nomor);
    },
  },
  {
    name: 'en-lacak-tidak-ditemukan', current: '/en/track/',
    label: 'tracking an unknown complaint in English (404)',
    open: async (p) => {
      await goto(p, '/en/track/');
      await p.locator('#nomor').fill('PGD-2000-99999');
      await p.locator('#kode').fill('AAAA-BBBB-CCCC');
      const get = p.waitForResponse((r) => r.url().includes('/api/lacak'));
      await p.locator('form button[type="submit"]').last().click();
      assert.equal((await get).status(), 404);
      await p.waitForLoadState('load');
      assert.equal(await p.locator('html').getAttribute('lang'), 'en');
      assert.equal(await p.locator('#nomor').inputValue(), 'PGD-2000-99999');
    },
  },
  { name: '404', current: null, label: '/404.html', open: (p) => goto(p, '/404.html') },
  {
    name: 'tidak-ditemukan', current: null,
    label: 'a missing URL (404)',
    open: async (p) => {
      await goto(p, '/halaman-yang-tidak-ada/', 404);
      assert.match(await p.locator('h1').innerText(), /\S/);
    },
  },
  {
    name: 'konfirmasi', current: '/lacak/',
    label: 'confirmation after submitting the form',
    open: async (p) => {
      await goto(p, '/pengaduan/');
      await h.fillComplaint(p, h.validComplaint());
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      const { nomor } = await h.readConfirmation(p);
      assert.match(nomor || '', h.NOMOR_RE);
    },
  },
  {
    name: 'status', current: '/lacak/',
    label: 'status page from the tracking form',
    open: async (p) => {
      const t = h.uniq();
      const r = await h.submitJson({
        jenis: 'informasi',
        nama: 'Andi Wijaya',
        telepon: '081311112222',
        judul: `Permintaan informasi jadwal layanan ${t}`,
        isi: `Mohon informasi jadwal layanan konsultasi perizinan pada hari Sabtu (uji ${t}).`,
        pernyataan_kebenaran: true,
        persetujuan_data: true,
      });
      await goto(p, '/lacak/');
      await p.locator('#nomor').fill(r.nomor);
      await p.locator('#kode').fill(r.kode_lacak);
      await h.postLookup(p, () => p.getByRole('button', { name: 'Lacak', exact: true }).click());
      assert.equal(await h.readStatus(p), 'Diterima');
    },
  },
  {
    name: 'bukti-cetak', current: null,
    label: 'the receipt\'s print-friendly view (?cetak=1)',
    open: async (p) => {
      const t = h.uniq();
      const r = await h.submitJson({
        jenis: 'aspirasi',
        nama: 'Dewi Lestari',
        email: `dewi.${t}@contoh.id`,
        judul: `Usul jam layanan sore untuk pelaku usaha ${t}`,
        isi: `Mohon loket perizinan dibuka sampai sore pada hari Kamis (uji ${t}).`,
        pernyataan_kebenaran: true,
        persetujuan_data: true,
      });
      await goto(p, `/api/lacak?nomor=${r.nomor}&kode=${r.kode_lacak}&cetak=1`);
      assert.equal(await p.locator('h1').innerText(), 'Bukti penerimaan pengaduan');
      assert.equal((await h.readConfirmation(p)).nomor, r.nomor);
    },
  },
  {
    name: 'formulir-galat', current: '/pengaduan/',
    label: 'complaint form with errors (422)',
    open: async (p) => {
      await goto(p, '/pengaduan/');
      await h.fillComplaint(p, {
        jenis: 'pengaduan',
        nama: 'Budi Santoso',
        email: 'budi-at-contoh',
        judul: '',
        isi: 'Terlalu pendek.',
        persetujuan_data: true,
      });
      const post = p.waitForResponse((r) => r.url().endsWith('/api/pengaduan') && r.request().method() === 'POST');
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      assert.equal((await post).status(), 422);
      await p.waitForLoadState('load');
      await p.locator('#ringkasan-galat').waitFor({ state: 'visible' });
    },
  },
  {
    name: 'lacak-tidak-ditemukan', current: '/lacak/',
    label: 'tracking an unknown complaint (404)',
    open: async (p) => {
      await goto(p, '/lacak/');
      await p.locator('#nomor').fill('PGD-2000-99999');
      await p.locator('#kode').fill('AAAA-BBBB-CCCC');
      const get = p.waitForResponse((r) => r.url().includes('/api/lacak'));
      await p.getByRole('button', { name: 'Lacak', exact: true }).click();
      assert.equal((await get).status(), 404);
      await p.waitForLoadState('load');
      // The tracking form again, with the message and the typed number kept.
      assert.match(await p.locator('#ringkasan-galat').innerText(), /Tidak ada pengaduan/);
      assert.equal(await p.locator('#nomor').inputValue(), 'PGD-2000-99999');
    },
  },
  {
    name: 'survei', current: '/lacak/',
    label: 'the satisfaction survey of a finished complaint',
    open: async (p) => {
      const r = await h.submitJson(h.validComplaint({ judul: `Survei halaman ${h.uniq()}` }));
      await h.finishComplaint(r.nomor, r.kode_lacak);
      await goto(p, `/api/survei?nomor=${r.nomor}&kode=${r.kode_lacak}`);
      assert.equal(await p.locator('fieldset').count(), 9);
    },
  },
  {
    name: 'survei-sudah-diisi', current: '/lacak/',
    label: 'the survey opened again after it was answered',
    open: async (p) => {
      const r = await h.submitJson(h.validComplaint({ judul: `Survei terjawab ${h.uniq()}` }));
      await h.finishComplaint(r.nomor, r.kode_lacak);
      assert.equal(await h.answerSurveyJson(r.nomor, r.kode_lacak, 4), 201);
      await goto(p, `/api/survei?nomor=${r.nomor}&kode=${r.kode_lacak}`);
      assert.equal(await p.locator('h1').innerText(), 'Survei sudah diisi');
    },
  },
  {
    name: 'en-survei', current: '/en/track/',
    label: 'the satisfaction survey in English',
    open: async (p) => {
      const r = await h.submitJson(h.validComplaint({ judul: `Survey page ${h.uniq()}` }));
      await h.finishComplaint(r.nomor, r.kode_lacak);
      await goto(p, `/api/survei?nomor=${r.nomor}&kode=${r.kode_lacak}&lang=en`);
      assert.equal(await p.locator('html').getAttribute('lang'), 'en');
      assert.equal(await p.locator('fieldset').count(), 9);
    },
  },
  {
    name: 'en-survei-galat', current: '/en/track/',
    label: 'the English survey with a missing answer (422)',
    open: async (p) => {
      const r = await h.submitJson(h.validComplaint({ judul: `Survey errors ${h.uniq()}` }));
      await h.finishComplaint(r.nomor, r.kode_lacak);
      await goto(p, `/api/survei?nomor=${r.nomor}&kode=${r.kode_lacak}&lang=en`);
      for (let i = 1; i <= 8; i++) await p.locator(`label[for="u${i}-3"]`).click();
      const post = p.waitForResponse((r) => r.url().endsWith('/api/survei') && r.request().method() === 'POST');
      await p.locator('#form-survei button[type="submit"]').click();
      assert.equal((await post).status(), 422);
      await p.waitForLoadState('load');
      assert.match(await p.locator('#ringkasan-galat').innerText(), /question 9 \(Facilities and infrastructure\)/);
    },
  },
];

module.exports = { PAGES };
