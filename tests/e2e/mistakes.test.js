'use strict';
// Journey 4 (issue 5): mistakes. Invalid input shows the error summary ("Ada masalah"),
// focused when JavaScript runs, linking to each field, with the typed values kept; after
// fixing, the complaint goes through. Pressing submit twice stores one complaint.
//
// The double-submission checks compare register numbers with complaints sent just before
// and just after through the JSON API, so this file expects no other test to submit at the
// same time: run.sh runs the test files one after another (--test-concurrency=1).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const browser = h.useBrowser();

const BAD_FIELDS = ['email', 'judul', 'isi', 'pernyataan_kebenaran'];

function mistakes() {
  const t = h.uniq();
  return {
    jenis: 'informasi',
    nama: `Budi Santoso ${t}`,
    email: 'budi-at-contoh',
    telepon: '081298765432',
    judul: '',
    isi: 'Terlalu pendek.',
    lokasi: 'Kantor kecamatan',
    persetujuan_data: true,
    pernyataan_kebenaran: false,
  };
}

/** Clicks Kirim Pengaduan and returns the POST's response. */
async function submit(p) {
  const post = p.waitForResponse((r) => r.url().endsWith('/api/pengaduan') && r.request().method() === 'POST');
  await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
  const res = await post;
  await p.waitForLoadState('load');
  return res;
}

async function mistakesJourney(name, js) {
  const page = await h.newPage(browser(), { js });
  const j = new h.Journey(name, page);
  const typed = mistakes();
  try {
    await j.step('open the form and fill it with mistakes', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, typed);
    });

    await j.step('submit: 422 with the error summary "Ada masalah"', async (p) => {
      const res = await submit(p);
      assert.equal(res.status(), 422, `POST answered ${res.status()}`);
      const summary = p.locator('#ringkasan-galat');
      await assert.doesNotReject(summary.waitFor({ state: 'visible' }));
      assert.match(await summary.innerText(), /Ada masalah/);
      assert.match(await p.title(), /^Kesalahan:/, 'the page title does not start with "Kesalahan:"');
      const hidden = await p.locator('.error-message .visually-hidden').allInnerTexts();
      assert.ok(hidden.length > 0 && hidden.every((t) => t === 'Kesalahan:'), `inline messages start with: ${hidden.join(', ')}`);
    });

    if (js) {
      await j.step('the error summary has the focus', async (p) => {
        await p.waitForFunction(() => document.activeElement && document.activeElement.id === 'ringkasan-galat', null, { timeout: 5000 })
          .catch(async () => {
            const active = await p.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName));
            assert.fail(`focus is on "${active}", not on #ringkasan-galat`);
          });
      });
    }

    await j.step('the summary links to each wrong field, in form order', async (p) => {
      const hrefs = await p.locator('#ringkasan-galat a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(hrefs, BAD_FIELDS.map((f) => `#${f}`));
      for (const f of BAD_FIELDS) {
        assert.equal(await p.locator(`#${f}`).getAttribute('aria-invalid'), 'true', `#${f} is not aria-invalid`);
        await assert.doesNotReject(p.locator(`#${f}-error`).waitFor({ state: 'visible' }), `no inline message #${f}-error`);
      }
    });

    for (const f of BAD_FIELDS) {
      await j.step(`clicking the summary link to #${f} moves to the field`, async (p) => {
        await p.evaluate(() => window.scrollTo(0, 0));
        await p.locator(`#ringkasan-galat a[href="#${f}"]`).click();
        if (js) {
          await p.waitForFunction((id) => document.activeElement && document.activeElement.id === id, f, { timeout: 5000 })
            .catch(async () => {
              const active = await p.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName));
              assert.fail(`focus is on "${active}", not on #${f}`);
            });
        } else {
          await p.waitForURL(new RegExp(`#${f}$`));
        }
        const inView = await p.locator(`#${f}`).evaluate((el) => {
          const r = el.getBoundingClientRect();
          return r.bottom > 0 && r.top < window.innerHeight;
        });
        assert.ok(inView, `#${f} is not in the viewport after following its link`);
      });
    }

    await j.step('every typed value is kept', async (p) => {
      for (const f of ['nama', 'email', 'telepon', 'judul', 'isi', 'lokasi']) {
        assert.equal(await p.locator(`#${f}`).inputValue(), typed[f], `value of ${f} not kept`);
      }
      assert.ok(await p.locator('input[name="jenis"][value="informasi"]').isChecked(), 'jenis not kept');
      assert.ok(await p.locator('#persetujuan_data').isChecked(), 'persetujuan_data not kept');
      assert.ok(!(await p.locator('#pernyataan_kebenaran').isChecked()), 'pernyataan_kebenaran got checked');
    });

    await j.step('fix the mistakes and submit: the complaint goes through', async (p) => {
      const t = h.uniq();
      await h.fillComplaint(p, {
        email: `budi.${t}@contoh.id`,
        judul: `Informasi syarat izin usaha mikro ${t}`,
        isi: `Mohon informasi persyaratan izin usaha mikro untuk warung makan saya (uji ${t}).`,
        pernyataan_kebenaran: true,
      });
      const res = await submit(p);
      assert.equal(res.status(), 303, `POST answered ${res.status()}`);
      await h.waitForPath(p, /^\/api\/lacak\?/);
      const { nomor, kode } = await h.readConfirmation(p);
      assert.match(nomor || '', h.NOMOR_RE);
      assert.match(kode || '', h.KODE_RE);
      assert.equal(await p.locator('#ringkasan-galat').count(), 0);
    });
  } finally {
    await page.context().close();
  }
}

test('journey 4a: mistakes with JavaScript on', async () => {
  await mistakesJourney('4a mistakes, JavaScript on', true);
});

test('journey 4b: mistakes with JavaScript off', async () => {
  await mistakesJourney('4b mistakes, JavaScript off', false);
});

/** Records every POST /api/pengaduan the page sends and what came back. */
function recordPosts(page) {
  const log = { requests: 0, responses: [], failed: [], settled: 0 };
  const isPost = (r) => r.method() === 'POST' && r.url().endsWith('/api/pengaduan');
  page.on('request', (r) => {
    if (isPost(r)) log.requests += 1;
  });
  page.on('requestfinished', (r) => {
    if (isPost(r)) log.settled += 1;
  });
  page.on('response', (r) => {
    if (r.request().method() === 'POST' && r.url().endsWith('/api/pengaduan')) {
      log.responses.push({ status: r.status(), location: r.headers().location || '' });
    }
  });
  page.on('requestfailed', (r) => {
    if (isPost(r)) {
      log.failed.push(r.failure() && r.failure().errorText);
      log.settled += 1;
    }
  });
  return log;
}

/** Resolves once `done()` holds, checking every 25 ms; fails after `ms` with `what`. */
async function until(done, what, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The number the next complaint gets: one complaint through the JSON API. */
async function probe() {
  const t = h.uniq();
  const r = await h.submitJson({
    jenis: 'aspirasi',
    anonim: true,
    judul: `Probe nomor berikutnya ${t}`,
    isi: `Pengaduan uji untuk memeriksa urutan nomor register (${t}).`,
    pernyataan_kebenaran: true,
    persetujuan_data: true,
  });
  assert.match(r.nomor, /^PGD-\d{4}-\d{5}$/);
  return r.nomor;
}

/**
 * Submits one valid form twice and checks that one complaint was stored.
 * mode 'dblclick': a double click on "Kirim Pengaduan".
 * mode 'pending': a click, then a second click while the first answer is still on its way
 * (the answer to each POST is held back 800 ms, so that the browser really can send twice).
 */
async function doubleSubmitJourney(name, { js, mode }) {
  const page = await h.newPage(browser(), { js });
  const j = new h.Journey(name, page);
  const log = recordPosts(page);
  const answers = [];
  let before;
  let shown;
  try {
    await j.step('note the current register number (a complaint through the JSON API)', async () => {
      before = await probe();
    });

    await j.step('fill in a valid form', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, h.validComplaint());
    });

    if (mode === 'pending') {
      await j.step('hold back the answers to POST /api/pengaduan', async (p) => {
        await p.route('**/api/pengaduan', async (route) => {
          if (route.request().method() !== 'POST') return route.continue();
          const res = await route.fetch({ maxRedirects: 0 });
          answers.push({ status: res.status(), location: res.headers().location || '' });
          await new Promise((r) => setTimeout(r, 800));
          // The browser may have given up on this request when the second one started.
          await route.fulfill({ response: res }).catch(() => {});
        });
      });
    }

    await j.step(mode === 'dblclick' ? 'double-click "Kirim Pengaduan"' : 'click "Kirim Pengaduan", and again while waiting', async (p) => {
      const button = p.getByRole('button', { name: 'Kirim Pengaduan' });
      if (mode === 'dblclick') {
        await button.dblclick();
      } else {
        await button.scrollIntoViewIfNeeded();
        const box = await button.boundingBox();
        const x = box.x + box.width / 2;
        const y = box.y + box.height / 2;
        const first = p.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/pengaduan'));
        await p.mouse.click(x, y);
        await first;
        // As an impatient person would, on the same spot (a disabled button ignores it). Raw
        // mouse input: Playwright's locator actions would wait for the pending navigation.
        await p.mouse.click(x, y);
      }
      await h.waitForPath(p, /^\/api\/lacak\?/);
      // Every POST sent has ended (answered, or given up by the browser), and with answers held
      // back, the server has answered each one: only then is the register's count final.
      await until(() => log.requests > 0 && log.settled >= log.requests, 'every POST to end');
      if (mode === 'pending') await until(() => answers.length >= log.requests, 'the server to answer every POST');
      await p.waitForLoadState('load');
      shown = await h.readConfirmation(p);
      assert.match(shown.nomor || '', h.NOMOR_RE);
    });

    await j.step('every answer names the same complaint', async () => {
      assert.ok(log.requests >= 1, 'no POST was sent');
      const all = [...log.responses, ...answers];
      for (const r of all) assert.equal(r.status, 303, `a POST answered ${r.status}`);
      const locations = new Set(all.map((r) => r.location));
      assert.ok(locations.size <= 1, `the posts were answered with different complaints: ${[...locations].join(' , ')}`);
      for (const loc of locations) {
        assert.ok(loc.includes(shown.nomor), `answer ${loc} is not ${shown.nomor}`);
      }
      if (js) {
        assert.equal(log.requests, 1, `site.js should block the second submission; ${log.requests} POSTs were sent`);
      } else if (mode === 'pending') {
        assert.equal(answers.length, 2, `without JavaScript the browser should send the form twice; the server answered ${answers.length} POST(s)`);
      }
    });

    await j.step('exactly one complaint was stored: numbers before and after are consecutive', async () => {
      assert.ok(h.followsNomor(before, shown.nomor), `the double submission got ${shown.nomor}, expected ${h.nextNomor(before)}`);
      const afterNomor = await probe();
      assert.ok(h.followsNomor(shown.nomor, afterNomor), `the next complaint got ${afterNomor}: a second complaint was stored`);
    });
  } finally {
    await page.context().close();
  }
  return { ...log, answered: answers.length };
}

test('journey 4c: double-clicking submit with JavaScript on stores one complaint', async () => {
  await doubleSubmitJourney('4c double click, JavaScript on', { js: true, mode: 'dblclick' });
});

test('journey 4d: double-clicking submit with JavaScript off stores one complaint', async (t) => {
  const log = await doubleSubmitJourney('4d double click, JavaScript off', { js: false, mode: 'dblclick' });
  t.diagnostic(`POSTs sent by the browser: ${log.requests}, aborted: ${log.failed.length}`);
});

test('journey 4f: a second click while the first is on its way, JavaScript on: one POST', async () => {
  await doubleSubmitJourney('4f second click while waiting, JavaScript on', { js: true, mode: 'pending' });
});

test('journey 4g: a second click while the first is on its way, JavaScript off: two POSTs, one complaint', async (t) => {
  const log = await doubleSubmitJourney('4g second click while waiting, JavaScript off', { js: false, mode: 'pending' });
  t.diagnostic(`POSTs sent by the browser: ${log.requests}, answered by the server: ${log.answered}`);
});

test('journey 4e: the same form sent twice with JavaScript off replays the first answer', async () => {
  const page = await h.newPage(browser(), { js: false });
  const j = new h.Journey('4e same form twice, JavaScript off', page);
  const values = h.validComplaint();
  let before;
  let first;
  try {
    await j.step('note the current register number', async () => {
      before = await probe();
    });

    await j.step('first submission', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, values);
      await submit(p);
      await h.waitForPath(p, /^\/api\/lacak\?/);
      first = await h.readConfirmation(p);
      assert.ok(h.followsNomor(before, first.nomor), `got ${first.nomor}, expected ${h.nextNomor(before)}`);
    });

    await j.step('the same form again (back, submit once more)', async (p) => {
      await p.goBack();
      await p.waitForURL(h.url('/pengaduan/'));
      // Whatever the browser restored, send exactly the same values again.
      await h.fillComplaint(p, values);
      const res = await submit(p);
      assert.equal(res.status(), 303, `second POST answered ${res.status()}`);
      await h.waitForPath(p, /^\/api\/lacak\?/);
    });

    await j.step('the second answer is the first one: same number and code', async (p) => {
      const second = await h.readConfirmation(p);
      assert.equal(second.nomor, first.nomor);
      assert.equal(second.kode, first.kode);
    });

    await j.step('GET /api/lacak (JSON) finds it, and the next number follows it', async () => {
      const r = await h.lacakJson(first.nomor, first.kode);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.nomor, first.nomor);
      const afterNomor = await probe();
      assert.ok(h.followsNomor(first.nomor, afterNomor), `the next complaint got ${afterNomor}: a second complaint was stored`);
    });
  } finally {
    await page.context().close();
  }
});
