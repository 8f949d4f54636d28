'use strict';
// The citizen's side of intake (issue 23): an Indonesian submission from a phone set to
// English stays Indonesian on every later page; an anonymous complaint is confirmed as one that
// kept no identity and sent no receipt; the date is typed in day, month and year boxes.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const browser = h.useBrowser();

test('an Indonesian complaint from a browser set to English stays Indonesian, with the date in three boxes', async () => {
  const page = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile, locale: 'en-US' });
  const j = new h.Journey('Indonesian form on an English phone', page);
  // The server's clock is in March 2026 (E2E_CLOCK): a date earlier that month.
  const values = h.validComplaint({ tanggal_kejadian: '14 03 2026' });
  try {
    await j.step('the form asks for the date in day, month and year boxes', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      assert.equal(await p.locator('input[type="date"]').count(), 0, 'a browser date field is left');
      const group = p.getByRole('group', { name: /Tanggal kejadian/ });
      for (const label of ['Hari', 'Bulan', 'Tahun']) {
        assert.equal(await group.getByLabel(label, { exact: true }).getAttribute('inputmode'), 'numeric', label);
      }
      assert.match(await group.innerText(), /Contoh: 27 3 2026/);
    });

    await j.step('a two-digit year is refused with a clear message, the boxes keep what was typed', async (p) => {
      await h.fillComplaint(p, { ...values, tanggal_kejadian: '14 3 26' });
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await p.waitForLoadState('load');
      const summary = await p.locator('#ringkasan-galat').innerText();
      assert.match(summary, /Tahun pada tanggal kejadian harus ditulis lengkap dengan 4 angka, seperti 2026/);
      assert.equal(await p.locator('[name="tanggal_kejadian_tahun"]').inputValue(), '26');
      assert.equal(await p.locator('html').getAttribute('lang'), 'id');
    });

    await j.step('with the year in full it is sent, and the confirmation is Indonesian', async (p) => {
      await p.locator('[name="tanggal_kejadian_tahun"]').fill('2026');
      await p.locator('#pernyataan_kebenaran').setChecked(true);
      await p.locator('#persetujuan_data').setChecked(true);
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?.*&lang=id$/);
      assert.equal(await p.locator('html').getAttribute('lang'), 'id');
      assert.equal((await p.locator('h1').innerText()).trim(), 'Pengaduan Anda telah diterima');
    });

    await j.step('"Cetak bukti" and the way back stay Indonesian', async (p) => {
      await h.postLookup(p, () => p.getByRole('button', { name: 'Cetak bukti' }).click());
      assert.equal(await p.locator('html').getAttribute('lang'), 'id');
      assert.equal((await p.locator('h1').innerText()).trim(), 'Bukti penerimaan pengaduan');
      await h.postLookup(p, () => p.getByRole('button', { name: 'Kembali ke status pengaduan' }).click());
      assert.equal(await p.locator('html').getAttribute('lang'), 'id');
    });
  } finally {
    await page.context().close();
  }
});

test('an anonymous complaint with a name and email typed is confirmed as keeping neither', async () => {
  const page = await h.newPage(browser(), { js: true, width: h.WIDTHS.mobile });
  const j = new h.Journey('anonymous complaint with identity typed', page);
  const values = h.validComplaint({ anonim: true, nama: 'Bambang Wibowo', email: `bambang.${h.uniq()}@contoh.id` });
  try {
    await j.step('the form says, beside the box, that nothing typed is kept', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      assert.match(await p.locator('#anonim-hint').innerText(), /tidak kami simpan, walaupun sudah terisi/);
    });

    await j.step('send it and read the confirmation', async (p) => {
      await h.fillComplaint(p, values);
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      const c = await h.readConfirmation(p);
      assert.match(c.nomor || '', h.NOMOR_RE, c.text);
      assert.match(c.kode || '', h.KODE_RE, c.text);
      const note = await p.locator('#anonim').innerText();
      assert.match(note, /Dikirim secara anonim/);
      assert.match(note, /tidak ada tanda terima yang dikirim lewat email/);
      assert.ok(!(await p.locator('main').innerText()).includes(values.email), 'the typed email is shown');
    });

    await j.step('screenshot of the confirmation at 360 px', (p) => h.screenshot(p, 'konfirmasi-anonim-360'));
  } finally {
    await page.context().close();
  }
});
