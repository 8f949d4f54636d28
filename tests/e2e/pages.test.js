'use strict';
// Every page (issue 5): axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) finds no violation,
// full-page screenshots at 360 px and 1280 px wide, and no horizontal scrolling at 360 px.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { PAGES } = require('./lib/pages');

const browser = h.useBrowser();

for (const def of PAGES) {
  test(`page ${def.label}: accessible, screenshots at 360 and 1280 px, no overflow`, async () => {
    const page = await h.newPage(browser(), { js: true, width: h.WIDTHS.mobile });
    const j = new h.Journey(`pages: ${def.label}`, page);
    try {
      await j.step('open at 360 px', (p) => def.open(p));

      await j.step('no horizontal overflow at 360 px', (p) => h.checkNoHorizontalOverflow(p, `${def.label} at 360 px`));

      await j.step('images and the stylesheet loaded', async (p) => {
        const broken = await p.evaluate(() =>
          [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src));
        assert.deepEqual(broken, [], `broken images: ${broken.join(', ')}`);
        const css = await p.evaluate(() => [...document.styleSheets].length);
        assert.ok(css >= 1, 'no stylesheet loaded');
      });

      await j.step('the menu marks the right item as the current page', async (p) => {
        const current = await p.locator('.site-nav a[aria-current="page"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.deepEqual(current, def.current ? [def.current] : [], 'menu items with aria-current="page"');
      });

      await j.step('the header is compact at 360 px: at most 130 px tall', async (p) => {
        // Issue 13: the header took 260 of a phone's 740 px with the menu in three rows.
        const height = await p.locator('.site-header').evaluate((el) => el.getBoundingClientRect().height);
        assert.ok(height <= 130, `the header is ${height} px tall at 360 px`);
      });

      await j.step('screenshot at 360 px', (p) => h.screenshot(p, `${def.name}-360`));

      await j.step('axe-core at 360 px: no violation', (p) => h.checkAxe(p, `${def.label} at 360 px`));

      await j.step('resize to 1280 px', async (p) => {
        await p.setViewportSize({ width: h.WIDTHS.desktop, height: 900 });
        await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      });

      await j.step('no horizontal overflow at 1280 px', (p) => h.checkNoHorizontalOverflow(p, `${def.label} at 1280 px`));

      await j.step('screenshot at 1280 px', (p) => h.screenshot(p, `${def.name}-1280`));

      await j.step('axe-core at 1280 px: no violation', (p) => h.checkAxe(p, `${def.label} at 1280 px`));
    } finally {
      await page.context().close();
    }
  });
}
