'use strict';
// The public statistics (issue 24): a complaint finished with the staff tool, `pengaduan-staf
// statistik` run at once, then /statistik/ at 360 px with JavaScript off (axe, no horizontal
// overflow; axe with scripts on), each chart an SVG with role="img" and a text alternative followed by its table),
// its English translation, one A4 page in print, and /statistik/data.json against the contract.
// The server's store holds other tests' complaints too, so the figures are checked by their
// structure, their types and their sums, not by exact counts.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const browser = h.useBrowser();

/** Every chart: role, a non-empty accessible name and description, and a table right after. */
async function checkCharts(page, label) {
  const charts = await page.locator('svg[role="img"]').evaluateAll((svgs) =>
    svgs.map((svg) => {
      const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
      const text = ids.map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
      const figure = svg.closest('figure');
      const next = figure && figure.nextElementSibling;
      return {
        text,
        table: !!(next && next.querySelector('table')),
        width: svg.getBoundingClientRect().width,
      };
    }),
  );
  assert.equal(charts.length, 5, `${label}: five charts`);
  for (const c of charts) {
    assert.ok(c.text.length > 40, `${label}: a chart's text alternative says what it shows: ${c.text}`);
    assert.ok(c.table, `${label}: every chart is followed by its data table`);
    assert.ok(c.width > 200, `${label}: a chart is drawn wide enough to read (${c.width}px)`);
  }
}

test('statistik: the page, its translation, print and the open data', async () => {
  // A complaint of this test, taken to selesai, so there is at least one of each.
  const receipt = await h.submitJson(h.validComplaint({ judul: `Statistik ${h.uniq()}` }));
  await h.finishComplaint(receipt.nomor, receipt.kode_lacak);
  const said = h.staff(['statistik']);
  assert.match(said, /Statistik diperbarui/);

  const res = await fetch(h.url('/statistik/data.json'));
  assert.equal(res.status, 200);
  const data = await res.json();
  {
    // data.json follows the contract.
    assert.match(data.diperbarui, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$/);
    assert.ok(Number.isInteger(data.terbuka) && data.terbuka >= 0);
    assert.equal(data.bulan.length, 12);
    const months = data.bulan.map((m) => m.bulan);
    assert.deepEqual([...months].sort(), months, 'oldest first');
    for (const m of data.bulan) {
      assert.match(m.bulan, /^\d{4}-(0[1-9]|1[0-2])$/);
      for (const k of ['diterima', 'selesai', 'selesai_tepat_waktu']) assert.ok(Number.isInteger(m[k]) && m[k] >= 0, k);
      assert.ok(m.selesai_tepat_waktu <= m.selesai);
      if (m.selesai === 0) assert.equal(m.median_hari_kerja, null);
      else assert.equal(typeof m.median_hari_kerja, 'number');
    }
    const received = data.bulan.reduce((a, m) => a + m.diterima, 0);
    const finished = data.bulan.reduce((a, m) => a + m.selesai, 0);
    assert.ok(received >= 1 && finished >= 1, 'this test\'s complaint is counted');
    // The breakdowns: a number of at least 3, or "< 3".
    for (const part of ['jenis', 'kanal']) {
      for (const b of data[part]) {
        for (const k of ['diterima', 'selesai', 'selesai_tepat_waktu']) {
          assert.ok(b[k] === '< 3' || (Number.isInteger(b[k]) && b[k] >= 3), `${part}.${b.kode}.${k}: ${b[k]}`);
        }
      }
    }
    assert.equal(data.ikm.length, 4);
    // No register number, title or name anywhere.
    const text = JSON.stringify(data);
    assert.doesNotMatch(text, h.NOMOR_RE);
    assert.ok(!text.includes('Statistik '), 'no title');
  }
  const csv = await fetch(h.url('/statistik/data.csv'));
  assert.equal(csv.status, 200);
  assert.match(await csv.text(), /^bagian,kode,label,diterima,selesai,selesai_tepat_waktu/);

  const page = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  const j = new h.Journey('statistik', page);
  try {
    await j.step('the home page links to it', async (p) => {
      await p.goto(h.url('/'));
      await p.getByRole('link', { name: 'Kinerja layanan pengaduan' }).first().click();
      await h.waitForPath(p, /^\/statistik\/$/);
    });
    await j.step('at 360 px without JavaScript: charts, tables, axe, no overflow', async (p) => {
      await p.goto(h.url('/statistik/'));
      assert.equal(await p.locator('h1').innerText(), 'Kinerja Layanan Pengaduan');
      await checkCharts(p, 'id 360');
      await h.checkNoHorizontalOverflow(p, 'statistik 360');
      await h.screenshot(p, 'statistik-360');
      await h.screenshot(p, 'statistik-360-atas', { fullPage: false });
      for (const id of ['bulanan', 'menurut-kanal', 'ikm']) {
        await p.locator(`section[aria-labelledby="${id}"]`).screenshot({ path: `${h.SCREENSHOTS}/statistik-360-${id}.png` });
      }
    });
    await j.step('the service page links to it', async (p) => {
      await p.goto(h.url('/layanan/informasi-dan-pengaduan/'));
      assert.equal(await p.locator('a[href="/statistik/"]').count() >= 1, true);
    });
    await j.step('the English page is its translation', async (p) => {
      await p.goto(h.url('/statistik/'));
      await p.locator('.language-switch a[hreflang="en"]').click();
      await h.waitForPath(p, /^\/en\/statistics\/$/);
      assert.equal(await p.locator('h1').innerText(), 'Complaint Service Performance');
      await checkCharts(p, 'en 360');
      await h.checkNoHorizontalOverflow(p, 'statistics 360');
      await h.screenshot(p, 'statistics-en-360');
    });
  } finally {
    await page.close();
  }

  // axe runs as a script, so it checks the same pages with scripts on (the page has none of
  // its own beyond the site's).
  const narrow = await h.newPage(browser(), { width: h.WIDTHS.mobile });
  try {
    for (const path of ['/statistik/', '/en/statistics/']) {
      await narrow.goto(h.url(path));
      await h.checkAxe(narrow, `${path} 360`);
    }
  } finally {
    await narrow.close();
  }

  const wide = await h.newPage(browser(), { js: false, width: h.WIDTHS.desktop });
  try {
    await wide.goto(h.url('/statistik/'));
    await h.screenshot(wide, 'statistik-1280');
    // Printed: one A4 page.
    await wide.emulateMedia({ media: 'print' });
    await h.screenshot(wide, 'statistik-print');
    const pdf = await wide.pdf({ format: 'A4', printBackground: false });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.equal(pages, 1, `printed on ${pages} A4 pages`);
  } finally {
    await wide.close();
  }
});
