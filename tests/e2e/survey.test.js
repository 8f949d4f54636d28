'use strict';
// The Survei Kepuasan Masyarakat: a complaint taken to `selesai` with the staff tool invites its
// citizen, on the status page, to the nine questions (JavaScript off); the answers are taken
// once and a second answer is refused; `pengaduan-staf skm` counts the respondent.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const h = require('./lib/harness');

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
});

/** Runs the staff tool at the current time (the complaint was received now); its output. */
function staff(args) {
  assert.ok(process.env.E2E_STAFF, 'E2E_STAFF (the staff tool) is not set: run tests/e2e/run.sh');
  return execFileSync(process.env.E2E_STAFF, ['--store', process.env.E2E_STORE, '--root', process.env.E2E_ROOT, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PENGADUAN_STAF_WAKTU: new Date().toISOString() },
  });
}

/** Files complete, then every step of the procedure until the complaint is `selesai`. */
async function finish(nomor, kode) {
  staff(['lengkap', nomor, '--prosedur', 'penyelesaian', '--catatan', 'Berkas lengkap.']);
  for (let i = 0; i < 20; i++) {
    const { json } = await h.lacakJson(nomor, kode);
    if (json && json.status === 'selesai') return;
    staff(['lanjut', nomor, '--catatan', 'Langkah dikerjakan.']);
  }
  assert.fail(`${nomor} did not reach selesai`);
}

/** Chooses answer `value` (1..4) for each of the nine questions, by clicking its label. */
async function answerAll(page, value) {
  for (let i = 1; i <= 9; i++) {
    await page.locator(`label[for="u${i}-${value}"]`).click();
  }
}

test('survey: a finished complaint is rated once, without JavaScript', async () => {
  const receipt = await h.submitJson(h.validComplaint({ judul: `Survei ${h.uniq()}` }));
  const { nomor, kode_lacak: kode } = receipt;
  await finish(nomor, kode);
  const dari = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const sampai = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const before = Number((/Jumlah responden: (\d+)/.exec(staff(['skm', '--dari', dari, '--sampai', sampai])) || [])[1]);

  const page = await h.newPage(browser, { js: false });
  const j = new h.Journey('survei', page);
  try {
    await j.step('the status page invites to the survey', async (p) => {
      await p.goto(h.url(`/api/lacak?nomor=${nomor}&kode=${kode}`));
      assert.equal(await h.readStatus(p), 'Selesai');
      await p.getByRole('link', { name: 'Isi survei kepuasan' }).click();
      await h.waitForPath(p, /^\/api\/survei\?/);
      assert.equal(await p.locator('fieldset').count(), 9);
      await h.screenshot(p, 'survei-1280');
    });
    await j.step('a missing answer shows the form again with the error', async (p) => {
      for (let i = 1; i <= 8; i++) await p.locator(`label[for="u${i}-4"]`).click();
      await p.getByRole('button', { name: 'Kirim Survei' }).click();
      await p.waitForLoadState('load');
      const summary = await p.locator('#ringkasan-galat').innerText();
      assert.match(summary, /pertanyaan 9 \(Sarana dan prasarana\)/);
      assert.ok(await p.locator('#u1-4').isChecked(), 'answers kept');
    });
    await j.step('answered: thanks', async (p) => {
      await p.locator('label[for="u9-3"]').click();
      await p.getByRole('button', { name: 'Kirim Survei' }).click();
      await p.waitForLoadState('load');
      assert.match(await p.locator('h1').innerText(), /Terima kasih atas penilaian Anda/);
    });
    await j.step('a second answer is refused', async (p) => {
      await p.goto(h.url(`/api/survei?nomor=${nomor}&kode=${kode}`));
      await answerAll(p, 1);
      const [response] = await Promise.all([
        p.waitForResponse((r) => r.url().endsWith('/api/survei') && r.request().method() === 'POST'),
        p.getByRole('button', { name: 'Kirim Survei' }).click(),
      ]);
      assert.equal(response.status(), 409);
      await p.waitForLoadState('load');
      assert.match(await p.locator('main').innerText(), /sudah diisi/);
    });
    await j.step('the staff tool counts one more respondent', async () => {
      const out = staff(['skm', '--dari', dari, '--sampai', sampai]);
      const after = Number((/Jumlah responden: (\d+)/.exec(out) || [])[1]);
      assert.equal(after, before + 1, out);
    });
  } finally {
    await page.context().close();
  }
});
