'use strict';
// Journeys 2 and 3 (issue 5): a citizen fills the complaint form, gets a register number and
// a tracking code, then tracks the complaint and sees "Diterima". With JavaScript on and off.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const browser = h.useBrowser();

async function citizenJourney(name, js) {
  const page = await h.newPage(browser(), { js });
  const j = new h.Journey(name, page);
  const values = h.validComplaint({ telepon: '0812 3456 7890', layanan: 'Perizinan Berusaha' });
  let nomor;
  let kode;
  try {
    await j.step('home page: click "Ajukan pengaduan"', async (p) => {
      await p.goto(h.url('/'));
      await p.locator('main').getByRole('link', { name: 'Ajukan pengaduan', exact: true }).first().click();
      await p.waitForURL(h.url('/pengaduan/'));
      await assert.doesNotReject(p.locator('#form-pengaduan').waitFor());
    });

    await j.step('JavaScript state is as intended', async (p) => {
      // site.js fills the idempotency key only when scripts run.
      const key = await p.locator('#idempotency_key').inputValue();
      if (js) assert.match(key, /^[0-9a-f]{32}$/, `idempotency key not set by site.js: "${key}"`);
      else assert.equal(key, '', 'idempotency key is set although JavaScript is off');
    });

    await j.step('fill in the form', async (p) => {
      await h.fillComplaint(p, values);
      assert.equal(await p.locator('#nama').inputValue(), values.nama);
      assert.ok(await p.locator('#pernyataan_kebenaran').isChecked());
    });

    await j.step('submit and land on the confirmation page', async (p) => {
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      assert.match(await p.locator('h1').innerText(), /Pengaduan Anda telah diterima/);
    });

    await j.step('the confirmation shows a register number and a tracking code', async (p) => {
      ({ nomor, kode } = await h.readConfirmation(p));
      assert.match(nomor || '', /^PGD-\d{4}-\d{5}$/, 'register number');
      assert.match(kode || '', /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/, 'tracking code');
      assert.equal(await h.readStatus(p), 'Diterima');
      // No personal data on the status page.
      const body = await p.locator('body').innerText();
      assert.ok(!body.includes(values.nama), 'the confirmation page shows the name');
      assert.ok(!body.includes(values.email), 'the confirmation page shows the email address');
    });

    await j.step('go to "Lacak Pengaduan" from the menu', async (p) => {
      await p.locator('.site-nav').getByRole('link', { name: 'Lacak Pengaduan' }).click();
      await p.waitForURL(h.url('/lacak/'));
      await assert.doesNotReject(p.locator('#form-lacak').waitFor());
    });

    await j.step('type the number and the code, press "Lacak"', async (p) => {
      await p.locator('#nomor').click();
      await p.keyboard.type(nomor);
      await p.locator('#kode').click();
      await p.keyboard.type(kode);
      await h.postLookup(p, () => p.getByRole('button', { name: 'Lacak', exact: true }).click());
    });

    await j.step('the status page shows "Diterima" for that number', async (p) => {
      assert.equal(await h.readStatus(p), 'Diterima');
      const shown = await h.readConfirmation(p);
      assert.equal(shown.nomor, nomor, 'status page shows another number');
    });

    await j.step('GET /api/lacak (JSON) agrees', async () => {
      const r = await h.lacakJson(nomor, kode.toLowerCase().replace(/-/g, ''));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.nomor, nomor);
      assert.equal(r.json.status, 'diterima');
    });
  } finally {
    await page.context().close();
  }
}

test('journey 2: citizen with JavaScript on submits a complaint and tracks it', async () => {
  await citizenJourney('2 citizen, JavaScript on', true);
});

test('journey 3: citizen with JavaScript off submits a complaint and tracks it', async () => {
  await citizenJourney('3 citizen, JavaScript off', false);
});
