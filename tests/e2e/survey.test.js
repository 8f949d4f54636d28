'use strict';
// The Survei Kepuasan Masyarakat: a complaint taken to `selesai` with the staff tool invites its
// citizen, on the status page, to the nine questions (JavaScript off); the answers are taken
// once; opened again, the survey says at once that it was answered (no form); a second answer
// is refused; `pengaduan-staf skm` counts the respondent.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
});

const staff = h.staff;
const finish = h.finishComplaint;

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
    await j.step('opened again: already answered, no form', async (p) => {
      const res = await p.goto(h.url(`/api/survei?nomor=${nomor}&kode=${kode}`));
      assert.equal(res.status(), 200);
      assert.equal(await p.locator('h1').innerText(), 'Survei sudah diisi');
      assert.match(await p.locator('main').innerText(), /terima kasih atas penilaian Anda/);
      assert.equal(await p.locator('#form-survei').count(), 0, 'no form that the POST would refuse');
      assert.equal(await p.locator('input[type="radio"]').count(), 0);
    });
    await j.step('a second answer is refused', async () => {
      // As a form kept open from before the first answer would send it: refused, nothing stored.
      const body = new URLSearchParams({ nomor, kode });
      for (let i = 1; i <= 9; i++) body.set(`u${i}`, '1');
      const res = await fetch(h.url('/api/survei'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: body.toString(),
      });
      assert.equal(res.status, 409);
      assert.match(await res.text(), /sudah diisi/);
      assert.equal(await h.answerSurveyJson(nomor, kode, 1), 409);
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
