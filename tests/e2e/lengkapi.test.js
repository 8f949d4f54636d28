'use strict';
// Completing returned files online (issue 23): the Front Office returns a complaint in the
// console with a reason; on a 360 px phone with JavaScript off, the citizen's status page says
// what is missing and offers a form; a text that is too short comes back with the message and
// the text kept; sent with a PDF, the page confirms it, the complaint is back at the
// completeness check (`diterima`), and no address ever carried the tracking code; the console
// then shows the addition, its document and the history entry, and offers "Nyatakan lengkap".
// axe-core clean at each citizen step.

const { before, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./lib/harness');

const browser = h.useBrowser();

const REASON = 'Lampirkan fotokopi KTP yang terbaca jelas.';
const ADDED = 'Fotokopi KTP yang jelas saya lampirkan bersama tambahan ini.';
const PDF = '%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n';
const FO = { username: 'fo-lengkapi', password: 'sandi-rahasia-lengkapi-1' };

before(() => {
  h.staff(['pengguna', 'tambah', FO.username, '--peran', 'front-office', '--nama', 'Rina Lengkapi'], `${FO.password}\n`);
});

test('lengkapi: a returned complaint is completed online, without JavaScript, at 360 px', async () => {
  const { nomor, kode_lacak: kode } = await h.submitJson(h.validComplaint({ judul: `Lengkapi ${h.uniq()}` }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lengkapi-'));
  const pdf = path.join(dir, 'ktp-jelas.pdf');
  fs.writeFileSync(pdf, PDF);
  const staffPage = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  const page = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  const addresses = [];
  page.on('request', (r) => addresses.push(r.url()));
  const staffJourney = new h.Journey('lengkapi-staf', staffPage);
  const j = new h.Journey('lengkapi', page);
  const complaintPath = `/staf/pengaduan/${nomor}`;
  try {
    await staffJourney.step('Front Office: return the files in the console with the reason', async (p) => {
      await h.staffLogin(p, FO.username, FO.password);
      await p.goto(h.url(complaintPath));
      const form = p.locator('#tindakan-kembalikan');
      await form.locator('#alasan-kembalikan').fill(REASON);
      await form.getByRole('button', { name: 'Kembalikan berkas' }).click();
      await h.waitForPath(p, new RegExp(`^${complaintPath}\\?pesan=`));
      assert.match(await p.locator('.notice').first().innerText(), /Berkas dikembalikan kepada pengadu/);
      assert.equal(await p.locator('#judul-tambahan').count(), 0, 'nothing added yet');
      assert.match(await p.locator('main > dl.summary-list').first().innerText(), /Status\s+Perlu dilengkapi/);
    });
    await j.step('the status page says what is missing and offers the form', async (p) => {
      await p.goto(h.url(`/api/lacak?nomor=${nomor}&kode=${kode}`));
      assert.equal(await h.readStatus(p), 'Perlu dilengkapi');
      const main = await p.locator('main').innerText();
      assert.ok(main.includes(REASON), main);
      assert.equal(await p.locator('#form-lengkapi').getAttribute('enctype'), 'multipart/form-data');
      await h.checkAxe(p, 'status page with the form');
      await h.checkNoHorizontalOverflow(p, 'status page at 360 px');
      await h.screenshot(p, 'lengkapi-360');
    });
    // From here on, no address may carry the code (the form posts it in its body).
    addresses.length = 0;
    await j.step('too short: the form again with the message, the text kept', async (p) => {
      await p.getByLabel('Keterangan tambahan').fill('KTP terlampir');
      await p.getByRole('button', { name: 'Kirim tambahan' }).click();
      await p.waitForLoadState('load');
      assert.match(await p.locator('#ringkasan-galat').innerText(), /Keterangan tambahan harus 20 karakter atau lebih/);
      assert.equal(await p.getByLabel('Keterangan tambahan').inputValue(), 'KTP terlampir');
      assert.equal(await h.readStatus(p), 'Perlu dilengkapi');
      await h.checkAxe(p, 'the form with an error');
      await h.checkNoHorizontalOverflow(p, 'the form with an error at 360 px');
    });
    await j.step('sent with a PDF: confirmed, back to the completeness check', async (p) => {
      await p.getByLabel('Keterangan tambahan').fill(ADDED);
      await p.locator('#lampiran').setInputFiles(pdf);
      await p.getByRole('button', { name: 'Kirim tambahan' }).click();
      await p.waitForLoadState('load');
      const main = await p.locator('main').innerText();
      assert.match(main, /Tambahan Anda telah kami terima/);
      assert.match(main, /ktp-jelas\.pdf/);
      assert.equal(await h.readStatus(p), 'Diterima');
      assert.equal(await p.locator('#form-lengkapi').count(), 0, 'no form once sent');
      await h.checkAxe(p, 'the confirmation');
      await h.checkNoHorizontalOverflow(p, 'the confirmation at 360 px');
      await h.screenshot(p, 'lengkapi-terkirim-360');
    });
    await j.step('no address carried the code', async () => {
      const bare = kode.replace(/-/g, '');
      const leaked = addresses.filter((a) => a.includes(kode) || a.toUpperCase().includes(bare));
      assert.deepEqual(leaked, [], 'the code in an address');
      assert.ok(addresses.some((a) => a.endsWith('/api/pengaduan/lengkapi')), addresses.join('\n'));
    });
    await j.step('the public status says diterima', async () => {
      const { status, json } = await h.lacakJson(nomor, kode);
      assert.equal(status, 200);
      assert.equal(json.status, 'diterima');
      assert.equal(json.alasan_pengembalian, undefined, 'the reason only while returned');
    });
    await staffJourney.step('Front Office: the addition, its document and the check again', async (p) => {
      await p.goto(h.url(complaintPath));
      const main = await p.locator('main').innerText();
      assert.match(main, /Tambahan dari pengadu/);
      assert.match(await p.locator('main > dl.summary-list').first().innerText(), /Status\s+Diterima/, 'back at the check');
      assert.ok(main.includes(ADDED), main);
      assert.match(await p.locator('main ul.plain-list').first().innerText(), /ktp-jelas\.pdf/, 'in the attachments');
      assert.match(main, /dilengkapi pengadu secara daring/, 'the history names the addition');
      assert.match(main, /Pengadu \(daring\)/);
      assert.equal(await p.locator('#tindakan-lengkap').count(), 1, 'the completeness check is offered again');
      assert.equal(await p.locator('#tindakan-kembalikan').count(), 1);
      await h.checkNoHorizontalOverflow(p, 'the console page at 360 px');
      await h.screenshot(p, 'lengkapi-staf-360');
    });
  } finally {
    await staffPage.context().close();
    await page.context().close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
