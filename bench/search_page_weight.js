'use strict';
// Issue 23 item 11: what the search page costs a phone. Opens URLs of a running site (default
// http://127.0.0.1:18123) in Chromium (playwright-core from tests/e2e/node_modules), lets the
// page settle, and counts every response: bytes as sent, and gzipped (what CloudFront sends for
// text), plus the Cumulative Layout Shift the browser measured.
//   node bench/search_page_weight.js [BASE] [PATH...]
const path = require('node:path');
const zlib = require('node:zlib');
const { chromium } = require(path.join(__dirname, '../tests/e2e/node_modules/playwright-core'));

async function measure(browser, url, type) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const rows = [];
  page.on('response', async (r) => {
    try {
      const body = await r.body();
      const gz = /text|javascript|json|css|svg|wasm|pagefind/.test(r.headers()['content-type'] || '') || /pf_|\.pagefind/.test(r.url())
        ? zlib.gzipSync(body, { level: 9 }).length : body.length;
      rows.push({ url: r.url().replace(/^https?:\/\/[^/]+/, ''), raw: body.length, gz });
    } catch { /* redirects have no body */ }
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  if (type) {
    await page.locator('#pencarian input, #cari-situs').first().click();
    await page.keyboard.type(type, { delay: 50 });
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1500);
  }
  const cls = await page.evaluate(() => window.__cls);
  await context.close();
  return { rows, cls };
}

(async () => {
  const [base = 'http://127.0.0.1:18123', ...paths] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: process.env.E2E_CHROMIUM || '/usr/bin/chromium' });
  const cases = paths.length ? paths.map((p) => [p, null]) : [['/cari/', null], ['/cari/?q=biaya', null], ['/cari/', 'biaya']];
  for (const [p, type] of cases) {
    const { rows, cls } = await measure(browser, base + p, type);
    const sum = (k) => rows.reduce((n, r) => n + r[k], 0);
    console.log(`${p}${type ? ` (typed "${type}")` : ''}: ${rows.length} responses, ${(sum('raw') / 1024).toFixed(1)} KB raw, ` +
      `${(sum('gz') / 1024).toFixed(1)} KB gzip, CLS ${cls.toFixed(3)}`);
    for (const r of rows.sort((a, b) => b.gz - a.gz).slice(0, 6)) console.log(`    ${(r.gz / 1024).toFixed(1).padStart(6)} KB  ${r.url}`);
  }
  await browser.close();
})();
