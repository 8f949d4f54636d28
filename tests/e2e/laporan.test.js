'use strict';
// The periodic report /staf/laporan (issue 24): a Kepala Bidang chooses the period in the GET
// form without JavaScript at 360 px (no horizontal overflow), the page shows the office's
// letterhead and the figures (this test's complaint and survey answer among them), axe finds
// nothing, the XLSX and PDF links download the same report, printed it fits A4 (no element
// wider than the printable width, a few pages, the console's header left off); the Front
// Office is refused. The store holds other tests' complaints too, so the figures are checked
// by their presence and structure, not by exact counts.

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const PASSWORD = 'laporan-berkala-2026-rahasia';
const suffix = h.uniq().toLowerCase().replace(/[^a-z0-9]/g, '').slice(-8);
const ACCOUNTS = {
  kabid: { username: `kabid${suffix}`, peran: 'kepala-bidang', name: 'Kepala Bidang Laporan' },
  fo: { username: `fo${suffix}`, peran: 'front-office', name: 'Front Office Laporan' },
};

const browser = h.useBrowser();
before(() => {
  for (const a of Object.values(ACCOUNTS)) {
    h.staff(['pengguna', 'tambah', a.username, '--peran', a.peran, '--nama', a.name], `${PASSWORD}\n`);
  }
});

async function login(page, account) {
  await page.goto(h.url('/staf/masuk'));
  await page.locator('#pengguna').fill(account.username);
  await page.locator('#sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await h.waitForPath(page, /^\/staf\//);
}

test('laporan: the heads read, print and download the periodic report', async () => {
  const receipt = await h.submitJson(h.validComplaint({ judul: `Laporan berkala ${h.uniq()}` }));
  await h.finishComplaint(receipt.nomor, receipt.kode_lacak);
  assert.ok([200, 201, 303].includes(await h.answerSurveyJson(receipt.nomor, receipt.kode_lacak, 4)));
  const year = h.CLOCK.slice(0, 4);

  const page = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  const j = new h.Journey('laporan', page);
  try {
    await j.step('Kepala Bidang: the menu leads to the report', async (p) => {
      await login(p, ACCOUNTS.kabid);
      await p.getByRole('link', { name: 'Laporan berkala' }).click();
      await h.waitForPath(p, /^\/staf\/laporan$/);
      assert.match(await p.locator('h1').innerText(), /Laporan Berkala Pengelolaan Pengaduan\s+Triwulan/);
    });
    await j.step('at 360 px without JavaScript: letterhead, figures, no overflow', async (p) => {
      const kop = await p.locator('.staf-kop').innerText();
      // The letterhead sets the office's name in capitals (CSS), as letterheads do.
      assert.match(kop, /Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu/i);
      assert.match(await p.locator('#ikm').innerText(), /^IKM /);
      for (const id of ['ringkasan', 'bulan', 'jenis', 'kanal', 'langkah', 'terlambat', 'pengembalian', 'skm']) {
        assert.equal(await p.locator(`section#${id} h2`).count(), 1, `section ${id}`);
      }
      const received = await p.locator('section#ringkasan tr', { hasText: 'Pengaduan diterima' }).locator('td').first().innerText();
      assert.ok(Number(received) >= 1, `this test's complaint is counted: ${received}`);
      await h.checkNoHorizontalOverflow(p, 'laporan 360');
      await h.screenshot(p, 'laporan-360');
    });
    await j.step('the period chooser is a GET form', async (p) => {
      await p.locator('#periode').selectOption(year);
      await p.getByRole('button', { name: 'Tampilkan' }).click();
      await h.waitForPath(p, /^\/staf\/laporan\?periode=/);
      assert.equal(new URL(p.url()).searchParams.get('periode'), year);
      assert.match(await p.locator('h1').innerText(), new RegExp(`Tahun ${year}`));
    });
    await j.step('the XLSX and PDF links download the same report', async (p) => {
      const xlsxHref = await p.getByRole('link', { name: 'XLSX (Excel)' }).getAttribute('href');
      const pdfHref = await p.getByRole('link', { name: 'PDF' }).getAttribute('href');
      const xlsx = await p.request.get(h.url(xlsxHref));
      assert.equal(xlsx.status(), 200);
      const book = await xlsx.body();
      assert.equal(book.subarray(0, 2).toString('latin1'), 'PK', 'a zip');
      const pdf = await p.request.get(h.url(pdfHref));
      assert.equal(pdf.status(), 200);
      const text = (await pdf.body()).toString('latin1');
      assert.ok(text.startsWith('%PDF-'));
      assert.ok(text.includes(`Tahun ${year}`) && text.includes('(IKM'), 'the PDF has a text layer');
    });
  } finally {
    await page.close();
  }

  // axe runs as a script: the same page with scripts on.
  const narrow = await h.newPage(browser(), { width: h.WIDTHS.mobile });
  try {
    await login(narrow, ACCOUNTS.kabid);
    await narrow.goto(h.url('/staf/laporan'));
    await h.checkAxe(narrow, '/staf/laporan 360');
  } finally {
    await narrow.close();
  }

  // Printed on A4 (210 mm less 2 × 15 mm margins: 180 mm, 680 px at 96 dpi).
  const print = await h.newPage(browser(), { js: false, width: h.WIDTHS.desktop });
  try {
    await login(print, ACCOUNTS.kabid);
    await print.goto(h.url('/staf/laporan'));
    await h.screenshot(print, 'laporan-1280');
    await print.emulateMedia({ media: 'print' });
    await print.setViewportSize({ width: 680, height: 960 });
    assert.equal(await print.locator('.site-header').isVisible(), false, 'no console header on paper');
    assert.equal(await print.locator('form.staf-filter').isVisible(), false, 'no form on paper');
    assert.equal(await print.locator('.staf-kop').isVisible(), true, 'the letterhead on paper');
    const wide = await print.evaluate(() => {
      const limit = document.documentElement.clientWidth + 1;
      return [...document.querySelectorAll('.staf-laporan *')]
        .filter((el) => el.getBoundingClientRect().right > limit)
        .map((el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : ''))
        .slice(0, 5);
    });
    assert.deepEqual(wide, [], 'every table fits the printable width of A4');
    await h.screenshot(print, 'laporan-print');
    const pdf = await print.pdf({ format: 'A4', printBackground: false });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.ok(pages >= 1 && pages <= 4, `printed on ${pages} A4 pages`);
  } finally {
    await print.close();
  }

  // The Front Office reports through its heads.
  const fo = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  try {
    await login(fo, ACCOUNTS.fo);
    assert.equal(await fo.locator('a[href="/staf/laporan"]').count(), 0, 'no link');
    const res = await fo.goto(h.url('/staf/laporan'));
    assert.equal(res.status(), 403);
  } finally {
    await fo.close();
  }
});
