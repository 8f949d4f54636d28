'use strict';
// Issue 23 item 7: attachments are checked and fitted in the browser before they are sent. A
// phone photo larger than 2 MB is downscaled (upright, as the camera meant it) instead of
// being refused after a long upload; a PDF too large or a file of the wrong kind is named at
// once, with nothing sent; the upload shows its progress; a dropped connection keeps the
// chosen files. Without JavaScript the server checks as before (attachments.test.js).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { bigPhoto, bigPdf } = require('./lib/files');

const browser = h.useBrowser();
const MIB = 1024 * 1024;
/** A small valid PDF. */
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** Counts the complaint posts the page sends. */
function countPosts(page) {
  const seen = { n: 0 };
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/pengaduan') seen.n += 1;
  });
  return seen;
}

test('upload: a 4 MB phone photo is downscaled upright, sent with its progress shown', async () => {
  const page = await h.newPage(browser(), { width: h.WIDTHS.mobile });
  const j = new h.Journey('unggah-foto-besar', page);
  try {
    let original;
    await j.step('fill in the form and choose a photo over 2 MB', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, h.validComplaint({ judul: 'Foto antrean loket' }));
      original = await bigPhoto(p);
      assert.ok(original.length > 3 * MIB && original.length < 5.5 * MIB, `photo of ${original.length} bytes`);
      await p.locator('#lampiran').setInputFiles([{ name: 'foto-antrean.jpg', mimeType: 'image/jpeg', buffer: original }]);
    });
    await j.step('the page says the photo was reduced to fit, and nothing is in error', async (p) => {
      const status = p.locator('#lampiran-status');
      await status.getByText(/foto-antrean\.jpg \(.* (MB|KB)\) — foto diperkecil dari [3-5],\d MB agar muat/).waitFor();
      assert.equal(await p.locator('#lampiran-error').count(), 0);
      await p.locator('#lampiran').scrollIntoViewIfNeeded();
      await h.screenshot(p, 'unggah-diperkecil-360', { fullPage: false });
    });
    await j.step('the chosen file now fits and stands upright (portrait)', async (p) => {
      const fitted = await p.evaluate(async () => {
        const f = document.querySelector('#lampiran').files[0];
        const bmp = await createImageBitmap(f);
        return { name: f.name, type: f.type, size: f.size, w: bmp.width, h: bmp.height };
      });
      assert.equal(fitted.name, 'foto-antrean.jpg');
      assert.equal(fitted.type, 'image/jpeg');
      assert.ok(fitted.size <= 2 * MIB, `fitted to ${fitted.size} bytes`);
      assert.ok(fitted.h > fitted.w, `upright: ${fitted.w}x${fitted.h} should be portrait`);
    });
    await j.step('submitting shows the upload progress and lands on the confirmation', async (p) => {
      // Kept across the navigation: every text the status region showed.
      await p.evaluate(() => {
        const el = document.querySelector('#lampiran-status');
        new MutationObserver(() => {
          const seen = JSON.parse(sessionStorage.getItem('unggah') || '[]');
          seen.push(el.textContent);
          sessionStorage.setItem('unggah', JSON.stringify(seen));
        }).observe(el, { childList: true, characterData: true, subtree: true });
      });
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      const seen = JSON.parse(await p.evaluate(() => sessionStorage.getItem('unggah')));
      assert.ok(seen.some((t) => /^Mengunggah… \d{1,3} %$/.test(t)), JSON.stringify(seen));
      const { nomor } = await h.readConfirmation(p);
      assert.match(nomor || '', h.NOMOR_RE);
      const out = h.staff(['lampiran', nomor]);
      assert.match(out, /foto-antrean\.jpg/, out);
      assert.match(out, /image\/jpeg/, out);
    });
  } finally {
    await page.context().close();
  }
});

test('upload: a PDF over 2 MB and a file of the wrong kind are named at once, nothing sent', async () => {
  const page = await h.newPage(browser(), { width: h.WIDTHS.mobile });
  const j = new h.Journey('unggah-ditolak', page);
  const posts = countPosts(page);
  try {
    await j.step('a PDF over 2 MB is named with the limit', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, h.validComplaint({ nama: 'Sari Wulandari' }));
      await p.locator('#lampiran').setInputFiles([{ name: 'akta.pdf', mimeType: 'application/pdf', buffer: bigPdf() }]);
      const error = p.locator('#lampiran-error');
      await error.getByText('Berkas "akta.pdf" lebih dari 2 MB', { exact: false }).waitFor();
      assert.equal(await p.locator('#lampiran').getAttribute('aria-invalid'), 'true');
      assert.match(await p.locator('#lampiran').getAttribute('aria-describedby'), /lampiran-error/);
    });
    await j.step('submitting sends nothing and keeps everything typed', async (p) => {
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await p.waitForFunction(() => document.activeElement && document.activeElement.id === 'lampiran');
      assert.equal(posts.n, 0, 'no upload of a file the server would refuse');
      assert.equal(await p.locator('#nama').inputValue(), 'Sari Wulandari');
      assert.equal(await p.getByRole('button', { name: 'Kirim Pengaduan' }).isEnabled(), true);
      await p.locator('#lampiran').scrollIntoViewIfNeeded();
      await h.screenshot(p, 'unggah-terlalu-besar-360', { fullPage: false });
    });
    await j.step('a GIF named .png is refused by its content', async (p) => {
      await p.locator('#lampiran').setInputFiles([
        { name: 'animasi.png', mimeType: 'image/png', buffer: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;') },
      ]);
      await p.locator('#lampiran-error').getByText('Berkas "animasi.png" bukan PDF, JPEG, PNG, atau WebP', { exact: false }).waitFor();
      assert.equal(posts.n, 0);
    });
    await j.step('choosing no file clears the error', async (p) => {
      await p.locator('#lampiran').setInputFiles([]);
      await p.waitForFunction(() => !document.querySelector('#lampiran-error'));
      assert.equal(await p.locator('#lampiran').getAttribute('aria-invalid'), null);
    });
  } finally {
    await page.context().close();
  }
});

test('upload: a dropped connection keeps the chosen files, and sending again succeeds', async () => {
  const page = await h.newPage(browser(), { width: h.WIDTHS.mobile });
  const j = new h.Journey('unggah-terputus', page);
  try {
    await j.step('choose a PDF and lose the connection while sending', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, h.validComplaint());
      await p.locator('#lampiran').setInputFiles([{ name: 'surat.pdf', mimeType: 'application/pdf', buffer: pdf }]);
      await p.locator('#lampiran-status').getByText(/surat\.pdf/).waitFor();
      await p.context().setOffline(true);
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await p.locator('#lampiran-status').getByText('Pengiriman terputus', { exact: false }).waitFor();
      assert.equal(await p.evaluate(() => document.querySelector('#lampiran').files.length), 1);
      assert.equal(await p.getByRole('button', { name: 'Kirim Pengaduan' }).isEnabled(), true);
      await p.locator('#lampiran').scrollIntoViewIfNeeded();
      await h.screenshot(p, 'unggah-terputus-360', { fullPage: false });
    });
    await j.step('back online, sending again lands on the confirmation with the file', async (p) => {
      await p.context().setOffline(false);
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      const { nomor } = await h.readConfirmation(p);
      assert.match(h.staff(['lampiran', nomor]), /surat\.pdf/);
    });
  } finally {
    await page.context().close();
  }
});

test('upload: the server refusing other fields shows its form again, which still works', async () => {
  const page = await h.newPage(browser(), { width: h.WIDTHS.mobile });
  const j = new h.Journey('unggah-galat-server', page);
  try {
    await j.step('a file and a title too short: the server answers with its messages', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, h.validComplaint({ nama: 'Agus Pratama', judul: 'ab' }));
      await p.locator('#lampiran').setInputFiles([{ name: 'surat.pdf', mimeType: 'application/pdf', buffer: pdf }]);
      await p.locator('#lampiran-status').getByText(/surat\.pdf/).waitFor();
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await p.locator('#ringkasan-galat').waitFor();
      assert.match(await p.locator('#ringkasan-galat').innerText(), /[Jj]udul/);
      assert.equal(await p.locator('#nama').inputValue(), 'Agus Pratama');
    });
    await j.step('mended and sent again with the file chosen again, it lands on the confirmation', async (p) => {
      await p.locator('#judul').fill('Antrean loket izin usaha lambat sekali');
      await p.locator('#lampiran').setInputFiles([{ name: 'surat.pdf', mimeType: 'application/pdf', buffer: pdf }]);
      // The page the server answered runs this script again: the file is checked and listed.
      await p.locator('#lampiran-status').getByText(/surat\.pdf/).waitFor();
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      const { nomor } = await h.readConfirmation(p);
      assert.match(h.staff(['lampiran', nomor]), /surat\.pdf/);
    });
  } finally {
    await page.context().close();
  }
});
