'use strict';
// Journey 5 (issue 5): keyboard only.
// - On every page, Tab reaches every focusable element, and each shows a visible focus
//   indicator; the skip link is the first Tab stop and moves the focus to <main>.
// - The whole complaint form is filled and sent with Tab, Shift+Tab, arrows, Space, Enter
//   and typing only, up to the confirmation.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { PAGES } = require('./lib/pages');

const browser = h.useBrowser();

// Runs in the page: marks every element that could take focus and records its unfocused
// look, so that the focused look can be compared with it.
function markFocusables() {
  const sel = 'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable=""], [contenteditable="true"]';
  const keys = ['outlineStyle', 'outlineWidth', 'outlineColor', 'boxShadow', 'backgroundColor', 'color', 'textDecorationLine'];
  const unfocused = {};
  const tabbable = [];
  const radioGroups = new Set();
  let i = 0;
  for (const el of document.querySelectorAll(sel)) {
    i += 1;
    el.setAttribute('data-e2e-k', String(i));
    const cs = getComputedStyle(el);
    unfocused[i] = Object.fromEntries(keys.map((k) => [k, cs[k]]));
    const visible = el.getClientRects().length > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
    const disabled = el.disabled === true || (el.type === 'hidden');
    const inert = el.closest('[inert]') !== null;
    if (!visible || disabled || inert || el.tabIndex < 0) continue;
    if (el.type === 'radio') {
      // One Tab stop per radio group.
      if (radioGroups.has(el.name)) continue;
      radioGroups.add(el.name);
      tabbable.push({ k: String(i), radio: el.name });
      continue;
    }
    tabbable.push({ k: String(i) });
  }
  // A group with a checked radio is reached at that radio (a browser's Tab stop), else at its first.
  for (const t of tabbable.filter((e) => e.radio)) {
    const checked = [...document.querySelectorAll('input[type="radio"]')].find((r) => r.name === t.radio && r.checked);
    if (checked) t.k = checked.getAttribute('data-e2e-k');
  }
  window.__e2eUnfocused = unfocused;
  return tabbable;
}

// Runs in the page: what has the focus now, and does it show?
function focusState() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { body: true };
  const cs = getComputedStyle(el);
  const k = el.getAttribute('data-e2e-k');
  const u = (window.__e2eUnfocused || {})[k] || {};
  const f = {
    outlineStyle: cs.outlineStyle,
    outlineWidth: cs.outlineWidth,
    outlineColor: cs.outlineColor,
    boxShadow: cs.boxShadow,
    backgroundColor: cs.backgroundColor,
    color: cs.color,
    textDecorationLine: cs.textDecorationLine,
  };
  const transparent = (c) => /rgba\([^)]*,\s*0\)$/.test(c) || c === 'transparent';
  const outlineOn = f.outlineStyle !== 'none' && parseFloat(f.outlineWidth) > 0 && !transparent(f.outlineColor);
  const outlineThick = outlineOn && parseFloat(f.outlineWidth) >= 2;
  const outlineChanged = outlineOn &&
    `${f.outlineStyle} ${f.outlineWidth} ${f.outlineColor}` !== `${u.outlineStyle} ${u.outlineWidth} ${u.outlineColor}`;
  const shadowChanged = f.boxShadow !== 'none' && f.boxShadow !== u.boxShadow;
  const r = el.getBoundingClientRect();
  let desc = el.tagName.toLowerCase();
  if (el.id) desc += `#${el.id}`;
  else if (el.className && typeof el.className === 'string') desc += `.${el.className.trim().split(/\s+/).join('.')}`;
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  if (text) desc += ` "${text}"`;
  return {
    k,
    id: el.id,
    desc,
    indicator: outlineThick || outlineChanged || shadowChanged,
    style: f,
    unfocused: u,
    onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth,
    inMainOrAfter: (() => {
      const main = document.querySelector('main');
      if (!main) return false;
      return main.contains(el) || Boolean(main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    })(),
    isSkip: el.classList.contains('skip-link'),
  };
}

/**
 * Tabs through the page from where the focus is now until the focus comes back to an element
 * already visited. Returns the stops in order.
 */
async function tabSweep(page, { label }) {
  const tabbable = await page.evaluate(markFocusables);
  const stops = [];
  const seen = new Set();
  let bodies = 0;
  let prev = null;
  const max = tabbable.length * 4 + 20;
  for (let n = 0; n < max; n += 1) {
    await page.keyboard.press('Tab');
    const s = await page.evaluate(focusState);
    if (s.body) {
      bodies += 1;
      if (bodies > 2) break;
      prev = null;
      continue;
    }
    if (s.k === prev) continue; // e.g. the parts of a date input
    if (seen.has(s.k)) break;
    seen.add(s.k);
    prev = s.k;
    stops.push(s);
  }
  const missing = tabbable.filter((t) => !seen.has(t.k));
  if (missing.length) {
    const descs = await page.evaluate((ks) => ks.map((k) => {
      const el = document.querySelector(`[data-e2e-k="${k}"]`);
      return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.innerText || el.value || '').trim().slice(0, 40)}"`;
    }), missing.map((m) => m.k));
    assert.fail(`${label}: Tab never reached ${missing.length} focusable element(s): ${descs.join('; ')}`);
  }
  const hidden = stops.filter((s) => !s.indicator);
  assert.deepEqual(
    hidden.map((s) => `${s.desc} focused ${JSON.stringify(s.style)} vs unfocused ${JSON.stringify(s.unfocused)}`),
    [],
    `${label}: focused element(s) without a visible focus indicator`,
  );
  const offScreen = stops.filter((s) => !s.onScreen);
  assert.deepEqual(offScreen.map((s) => s.desc), [], `${label}: focused element(s) outside the viewport`);
  return stops;
}

async function activeSelectorIs(page, selector) {
  return page.evaluate((sel) => Boolean(document.activeElement && document.activeElement.matches(sel)), selector);
}

async function describeActive(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`;
  });
}

/** Presses Tab (or Shift+Tab) until `selector` has the focus, at most `max` times. */
async function tabTo(page, selector, { max = 1, shift = false } = {}) {
  const path = [];
  for (let n = 0; n < max; n += 1) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    if (await activeSelectorIs(page, selector)) return;
    path.push(await describeActive(page));
  }
  assert.fail(`after ${max} ${shift ? 'Shift+Tab' : 'Tab'} press(es) the focus went ${path.join(' → ')}, not to ${selector}`);
}

for (const def of PAGES) {
  test(`journey 5: keyboard on ${def.label}: every Tab stop shows focus; skip link first`, async (t) => {
    const page = await h.newPage(browser(), { js: true });
    const j = new h.Journey(`5 keyboard: ${def.label}`, page);
    try {
      await j.step('open the page', (p) => def.open(p));

      const startsOnSummary = await page.evaluate(() => document.activeElement && document.activeElement.id === 'ringkasan-galat');
      if (startsOnSummary) {
        await j.step('the focused error summary shows its focus', async (p) => {
          const s = await p.evaluate(() => {
            const el = document.activeElement;
            const cs = getComputedStyle(el);
            return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), shadow: cs.boxShadow };
          });
          assert.ok((s.style !== 'none' && s.width >= 2) || s.shadow !== 'none', `error summary focus: ${JSON.stringify(s)}`);
        });
      } else {
        await j.step('the first Tab stop is the skip link, visible', async (p) => {
          await p.keyboard.press('Tab');
          const s = await p.evaluate(focusState);
          assert.ok(s.isSkip, `the first Tab stop is ${s.desc || 'body'}, not the skip link`);
          assert.ok(s.onScreen, 'the focused skip link is not on screen');
          assert.ok(s.indicator, 'the focused skip link shows no focus indicator');
          await p.keyboard.press('Shift+Tab');
          await p.evaluate(() => document.activeElement && document.activeElement.blur());
          // Start the sweep again from the top of the page.
          await p.evaluate(() => {
            document.body.setAttribute('tabindex', '-1');
            document.body.focus();
            document.body.removeAttribute('tabindex');
          });
        });
      }

      const stops = await j.step('Tab through every focusable element: each shows a focus indicator', (p) =>
        tabSweep(p, { label: def.label }));
      t.diagnostic(`${stops.length} Tab stops, each with a visible focus indicator`);

      await j.step('the skip link moves the focus to main', async (p) => {
        // The sweep stops when the focus comes round again; bring it to the skip link.
        if (!(await activeSelectorIs(p, '.skip-link'))) await tabTo(p, '.skip-link', { max: 200 });
        await p.keyboard.press('Enter');
        await p.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'MAIN', null, { timeout: 5000 })
          .catch(async () => assert.fail(`after Enter on the skip link the focus is on ${await describeActive(p)}, not main`));
        await p.keyboard.press('Tab');
        const s = await p.evaluate(focusState);
        assert.ok(!s.body && s.inMainOrAfter, `the Tab after the skip link went to ${s.desc || 'body'}, before main`);
      });
    } finally {
      await page.context().close();
    }
  });
}

test('journey 5: the error page without JavaScript: the skip link is the first Tab stop', async () => {
  const page = await h.newPage(browser(), { js: false });
  const j = new h.Journey('5 keyboard: form with errors, JavaScript off', page);
  try {
    const def = PAGES.find((d) => d.name === 'formulir-galat');
    await j.step('open the form with errors', (p) => def.open(p));
    await j.step('the first Tab stop is the skip link', async (p) => {
      await p.keyboard.press('Tab');
      assert.ok(await activeSelectorIs(p, '.skip-link'), `the first Tab stop is ${await describeActive(p)}`);
    });
    await j.step('the next stops are the header, then the error summary links', async (p) => {
      await tabTo(p, '#ringkasan-galat a', { max: 10 });
    });
  } finally {
    await page.context().close();
  }
});

test('journey 5: the complaint form filled and sent with the keyboard only', async () => {
  const page = await h.newPage(browser(), { js: true });
  const j = new h.Journey('5 keyboard: complaint form', page);
  const v = h.validComplaint({ alamat: 'Jl. Melati No. 7', layanan: 'Perizinan Berusaha' });
  const kb = page.keyboard;
  try {
    await j.step('open /pengaduan/ and Tab to the first radio "Pengaduan"', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await tabTo(p, '#jenis', { max: 60 });
    });

    await j.step('choose the kind with the arrow keys', async (p) => {
      await kb.press('ArrowDown');
      assert.ok(await activeSelectorIs(p, '#jenis-informasi:checked'), 'ArrowDown did not select "Permintaan informasi"');
      await kb.press('ArrowUp');
      assert.ok(await activeSelectorIs(p, '#jenis:checked'), 'ArrowUp did not select "Pengaduan"');
      await kb.press('Space');
      assert.ok(await p.locator('#jenis').isChecked());
    });

    await j.step('Tab past "anonim" to the name and type it', async (p) => {
      await tabTo(p, '#anonim');
      await tabTo(p, '#nama');
      await kb.type(v.nama);
    });

    await j.step('email, then Shift+Tab back to the name and Tab forward again', async (p) => {
      await tabTo(p, '#email');
      await kb.type(v.email);
      await tabTo(p, '#nama', { shift: true });
      assert.equal(await p.locator('#nama').inputValue(), v.nama);
      await tabTo(p, '#email');
      assert.equal(await p.locator('#email').inputValue(), v.email);
    });

    await j.step('telephone, NIK (skipped), address', async () => {
      await tabTo(page, '#telepon');
      await kb.type(v.telepon);
      await tabTo(page, '#nik');
      await tabTo(page, '#alamat');
      await kb.type(v.alamat);
    });

    await j.step('title and text', async () => {
      await tabTo(page, '#judul');
      await kb.type(v.judul);
      await tabTo(page, '#isi');
      await kb.type(v.isi);
    });

    await j.step('date (skipped), location, service, attachments (skipped), "rahasia" (left unchecked)', async () => {
      await tabTo(page, '#tanggal_kejadian');
      await tabTo(page, '#lokasi', { max: 4 }); // a date input may have one stop per part
      await kb.type(v.lokasi);
      await tabTo(page, '#layanan');
      await kb.type(v.layanan);
      // The file input is a Tab stop of its own; it is passed over here (a file dialog is the
      // browser's, not the page's), then the focus moves on.
      await tabTo(page, '#lampiran');
      await tabTo(page, '#rahasia');
    });

    await j.step('check both statements with Space', async (p) => {
      await tabTo(p, '#pernyataan_kebenaran');
      await kb.press('Space');
      assert.ok(await p.locator('#pernyataan_kebenaran').isChecked(), 'Space did not check pernyataan_kebenaran');
      await tabTo(p, '#persetujuan_data');
      await kb.press('Space');
      assert.ok(await p.locator('#persetujuan_data').isChecked(), 'Space did not check persetujuan_data');
    });

    await j.step('Tab to "Kirim Pengaduan" and press Enter', async (p) => {
      await tabTo(p, '#form-pengaduan button[type="submit"]', { max: 3 });
      await kb.press('Enter');
      await h.waitForPath(p, /^\/api\/lacak\?/);
    });

    await j.step('the confirmation shows the number and the code', async (p) => {
      assert.match(await p.locator('h1').innerText(), /Pengaduan Anda telah diterima/);
      const { nomor, kode } = await h.readConfirmation(p);
      assert.match(nomor || '', h.NOMOR_RE);
      assert.match(kode || '', h.KODE_RE);
    });
  } finally {
    await page.context().close();
  }
});
