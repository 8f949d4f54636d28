'use strict';
// Live reload under `site-gen serve` in one tab, with the back-forward cache on (Playwright
// turns it off by default; an editor's browser has it). Each page's live-reload stream holds
// one of the six HTTP/1.1 connections a browser allows per host; pages kept in the cache kept
// theirs, so the seventh page visited hung. The script closes its stream on `pagehide` and
// opens it again on `pageshow` when the page comes back from the cache.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

// Links every built page has (menu and footer), visited in turn: never the page itself.
const ROUND = ['/layanan/informasi-dan-pengaduan/', '/pengaduan/', '/lacak/', '/kebijakan-privasi/', '/'];

const browser = h.useBrowser({ backForwardCache: true });

/** Waits until this page's live-reload stream is open (`window.__liveReload`, set by the script). */
async function streamOpen(page, label) {
  try {
    await page.waitForFunction(() => window.__liveReload && window.__liveReload.open === true, null, { timeout: 10_000 });
  } catch (e) {
    assert.fail(`${label}: the live-reload stream did not open within 10 s (${e.message.split('\n')[0]})`);
  }
}

test('live reload: 12 pages in one tab with the back-forward cache, then back and forward', async () => {
  const context = await browser().newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(10_000);
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.addEventListener('pageshow', (e) => {
      window.__dariCache = e.persisted;
    });
  });
  const j = new h.Journey('live reload, one tab', page);
  try {
    await j.step('open the home page', async (p) => {
      await p.goto(h.url('/'));
      await streamOpen(p, 'page 1 (/)');
    });

    for (let n = 2; n <= 12; n += 1) {
      const path = ROUND[(n - 2) % ROUND.length];
      await j.step(`page ${n}: follow the link to ${path}`, async (p) => {
        const started = Date.now();
        await p.locator(`a[href="${path}"]`).first().click();
        await p.waitForURL(h.url(path), { waitUntil: 'load' });
        await streamOpen(p, `page ${n} (${path})`);
        assert.ok(Date.now() - started < 10_000, `page ${n} took ${Date.now() - started} ms`);
      });
    }

    await j.step('back six times: each page comes from the cache and reconnects', async (p) => {
      let fromCache = 0;
      for (let i = 1; i <= 6; i += 1) {
        await p.goBack({ waitUntil: 'commit' });
        await streamOpen(p, `back ${i} (${p.url()})`);
        if (await p.evaluate(() => window.__dariCache === true)) fromCache += 1;
      }
      assert.ok(fromCache > 0, 'no page came back from the back-forward cache: the test proves nothing');
    });

    await j.step('forward, then a new page still loads', async (p) => {
      await p.goForward({ waitUntil: 'commit' });
      await streamOpen(p, `forward (${p.url()})`);
      await p.goto(h.url('/lacak/'));
      await streamOpen(p, 'a new page after going back and forward');
      assert.match(await p.locator('h1').innerText(), /\S/);
    });
  } finally {
    await context.close();
  }
});
