'use strict';
// The office's answer (issue 23, item 3), in the browser with JavaScript off:
// - the Front Office, at the procedure's last step, attaches the Surat Jawaban's text (and its
//   English text) and the signed Berita Acara as a PDF in the console at 360 px; a picture
//   chosen instead of the PDF is refused with the texts kept; staff see the answer on the
//   complaint's page, and the Front Office hands it over with the last step; axe finds nothing;
// - the citizen, at 360 px, reads the answer on the status page, downloads the Berita Acara
//   (a POST with the number and code, a safe file name, the PDF's bytes), with no horizontal
//   scrolling and axe clean; the English status page shows the English text.

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./lib/harness');

const RUN = h.uniq();
const PASSWORD = 'Surat jawaban sudah ditandatangani';
const FO = { username: `fo-jawaban-${RUN}`, name: 'Sinta Maharani' };
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108020000', 'hex');
const TEXT_ID = 'Izin usaha Anda telah terbit pada 4 Desember 2026.';
const TEXT_EN = 'Your business permit was issued on 4 December 2026.';

const browser = h.useBrowser();
before(() => {
  h.staff(['pengguna', 'tambah', FO.username, '--peran', 'front-office', '--nama', FO.name], `${PASSWORD}\n`);
});

test('answer: attached in the console at the last step, read and downloaded by the citizen at 360 px', async () => {
  const { nomor, kode_lacak: kode } = await h.submitJson(h.validComplaint({ judul: `Jawaban ${h.uniq()}` }));
  // Files complete, then every step up to the one before the last (the Front Office's handing over).
  h.staff(['lengkap', nomor, '--prosedur', 'penyelesaian', '--catatan', 'Berkas lengkap.']);
  for (let i = 0; i < 7; i++) h.staff(['lanjut', nomor, '--catatan', 'Langkah dikerjakan.']);

  const staffPage = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  const s = new h.Journey('jawaban-staf', staffPage);
  try {
    await s.step('the Front Office logs in and opens the complaint', async (p) => {
      await p.goto(h.url('/staf/masuk'));
      await p.locator('#pengguna').fill(FO.username);
      await p.locator('#sandi').fill(PASSWORD);
      await p.getByRole('button', { name: 'Masuk', exact: true }).click();
      await h.waitForPath(p, /^\/staf\/$/);
      await p.goto(h.url(`/staf/pengaduan/${nomor}`));
      assert.match(await p.locator('#jawaban').innerText(), /Jawaban untuk pengadu/);
      assert.equal(await p.locator('#tindakan-jawaban').count(), 1, 'the form is offered at this step');
    });
    await s.step('a picture instead of the PDF is refused, the texts kept', async (p) => {
      await p.locator('#jawaban-isi').fill(`${TEXT_ID}\n\nTerima kasih atas laporan Anda.`);
      await p.locator('#jawaban-isi-en').fill(TEXT_EN);
      await p.locator('#jawaban-ba').setInputFiles({ name: 'BA-ttd.pdf', mimeType: 'application/pdf', buffer: PNG });
      await p.locator('#tindakan-jawaban').getByRole('button', { name: 'Lampirkan jawaban' }).click();
      await p.waitForLoadState();
      assert.match(await p.locator('.error-summary').innerText(), /Berita Acara harus berupa berkas PDF/);
      assert.match(await p.locator('#jawaban-ba-error').innerText(), /Berita Acara harus berupa berkas PDF/);
      assert.match(await p.locator('#jawaban-isi').inputValue(), /Izin usaha Anda telah terbit/);
      assert.equal(await p.locator('#jawaban-isi-en').inputValue(), TEXT_EN);
      await h.checkNoHorizontalOverflow(p, 'the refused answer at 360 px');
      await h.screenshot(p, 'jawaban-staf-galat-360');
      await h.checkAxe(p, 'the refused answer');
    });
    await s.step('attaches the text, the English text and the Berita Acara', async (p) => {
      await p.locator('#jawaban-ba').setInputFiles({ name: 'BA-ttd.pdf', mimeType: 'application/pdf', buffer: PDF });
      await p.locator('#tindakan-jawaban').getByRole('button', { name: 'Lampirkan jawaban' }).click();
      await h.waitForPath(p, new RegExp(`^/staf/pengaduan/${nomor}\\?pesan=jawaban$`));
      assert.match(await p.locator('.notice').innerText(), /Jawaban dilampirkan/);
      assert.match(await p.locator('#jawaban-teks').innerText(), /Izin usaha Anda telah terbit/);
      assert.match(await p.locator('#jawaban-teks-en').innerText(), /Your business permit was issued/);
      assert.equal(await p.getByRole('link', { name: /Berita Acara \(PDF/ }).count(), 1);
      await h.checkNoHorizontalOverflow(p, 'the complaint page with its answer at 360 px');
      await h.screenshot(p, 'jawaban-staf-360');
      await h.checkAxe(p, 'the complaint page with its answer');
    });
    await s.step('hands it over with the last step', async (p) => {
      await p.locator('#catatan-lanjut').fill('Diserahkan kepada pemohon.');
      await p.locator('#tindakan-lanjut').getByRole('button').click();
      await h.waitForPath(p, new RegExp(`^/staf/pengaduan/${nomor}\\?pesan=`));
      assert.match(await p.locator('.notice').innerText(), /Pengaduan selesai|Langkah dicatat/);
    });
  } finally {
    await staffPage.context().close();
  }

  const page = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  const c = new h.Journey('jawaban-warga', page);
  try {
    await c.step('the status page shows the answer at 360 px', async (p) => {
      await p.goto(h.url(`/api/lacak?nomor=${nomor}&kode=${kode}`));
      assert.equal(await h.readStatus(p), 'Selesai');
      assert.equal(await p.locator('h2#jawaban').innerText(), 'Jawaban atas pengaduan Anda');
      const answer = await p.locator('.answer').innerText();
      assert.match(answer, /Izin usaha Anda telah terbit pada 4 Desember 2026\./);
      assert.match(answer, /Terima kasih atas laporan Anda\./);
      const main = await p.locator('main').innerText();
      assert.ok(!main.includes(FO.username) && !main.includes(FO.name), 'no staff name');
      await h.checkNoHorizontalOverflow(p, 'status page with the answer at 360 px');
      await h.screenshot(p, 'jawaban-360');
      await h.checkAxe(p, 'status page with the answer at 360 px');
    });
    await c.step('the Berita Acara downloads with a safe name', async (p) => {
      const [download] = await Promise.all([
        p.waitForEvent('download'),
        p.getByRole('button', { name: 'Unduh Berita Acara (PDF)' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), `berita-acara-${nomor}.pdf`);
      assert.ok(!download.url().includes(kode), 'the code is not in the address');
      assert.deepEqual(fs.readFileSync(await download.path()), PDF, 'the PDF the office attached');
    });
    await c.step('the English status page shows the English text', async (p) => {
      await p.goto(h.url(`/api/lacak?nomor=${nomor}&kode=${kode}&lang=en`));
      assert.equal(await p.locator('h2#jawaban').innerText(), 'Our answer to your complaint');
      const answer = p.locator('.answer');
      assert.equal((await answer.innerText()).trim(), TEXT_EN);
      assert.equal(await answer.getAttribute('lang'), null, 'English on an English page');
      assert.equal(await p.getByRole('button', { name: 'Download the Berita Acara (PDF)' }).count(), 1);
      await h.checkAxe(p, 'English status page with the answer at 360 px');
    });
  } finally {
    await page.context().close();
  }
});
