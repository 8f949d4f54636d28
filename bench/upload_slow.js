'use strict';
// How long a citizen on a slow phone connection waits to submit the form with a 4 MB photo:
// with JavaScript (the photo is fitted in the browser, then sent with its progress shown) and
// without (the whole photo is sent, then refused as over 2 MB). Prints figures; asserts
// nothing about time. Chromium's network emulation, two profiles (DevTools' presets):
//   slow 3G: 400 ms round trip, 500 kbit/s down and up;
//   slow 4G: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
//
// Usage: bash tests/e2e/run.sh bench/upload_slow.js

const { test } = require('node:test');
const h = require('../tests/e2e/lib/harness');
const { bigPhoto } = require('../tests/e2e/lib/files');

const browser = h.useBrowser();

const PROFILES = {
  'slow 3G': { latency: 400, downloadThroughput: (500 * 1000) / 8, uploadThroughput: (500 * 1000) / 8 },
  'slow 4G': { latency: 150, downloadThroughput: (1600 * 1000) / 8, uploadThroughput: (750 * 1000) / 8 },
};

async function once(js, profile) {
  // The photo is drawn with scripts on, then handed to a page with or without them.
  const maker = await h.newPage(browser(), { width: h.WIDTHS.mobile });
  await maker.goto(h.url('/pengaduan/'));
  const photo = await bigPhoto(maker);
  await maker.context().close();

  const page = await h.newPage(browser(), { js, width: h.WIDTHS.mobile });
  try {
    await page.goto(h.url('/pengaduan/'));
    await h.fillComplaint(page, h.validComplaint());
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...PROFILES[profile] });
    const chosen = Date.now();
    await page.locator('#lampiran').setInputFiles([{ name: 'foto.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    if (js) await page.locator('#lampiran-status li').waitFor({ timeout: 60_000 });
    const fitted = Date.now();
    const sent = await page.evaluate(() => Array.from(document.querySelector('#lampiran').files, (f) => f.size));
    await page.getByRole('button', { name: /Kirim/ }).click({ timeout: 300_000 });
    await page.waitForURL(/\/api\/(lacak|pengaduan)/, { timeout: 300_000, waitUntil: 'load' });
    const done = Date.now();
    const outcome = /\/api\/lacak/.test(page.url()) ? 'confirmation' : `refused: ${(await page.locator('#ringkasan-galat').innerText()).split('\n').slice(-1)[0]}`;
    console.log(
      `${profile}, JavaScript ${js ? 'on ' : 'off'}: photo ${(photo.length / 1048576).toFixed(1)} MB, sent ${(sent[0] / 1048576).toFixed(2)} MB;` +
        ` fitting ${((fitted - chosen) / 1000).toFixed(1)} s, submit to answer ${((done - fitted) / 1000).toFixed(1)} s; ${outcome}`,
    );
  } finally {
    await page.context().close();
  }
}

for (const profile of Object.keys(PROFILES)) {
  for (const js of [true, false]) {
    test(`${profile}, JavaScript ${js ? 'on' : 'off'}`, () => once(js, profile));
  }
}
