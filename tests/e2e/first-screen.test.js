'use strict';
// Issue 13, part 4: what a phone (360 × 740) shows first. The complaint form's first field is
// on the first screen; the service page opens with its summary (time limit, fee, how to apply,
// channels), then the requirements, then the two procedures folded in <details>, which open
// and close without JavaScript; the header is one short block with the whole menu in one row.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const VIEWPORT = { width: 360, height: 740 };
const SERVICE_PATH = '/layanan/informasi-dan-pengaduan/';

const browser = h.useBrowser();

async function phone(js) {
  const page = await h.newPage(browser(), { js, width: VIEWPORT.width });
  await page.setViewportSize(VIEWPORT);
  return page;
}

/** Top of `selector` in page coordinates (scrolled to the top first). */
async function topOf(page, selector) {
  return page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
}

for (const js of [true, false]) {
  test(`the complaint form's first field is on a phone's first screen (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const page = await phone(js);
    const j = new h.Journey(`first screen: form, js ${js ? 'on' : 'off'}`, page);
    try {
      await j.step('open /pengaduan/ at 360 × 740', async (p) => {
        const res = await p.goto(h.url('/pengaduan/'));
        assert.equal(res.status(), 200);
      });
      await j.step('the first field ("Pengaduan", the first kind) starts within the first 740 px', async (p) => {
        const top = await topOf(p, '#form-pengaduan input:not([type="hidden"])');
        assert.equal(await p.locator('#form-pengaduan input:not([type="hidden"])').first().getAttribute('id'), 'jenis');
        assert.ok(top < VIEWPORT.height, `the first field starts at ${top} px`);
        // Its label too: a field whose label is below the fold is no help.
        const label = await p.locator('label[for="jenis"]').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
        assert.ok(label <= VIEWPORT.height, `its label ends at ${label} px`);
      });
      await j.step('screenshot of the first screen', (p) => h.screenshot(p, `layar-pertama-pengaduan-${js ? 'js' : 'nojs'}-360`, { fullPage: false }));
      await j.step('every explanation is still on the page, after the form', async (p) => {
        const formBottom = await p.locator('#form-pengaduan').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
        for (const id of ['siapa', 'setelah-mengirim', 'data-pribadi']) {
          const top = await topOf(p, `h2#${id}`);
          assert.ok(top > formBottom, `#${id} (at ${top} px) is not after the form (ending at ${formBottom} px)`);
        }
        const text = await p.locator('#penjelasan').innerText();
        assert.match(text, /2 sampai dengan 10 hari kerja/);
        assert.match(text, /Bukti lain dapat diserahkan langsung ke Front Office/);
        // The intro above the form says where they are, and the link goes there.
        await p.locator('main').getByRole('link', { name: 'Penjelasan lengkap ada di bawah formulir' }).click();
        await p.waitForURL(/#penjelasan$/);
      });
    } finally {
      await page.context().close();
    }
  });
}

test('the header is compact on a phone: one row of menu, the full names still read out', async () => {
  const page = await phone(true);
  const j = new h.Journey('first screen: header', page);
  try {
    await j.step('open the home page at 360 × 740', async (p) => {
      await p.goto(h.url('/'));
    });
    await j.step('at most 130 px tall, the menu in one row', async (p) => {
      const header = await p.locator('.site-header').evaluate((el) => el.getBoundingClientRect().height);
      assert.ok(header <= 130, `the header is ${header} px tall`);
      const tops = await p.locator('.site-nav li').evaluateAll((lis) => lis.map((li) => Math.round(li.getBoundingClientRect().top)));
      assert.equal(new Set(tops).size, 1, `menu rows at ${tops.join(', ')}`);
    });
    await j.step('each menu link keeps its full name for screen readers and voice control', async (p) => {
      const nav = p.getByRole('navigation', { name: 'Menu utama' });
      for (const name of ['Beranda', 'Layanan Informasi dan Pengaduan', 'Ajukan Pengaduan', 'Lacak Pengaduan']) {
        assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 1, `no link named "${name}"`);
      }
      // The short text shown is part of that name (WCAG 2.5.3).
      const shown = await nav.locator('a').evaluateAll((as) => as.map((a) => {
        const short = a.querySelector('.site-nav__short');
        const full = a.querySelector('.site-nav__full');
        return [(short || a).innerText.trim(), (full || a).textContent.trim(), full ? full.getBoundingClientRect().width : null];
      }));
      for (const [visible, name, fullWidth] of shown) {
        assert.ok(name.includes(visible), `"${visible}" is not part of "${name}"`);
        if (fullWidth !== null) assert.ok(fullWidth <= 1, `the full title "${name}" takes ${fullWidth} px at 360 px`);
      }
    });
    await j.step('the skip link is still the first Tab stop and shows over the header', async (p) => {
      await p.keyboard.press('Tab');
      const skip = await p.evaluate(() => {
        const a = document.activeElement;
        const r = a.getBoundingClientRect();
        return { skip: a.classList.contains('skip-link'), top: r.top };
      });
      assert.ok(skip.skip && skip.top >= 0, JSON.stringify(skip));
    });
    await j.step('at 1280 px the full names are shown', async (p) => {
      await p.setViewportSize({ width: 1280, height: 900 });
      const texts = await p.locator('.site-nav a').allInnerTexts();
      assert.deepEqual(texts.map((t) => t.trim()), ['Beranda', 'Layanan Informasi dan Pengaduan', 'Ajukan Pengaduan', 'Lacak Pengaduan']);
      assert.equal(await p.locator('.site-nav__short').first().isVisible(), false, 'the short titles are hidden at 1280 px');
      assert.match(await p.locator('.site-name').innerText(), /Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu/);
    });
  } finally {
    await page.context().close();
  }
});

for (const js of [true, false]) {
  test(`the service page opens with its summary; the procedures fold and unfold (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const page = await phone(js);
    const j = new h.Journey(`first screen: service page, js ${js ? 'on' : 'off'}`, page);
    try {
      await j.step('open the service page at 360 × 740', async (p) => {
        const res = await p.goto(h.url(SERVICE_PATH));
        assert.equal(res.status(), 200);
      });
      await j.step('summary, then requirements, then procedures, then the rest', async (p) => {
        const order = [];
        for (const id of ['jangka-waktu', 'biaya', 'cara-mengajukan', 'saluran-ringkas', 'persyaratan', 'prosedur', 'saluran', 'produk', 'penanganan-pengaduan', 'lapor']) {
          order.push([id, await topOf(p, `#${id}`)]);
        }
        const sorted = [...order].sort((a, b) => a[1] - b[1]).map(([id]) => id);
        assert.deepEqual(sorted, order.map(([id]) => id), `headings in page order: ${JSON.stringify(order)}`);
      });
      await j.step('the summary tells the time limit, the fee, how to apply and the channels from the page data', async (p) => {
        const facts = p.locator('.sp-facts');
        const text = await facts.innerText();
        assert.match(text, /2 s\/d 10 hari kerja/);
        assert.match(text, /setelah berkas persyaratan dinyatakan lengkap/);
        assert.match(text, /Tidak dipungut biaya/);
        assert.match(text, /Datang langsung, Surat, Email, SMS, Telepon, Kotak pengaduan, Formulir pengaduan daring, LAPOR!, SP4N-LAPOR!$/m);
        assert.equal(await facts.locator('a[href="/pengaduan/"]', { hasText: 'Formulir pengaduan daring' }).count(), 1);
        // The time limit is on the first screen.
        const bottom = await p.locator('#jangka-waktu + .sp-value').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
        assert.ok(bottom <= VIEWPORT.height, `the time limit ends at ${bottom} px`);
      });
      await j.step('both procedures are folded at first; their steps are hidden', async (p) => {
        const details = p.locator('section:has(> h2#prosedur) details.procedure');
        assert.equal(await details.count(), 2);
        for (let i = 0; i < 2; i += 1) {
          assert.equal(await details.nth(i).evaluate((d) => d.open), false, `procedure ${i + 1} is open`);
          assert.equal(await details.nth(i).locator('ol.steps').isVisible(), false);
        }
        const toggles = await details.locator('summary').allInnerTexts();
        assert.match(toggles[0], /^11 langkah/);
        assert.match(toggles[1], /^8 langkah/);
      });
      await j.step('a click on "11 langkah" opens the first, a second click closes it', async (p) => {
        const first = p.locator('details.procedure').first();
        await first.locator('summary').click();
        assert.equal(await first.evaluate((d) => d.open), true);
        assert.equal(await first.locator('ol.steps > li').first().isVisible(), true);
        assert.match(await first.locator('ol.steps').innerText(), /Menyerahkan Formulir Pengaduan/);
        await first.locator('summary').click();
        assert.equal(await first.evaluate((d) => d.open), false);
        assert.equal(await first.locator('ol.steps').isVisible(), false);
      });
      await j.step('by keyboard: Enter on the second summary opens it', async (p) => {
        const second = p.locator('details.procedure').nth(1);
        await second.locator('summary').focus();
        await p.keyboard.press('Enter');
        assert.equal(await second.evaluate((d) => d.open), true);
        assert.equal(await second.locator('ol.steps > li').count(), 8);
      });
      await j.step('the steps show the public status by its one name (core\'s label)', async (p) => {
        const tags = await p.locator('details.procedure').nth(1).locator('.step__status .tag').allInnerTexts();
        assert.deepEqual([...new Set(tags)], ['Diterima', 'Sedang diproses', 'Selesai']);
      });
      await j.step('screenshot of the first screen', (p) => h.screenshot(p, `layar-pertama-layanan-${js ? 'js' : 'nojs'}-360`, { fullPage: false }));
    } finally {
      await page.context().close();
    }
  });
}

test('the tracking page names the statuses as the status page does', async () => {
  const page = await phone(true);
  const j = new h.Journey('first screen: status names', page);
  try {
    await j.step('the table "Arti status pengaduan" on /lacak/ uses the five labels', async (p) => {
      await p.goto(h.url('/lacak/'));
      const names = await p.locator('h2#arti-status + table tbody tr td:first-child').allInnerTexts();
      assert.deepEqual(names, ['Diterima', 'Perlu dilengkapi', 'Berkas lengkap, diverifikasi', 'Sedang diproses', 'Selesai']);
    });
    await j.step('a new complaint\'s status page names its stages the same way and says the next step plainly', async (p) => {
      const t = h.uniq();
      const r = await h.submitJson({
        jenis: 'informasi',
        nama: 'Rudi Hartono',
        telepon: '081355556666',
        judul: `Permintaan informasi syarat izin ${t}`,
        isi: `Mohon informasi syarat izin usaha mikro untuk warung makan (uji ${t}).`,
        pernyataan_kebenaran: true,
        persetujuan_data: true,
      });
      await p.goto(h.url(`/api/lacak?nomor=${r.nomor}&kode=${r.kode_lacak}`));
      // "Perlu dilengkapi" is listed only once a complaint has been there.
      const stages = await p.locator('.stage__label').allInnerTexts();
      assert.deepEqual(stages, ['Diterima', 'Berkas lengkap, diverifikasi', 'Sedang diproses', 'Selesai']);
      const next = await p.locator('h2#langkah-berikutnya + p').innerText();
      assert.match(next, /Petugas kami/);
      assert.doesNotMatch(next, /JFT|Front Office|Buku Register/);
    });
  } finally {
    await page.context().close();
  }
});
