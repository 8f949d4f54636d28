'use strict';
// The confirmation right after submitting (issue 23 item 5): where the receipt went, masked,
// and what was sent; a later visit to the same status shows neither. Tracking by POST (item 4):
// the code never reaches the address bar or the history. At 360 px, without JavaScript.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const browser = h.useBrowser();

test('the confirmation names the masked address and what was sent; tracking posts the code', async () => {
  const page = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  const j = new h.Journey('confirmation and tracking by POST, JavaScript off', page);
  const values = h.validComplaint({ email: 'budi.santoso@contoh.co.id' });
  let confirmation;
  let codes;
  try {
    await j.step('submit the form and land on the confirmation', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, values);
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?.*&konfirmasi=/);
      confirmation = p.url();
      codes = await h.readConfirmation(p);
      assert.ok(!confirmation.includes('budi') && !confirmation.includes('contoh'), confirmation);
    });

    await j.step('it says where the receipt went, masked, and what was sent', async (p) => {
      const receipt = await p.locator('#tanda-terima-surel').innerText();
      assert.match(receipt, /Tanda terima telah dikirim ke surel b•••@c•••\.co\.id\./);
      const sent = await p.locator('#konfirmasi dl').innerText();
      for (const words of ['Pengaduan', values.judul, 'Lampiran', 'Tidak ada']) {
        assert.ok(sent.includes(words), `${words} missing from: ${sent}`);
      }
      assert.ok(!(await p.content()).includes('budi.santoso'), 'the address itself is on the page');
      await h.checkNoHorizontalOverflow(p, 'the confirmation at 360 px');
      await h.screenshot(p, 'konfirmasi-sesudah-360');
    });

    await j.step('the same status without the sealed value (as before this change) names no address', async (p) => {
      await p.goto(h.url(confirmation.replace(/&konfirmasi=[^&]*/, '').replace(/^https?:\/\/[^/]+/, '')));
      assert.equal(await p.locator('#konfirmasi').count(), 0);
      assert.ok(!(await p.locator('main').innerText()).includes('•'));
      await h.screenshot(p, 'konfirmasi-sebelum-360');
    });

    await j.step('"Cetak bukti" posts: the print view, with the code out of the address', async (p) => {
      await p.goto(confirmation);
      await h.postLookup(p, () => p.getByRole('button', { name: 'Cetak bukti' }).click());
      assert.equal(new URL(p.url()).pathname + new URL(p.url()).search, '/api/lacak');
      assert.equal((await p.locator('h1').innerText()).trim(), 'Bukti penerimaan pengaduan');
      assert.ok((await p.locator('main').innerText()).includes(codes.kode));
    });

    await j.step('tracking from /lacak/ posts the code: status shown, address without it', async (p) => {
      await p.goto(h.url('/lacak/'));
      await p.locator('#nomor').fill(codes.nomor);
      await p.locator('#kode').fill(codes.kode);
      const answer = await h.postLookup(p, () => p.getByRole('button', { name: 'Lacak', exact: true }).click());
      assert.equal(answer.status(), 200);
      assert.ok(!p.url().includes(codes.kode.slice(0, 4)), p.url());
      assert.equal(await h.readStatus(p), 'Diterima');
      assert.equal(await p.locator('#konfirmasi').count(), 0, 'no address on a later look-up');
      await h.screenshot(p, 'lacak-post-status-360');
    });

    await j.step('a wrong code by POST: 404, the form again with the number kept', async (p) => {
      await p.goto(h.url('/lacak/'));
      await p.locator('#nomor').fill(codes.nomor);
      await p.locator('#kode').fill('AAAA-AAAA-AAAA');
      const answer = await h.postLookup(p, () => p.getByRole('button', { name: 'Lacak', exact: true }).click());
      assert.equal(answer.status(), 404);
      assert.equal(await p.locator('#nomor').inputValue(), codes.nomor);
      assert.match(await p.locator('#ringkasan-galat').innerText(), /Tidak ada pengaduan/);
    });
  } finally {
    await page.context().close();
  }
});
