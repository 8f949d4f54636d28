'use strict';
// A receipt to keep: the confirmation page prints as one clean page (office, number, code,
// date and time received, kind, title, the deadline rule, how to track), "Cetak bukti" opens
// the browser's print dialog with JavaScript and the print-friendly view (?cetak=1) without.
// Printed to PDF with Chromium; the text is read from the page in print media emulation.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const browser = h.useBrowser();

/** The number of pages in a PDF Chromium made: its page objects (not the /Pages tree). */
function pdfPages(pdf) {
  const text = pdf.toString('latin1');
  const objects = (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
  const count = /\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)/.exec(text) || /\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/.exec(text);
  return { objects, count: count ? Number(count[1]) : null };
}

/** Prints the page to an A4 PDF, as the print dialog would, and checks it is one page. */
async function printsOnOnePage(page, label) {
  const pdf = await page.pdf({ format: 'A4', printBackground: false, preferCSSPageSize: true });
  assert.ok(pdf.length > 1000 && pdf.toString('latin1', 0, 5) === '%PDF-', `${label}: not a PDF`);
  const pages = pdfPages(pdf);
  assert.equal(pages.objects, 1, `${label}: the PDF has ${pages.objects} page objects`);
  if (pages.count !== null) assert.equal(pages.count, 1, `${label}: the PDF's page tree counts ${pages.count}`);
}

/** The text a printout shows: the page in print media, hidden parts left out. */
async function printedText(page) {
  await page.emulateMedia({ media: 'print' });
  try {
    return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
  } finally {
    // Back to no emulation: an emulated 'screen' would apply to page.pdf() as well.
    await page.emulateMedia({ media: null });
  }
}

/** What every receipt says. */
function assertReceipt(text, { nomor, kode, values }, label) {
  for (const [what, needle] of [
    ['the office', 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu'],
    ['the register number', nomor],
    ['the tracking code', kode],
    ['the kind', 'Pengaduan'],
    ['the title', values.judul],
    ['the date and time received', /\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}\.\d{2} WIB/],
    ['the deadline rule', '2 s/d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap'],
    ['how to track', /Cara melacak pengaduan.*\/lacak\//],
  ]) {
    if (needle instanceof RegExp) assert.match(text, needle, `${label}: ${what} is not printed`);
    else assert.ok(text.includes(needle), `${label}: ${what} (${needle}) is not printed:\n${text}`);
  }
  for (const absent of ['Menu utama', 'Ajukan Pengaduan', 'Kebijakan privasi', 'Tahapan', 'Cetak bukti', values.nama, values.email]) {
    assert.ok(!text.includes(absent), `${label}: "${absent}" is printed:\n${text}`);
  }
}

test('the confirmation prints as a one-page receipt; "Cetak bukti" prints with JavaScript', async () => {
  const page = await h.newPage(browser(), { js: true, width: h.WIDTHS.mobile });
  const j = new h.Journey('receipt, JavaScript on', page);
  const values = h.validComplaint();
  let receipt;
  try {
    await j.step('submit the form and land on the confirmation', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, values);
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      const { nomor, kode } = await h.readConfirmation(p);
      assert.match(nomor || '', h.NOMOR_RE);
      receipt = { nomor, kode, values };
    });

    await j.step('it says when to expect an answer, and no longer to take a screenshot', async (p) => {
      const text = await p.locator('main').innerText();
      assert.match(text, /Jangka waktu penyelesaian: 2 s\/d 10 hari kerja setelah berkas persyaratan dinyatakan lengkap\./);
      assert.match(text, /Tanggal batas waktunya ditampilkan di halaman status pengaduan Anda \(menu Lacak Pengaduan\) setelah petugas menyatakan berkas Anda lengkap/);
      assert.doesNotMatch(text, /tangkapan layar|tidak dapat ditampilkan ulang/);
    });

    await j.step('printed to PDF: one page', (p) => printsOnOnePage(p, 'the confirmation at 360 px'));

    await j.step('printed: the receipt, without menu, footer or stages', async (p) => {
      assertReceipt(await printedText(p), receipt, 'the printed confirmation');
    });

    await j.step('"Cetak bukti" is a button that opens the print dialog', async (p) => {
      const button = p.getByRole('button', { name: 'Cetak bukti' });
      await button.waitFor();
      assert.equal(await p.getByRole('link', { name: 'Cetak bukti' }).count(), 0, 'still a link');
      await p.evaluate(() => {
        window.__dicetak = 0;
        window.print = () => {
          window.__dicetak += 1;
        };
      });
      const url = p.url();
      await button.click();
      assert.equal(await p.evaluate(() => window.__dicetak), 1, 'window.print() was not called');
      assert.equal(p.url(), url, 'the page changed');
    });

    await j.step('at 1280 px it still prints on one page', async (p) => {
      await p.setViewportSize({ width: h.WIDTHS.desktop, height: 900 });
      await printsOnOnePage(p, 'the confirmation at 1280 px');
    });
  } finally {
    await page.context().close();
  }
});

test('without JavaScript, "Cetak bukti" leads to the print-friendly view, one page too', async () => {
  const page = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  const j = new h.Journey('receipt, JavaScript off', page);
  const values = h.validComplaint({ jenis: 'pengaduan' });
  let receipt;
  try {
    await j.step('submit the form and land on the confirmation', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, values);
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      const { nomor, kode } = await h.readConfirmation(p);
      receipt = { nomor, kode, values };
    });

    await j.step('press "Cetak bukti": it posts to the print view', async (p) => {
      await h.postLookup(p, () => p.getByRole('button', { name: 'Cetak bukti' }).click());
      assert.equal(await p.locator('h1').innerText(), 'Bukti penerimaan pengaduan');
      assert.equal(await p.locator('.site-nav, .site-footer, .stages').count(), 0, 'menu, footer or stages on the print view');
      assert.match(await p.locator('main').innerText(), /Pilih Cetak pada menu peramban Anda/);
      assert.equal(await p.getByRole('button', { name: 'Cetak bukti' }).count(), 0, 'a button that needs JavaScript is shown');
    });

    await j.step('screenshot of the print view at 360 px', (p) => h.screenshot(p, 'bukti-cetak-tanpa-js-360'));

    await j.step('printed to PDF: one page', (p) => printsOnOnePage(p, 'the print view'));

    await j.step('printed: the receipt', async (p) => {
      assertReceipt(await printedText(p), receipt, 'the printed print view');
    });

    await j.step('"Kembali ke status pengaduan" goes back to the status page', async (p) => {
      await h.postLookup(p, () => p.getByRole('button', { name: 'Kembali ke status pengaduan' }).click());
      assert.equal((await h.readConfirmation(p)).nomor, receipt.nomor);
    });
  } finally {
    await page.context().close();
  }
});
