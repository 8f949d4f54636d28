'use strict';
// Journey 1 (issue 5): a reader goes from the home page to the service page by clicking,
// and finds the Standar Pelayanan facts: time limit, fee, both procedures, LAPOR!.
// (The page's order, the folded procedures and the phone's first screen: first-screen.test.js.)

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const browser = h.useBrowser();

const SERVICE_PATH = '/layanan/informasi-dan-pengaduan/';

test('journey 1: reader finds the service standard from the home page', async () => {
  const page = await h.newPage(browser(), { js: true });
  const j = new h.Journey('1 reader: home to service page', page);
  try {
    await j.step('open the home page', async (p) => {
      const res = await p.goto(h.url('/'));
      assert.equal(res.status(), 200);
      await assert.doesNotReject(p.locator('h1').first().waitFor());
    });

    await j.step('click "Baca standar pelayanan" and land on the service page', async (p) => {
      await p.locator('main').getByRole('link', { name: 'Baca standar pelayanan' }).click();
      await p.waitForURL(h.url(SERVICE_PATH));
      assert.equal(new URL(p.url()).pathname, SERVICE_PATH);
      assert.match(await p.locator('h1').innerText(), /Layanan Informasi dan Pengaduan/);
    });

    await j.step('time limit "2 s/d 10 hari kerja" is shown under Jangka waktu', async (p) => {
      const section = p.locator('section', { has: p.locator('h2#jangka-waktu') });
      await assert.doesNotReject(section.waitFor());
      assert.match(await section.innerText(), /2 s\/d 10 hari kerja/);
    });

    await j.step('fee "Tidak dipungut biaya" is shown under Biaya', async (p) => {
      const section = p.locator('section', { has: p.locator('h2#biaya') });
      assert.match(await section.innerText(), /Tidak dipungut biaya/);
    });

    await j.step('the table of contents link "Sistem, mekanisme, dan prosedur" moves to that section', async (p) => {
      // Jangka waktu and Biaya open the page (issue 13): the contents list what comes after them.
      await p.locator('nav.toc').getByRole('link', { name: 'Sistem, mekanisme, dan prosedur', exact: true }).click();
      await p.waitForURL(/#prosedur$/);
      const inView = await p.locator('h2#prosedur').evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= -1 && r.top < window.innerHeight;
      });
      assert.ok(inView, 'heading #prosedur is not in the viewport after following the link');
    });

    await j.step('both procedures are listed: 11 and 8 steps', async (p) => {
      const procedures = p.locator('section', { has: p.locator('h2#prosedur') }).locator('ol.steps');
      assert.equal(await procedures.count(), 2, 'expected two procedures (ol.steps)');
      const first = await procedures.nth(0).locator(':scope > li').count();
      const second = await procedures.nth(1).locator(':scope > li').count();
      assert.deepEqual([first, second], [11, 8], `procedure step counts are ${first} and ${second}`);
      // Each procedure has its own heading right before the list.
      // Each procedure has its own heading right before it; its steps are folded in <details>.
      assert.equal(await p.locator('h3#prosedur-penyelesaian + p + details > ol.steps > li, h3#prosedur-penyelesaian + details > ol.steps > li').count(), 11);
    });

    await j.step('LAPOR! link to https://www.lapor.go.id is on the page', async (p) => {
      const lapor = p.locator('main a[href="https://www.lapor.go.id"]');
      assert.ok((await lapor.count()) >= 1, 'no link to https://www.lapor.go.id in main');
      await assert.doesNotReject(lapor.first().waitFor({ state: 'visible' }));
      const names = await lapor.allInnerTexts();
      assert.ok(names.some((n) => /LAPOR!/.test(n)), `LAPOR! link texts: ${names.join(' | ')}`);
    });

    await j.step('back home, the "LAPOR!" link leads to the LAPOR! section of the service page', async (p) => {
      await p.goto(h.url('/'));
      await p.locator('main .prose').getByRole('link', { name: 'LAPOR!', exact: true }).click();
      await p.waitForURL(h.url(`${SERVICE_PATH}#lapor`));
      const heading = p.locator('h2#lapor');
      await assert.doesNotReject(heading.waitFor({ state: 'visible' }));
      const siteLink = p.locator('main a[href="https://www.lapor.go.id"]', { hasText: 'www.lapor.go.id' });
      assert.ok((await siteLink.count()) >= 1, 'the LAPOR! section has no link to www.lapor.go.id');
    });
  } finally {
    await page.context().close();
  }
});
