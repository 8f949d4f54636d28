'use strict';
// The Survei Kepuasan Masyarakat: a complaint taken to `selesai` with the staff tool invites its
// citizen, on the status page, to the nine questions (JavaScript off); the answers are taken
// once; opened again, the survey says at once that it was answered (no form); a second answer
// is refused; `pengaduan-staf skm` counts the respondent. In English: the English status page
// leads to the English survey, answered in Chromium, thanked in English.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const browser = h.useBrowser();

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
  // Around the server's clock's day, when the survey is answered.
  const dari = h.clockDay(-1);
  const sampai = h.clockDay(1);
  const before = Number((/Jumlah responden: (\d+)/.exec(staff(['skm', '--dari', dari, '--sampai', sampai])) || [])[1]);

  const page = await h.newPage(browser(), { js: false });
  const j = new h.Journey('survei', page);
  try {
    await j.step('the status page invites to the survey', async (p) => {
      await p.goto(h.url(`/api/lacak?nomor=${nomor}&kode=${kode}`));
      assert.equal(await h.readStatus(p), 'Selesai');
      await p.getByRole('button', { name: 'Isi survei kepuasan' }).click();
      await h.waitForPath(p, /^\/api\/survei$/);
      assert.equal(await p.locator('fieldset').count(), 9);
      assert.doesNotMatch(p.url(), /kode/, 'the code stays out of the address (shared phones)');
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
      assert.doesNotMatch(p.url(), /kode/);
    });
    await j.step('the thanks switches to English and goes back to the status page', async (p) => {
      // The same address before and after: wait for the page's language instead.
      await p.locator('.language-switch button[lang="en"]').click();
      await p.waitForFunction(() => document.documentElement.lang === 'en');
      assert.equal(await p.locator('h1').innerText(), 'Thank you for your rating');
      await p.locator('.language-switch button[lang="id"]').click();
      await p.waitForFunction(() => document.documentElement.lang === 'id');
      assert.match(await p.locator('h1').innerText(), /Terima kasih atas penilaian Anda/);
      await p.getByRole('button', { name: 'Kembali ke status pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak$/);
      assert.equal(await h.readStatus(p), 'Selesai');
      assert.doesNotMatch(p.url(), /kode/);
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

test('survey in English: from the English status page to the English thanks', async () => {
  const receipt = await h.submitJson(h.validComplaint({ judul: `Survey ${h.uniq()}` }));
  const { nomor, kode_lacak: kode } = receipt;
  await finish(nomor, kode);
  const page = await h.newPage(browser());
  const j = new h.Journey('survey-en', page);
  try {
    await j.step('the English status page invites to the English survey', async (p) => {
      await p.goto(h.url(`/api/lacak?nomor=${nomor}&kode=${kode}&lang=en`));
      assert.equal(await p.locator('html').getAttribute('lang'), 'en');
      await p.getByRole('button', { name: 'Take the satisfaction survey' }).click();
      await h.waitForPath(p, /^\/api\/survei$/);
      assert.equal(await p.locator('html').getAttribute('lang'), 'en');
      assert.equal(await p.locator('h1').innerText(), 'Public Satisfaction Survey');
      assert.equal(await p.locator('fieldset').count(), 9);
      assert.match(await p.locator('#form-survei').innerText(), /Requirements \(Persyaratan\)/);
      assert.match(await p.locator('footer').innerText(), /Telephone:/);
      await h.screenshot(p, 'survey-en-1280');
    });
    await j.step('a missing answer is named in English, the answers kept', async (p) => {
      for (let i = 1; i <= 8; i++) await p.locator(`label[for="u${i}-3"]`).click();
      await p.getByRole('button', { name: 'Send Survey' }).click();
      await p.waitForLoadState('load');
      const summary = await p.locator('#ringkasan-galat').innerText();
      assert.match(summary, /Choose one answer for question 9 \(Facilities and infrastructure\)/);
      assert.ok(await p.locator('#u1-3').isChecked(), 'answers kept');
      assert.equal(await p.locator('html').getAttribute('lang'), 'en');
    });
    await j.step('answered: thanks in English, and back to the English status page', async (p) => {
      await p.locator('label[for="u9-4"]').click();
      await p.getByRole('button', { name: 'Send Survey' }).click();
      await p.waitForLoadState('load');
      assert.equal(await p.locator('h1').innerText(), 'Thank you for your rating');
      assert.match(await p.locator('main').innerText(), new RegExp(`Your survey answers for complaint ${nomor} have been received`));
      await p.getByRole('button', { name: "Back to the complaint's status" }).click();
      await h.waitForPath(p, /^\/api\/lacak$/);
      assert.doesNotMatch(p.url(), /kode/);
      assert.equal(await p.locator('html').getAttribute('lang'), 'en');
    });
  } finally {
    await page.context().close();
  }
});
