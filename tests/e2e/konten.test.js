'use strict';
// Editors publish the site themselves (issue 22), in the browser, on the server's own copy of
// the site (tests/e2e/run.sh serves a copy, so publishing never touches the repository):
// - an editor changes the fee sentence of the service page, previews it, saves a draft (the
//   public page does not change), publishes, and the public page shows it;
// - an impossible procedure and a broken holiday calendar are refused with 422, naming the line,
//   the typed text kept;
// - a second editor's save against an older version gets 409, the typed text kept;
// - a Front Office account gets 403 on every editing route;
// - restoring the previous revision and publishing takes the change back;
// - axe-core finds no violation on the list, the edit page and the history, at 360 px without
//   horizontal scrolling, with JavaScript off; the form is usable with the keyboard only.

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const RUN = h.uniq();
const PASSWORD = 'Kopi tubruk pagi di loket 7';
const SERVICE = 'layanan/informasi-dan-pengaduan.md';
const SERVICE_URL = '/layanan/informasi-dan-pengaduan/';
const FEE = 'fee = "Tidak dipungut biaya"';

const ACCOUNTS = {
  ed1: { peran: 'editor', username: `editor-${RUN}`, name: 'Lina Marlina' },
  ed2: { peran: 'editor', username: `editor2-${RUN}`, name: 'Rudi Hartono' },
  fo: { peran: 'front-office', username: `fo-konten-${RUN}`, name: 'Dewi Lestari' },
};

const browser = h.useBrowser();
before(() => {
  for (const a of Object.values(ACCOUNTS)) {
    h.staff(['pengguna', 'tambah', a.username, '--peran', a.peran, '--nama', a.name], `${PASSWORD}\n`);
  }
});

/** Logs in through the form; ends wherever the console sends this role. */
async function login(page, account) {
  await page.goto(h.url('/staf/masuk'));
  await page.locator('#pengguna').fill(account.username);
  await page.locator('#sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await h.waitForPath(page, /^\/staf\//);
}

const editPath = (berkas) => `/staf/konten/ubah?berkas=${encodeURIComponent(berkas)}`;

/** Opens a file's edit page; returns the page's status. */
async function openEditor(page, berkas) {
  const resp = await page.goto(h.url(editPath(berkas)));
  return resp.status();
}

/** The textarea's text. */
async function isi(page) {
  return page.locator('textarea[name="isi"]').inputValue();
}

/** Clicks the form's button whose formaction (or the form's action) ends in `action`. */
async function submitWith(page, label) {
  const [resp] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: label }).click(),
  ]);
  return resp;
}

/** The public service page's text, as a citizen fetches it now. */
async function publicService() {
  const r = await fetch(h.url(SERVICE_URL));
  assert.equal(r.status, 200);
  return r.text();
}

test('konten: change the fee, preview, save a draft, publish, and the public page shows it; restore takes it back', async () => {
  const page = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  const j = new h.Journey('konten: ubah biaya sampai terbit', page);
  const newFee = `Gratis, tanpa pungutan apa pun (${RUN})`;
  try {
    await j.step('editor: log in and open the list', async (p) => {
      await login(p, ACCOUNTS.ed1);
      const resp = await p.goto(h.url('/staf/konten/'));
      assert.equal(resp.status(), 200);
      const link = p.locator('main table a', { hasText: SERVICE });
      assert.equal(await link.count(), 1, 'the list links to the service page');
      const href = decodeURIComponent(await link.getAttribute('href'));
      assert.equal(href, `/staf/konten/ubah?berkas=${SERVICE}`);
      await h.checkNoHorizontalOverflow(p, 'konten: daftar');
      await h.screenshot(p, 'konten-daftar-360');
    });

    await j.step('editor: open the service page, change the fee and preview', async (p) => {
      assert.equal(await openEditor(p, SERVICE), 200);
      await h.checkNoHorizontalOverflow(p, 'konten: ubah');
      await h.screenshot(p, 'konten-ubah-360');
      const text = await isi(p);
      assert.ok(text.includes(FEE), 'the textarea holds the whole file, front matter included');
      await p.locator('textarea[name="isi"]').fill(text.replace(FEE, `fee = "${newFee}"`));
      // The preview opens in a tab of its own, so the form and the typed text stay.
      const [preview] = await Promise.all([
        p.waitForEvent('popup'),
        p.getByRole('button', { name: 'Pratinjau' }).click(),
      ]);
      await preview.waitForLoadState();
      assert.ok((await preview.content()).includes(newFee), 'the preview shows the new sentence');
      assert.match(await preview.locator('body').innerText(), /Pratinjau/, 'the preview says it is one');
      await h.screenshot(preview, 'konten-pratinjau-360');
      await preview.close();
      assert.ok(!(await publicService()).includes(newFee), 'a preview stores and publishes nothing');
    });

    await j.step('editor: save the draft; the public page is unchanged', async (p) => {
      assert.equal(await openEditor(p, SERVICE), 200);
      const text = await isi(p);
      await p.locator('textarea[name="isi"]').fill(text.replace(FEE, `fee = "${newFee}"`));
      await p.locator('[name="catatan"]').fill('Kalimat biaya diperjelas');
      const resp = await submitWith(p, 'Simpan draf');
      assert.equal(resp.status(), 200);
      assert.equal(new URL(p.url()).pathname, '/staf/konten/ubah', 'a save returns to the edit page (303)');
      assert.ok((await isi(p)).includes(newFee), 'the edit page shows the draft');
      assert.ok(!(await publicService()).includes(newFee), 'a save changes nothing public');
    });

    await j.step('editor: publish; the public page shows the new sentence', async (p) => {
      await p.goto(h.url('/staf/konten/'));
      assert.match(await p.locator('main').innerText(), /draf/i, 'the list says a draft waits');
      const started = Date.now();
      const resp = await submitWith(p, 'Terbitkan semua draf');
      assert.equal(resp.status(), 200);
      assert.match(await p.locator('main').innerText(), /1 berkas diterbitkan/);
      let shown = false;
      while (Date.now() - started < 10000) {
        if ((await publicService()).includes(newFee)) {
          shown = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(shown, 'the public page shows the published sentence');
      console.log(`konten: publish to public page: ${Date.now() - started} ms`);
    });

    await j.step('editor: the history shows the original and the change; restoring it and publishing takes it back', async (p) => {
      const resp = await p.goto(h.url(`/staf/konten/riwayat?berkas=${encodeURIComponent(SERVICE)}`));
      assert.equal(resp.status(), 200);
      const main = await p.locator('main').innerText();
      assert.ok(main.includes('Kalimat biaya diperjelas'), 'the note is in the history');
      assert.ok(main.includes(newFee), 'the diff shows the new sentence');
      await h.checkNoHorizontalOverflow(p, 'konten: riwayat');
      await h.screenshot(p, 'konten-riwayat-360');
      // The oldest revision is the text the first save replaced.
      const forms = p.locator('form[action="/staf/konten/pulihkan"]');
      assert.ok((await forms.count()) >= 2, 'each revision can be restored');
      const oldest = forms.last();
      await Promise.all([p.waitForNavigation(), oldest.locator('button').click()]);
      assert.equal(new URL(p.url()).pathname, '/staf/konten/ubah');
      assert.ok((await isi(p)).includes(FEE), 'the restored draft holds the original sentence');
      await p.goto(h.url('/staf/konten/'));
      await submitWith(p, 'Terbitkan semua draf');
      const deadline = Date.now() + 10000;
      let back = false;
      while (Date.now() < deadline) {
        const text = await publicService();
        if (!text.includes(newFee) && text.includes('Tidak dipungut biaya')) {
          back = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(back, 'the public page shows the original sentence again');
    });
  } finally {
    await page.close();
  }
});

test('konten: an impossible procedure and a broken calendar are refused with the line, the text kept', async () => {
  const page = await h.newPage(browser(), { js: false });
  await login(page, ACCOUNTS.ed1);
  assert.equal(await openEditor(page, SERVICE), 200);
  const text = await isi(page);
  const broken = text.replace(/peran = "front-office"/, 'peran = "kepala-desa"');
  assert.notEqual(broken, text, 'the fixture has a front-office step');
  await page.locator('textarea[name="isi"]').fill(broken);
  let resp = await submitWith(page, 'Simpan draf');
  assert.equal(resp.status(), 422);
  const message = await page.locator('main').innerText();
  assert.match(message, /baris \d+/i, `the refusal names the line: ${message}`);
  assert.equal(await isi(page), broken, 'the typed text is kept');

  assert.equal(await openEditor(page, 'data/hari-libur.toml'), 200);
  const calendar = await isi(page);
  const badToml = calendar.replace('tahun = 2026', 'tahun = 2026\ntahun = = 2026');
  await page.locator('textarea[name="isi"]').fill(badToml);
  resp = await submitWith(page, 'Simpan draf');
  assert.equal(resp.status(), 422);
  const line = badToml.split('\n').findIndex((l) => l.startsWith('tahun = = 2026')) + 1;
  assert.match(await page.locator('main').innerText(), new RegExp(`baris ${line}\\b`), 'the broken line is named');
  assert.equal(await isi(page), badToml);
  await page.close();
});

test('konten: a second editor saving an older version gets 409, the text kept', async () => {
  const a = await h.newPage(browser(), { js: false });
  const b = await h.newPage(browser(), { js: false });
  await login(a, ACCOUNTS.ed1);
  await login(b, ACCOUNTS.ed2);
  const berkas = 'kebijakan-privasi.md';
  assert.equal(await openEditor(a, berkas), 200);
  assert.equal(await openEditor(b, berkas), 200);
  const first = `${await isi(a)}\nParagraf tambahan A ${RUN}.\n`;
  await a.locator('textarea[name="isi"]').fill(first);
  assert.equal((await submitWith(a, 'Simpan draf')).status(), 200);
  const second = `${await isi(b)}\nParagraf tambahan B ${RUN}.\n`;
  await b.locator('textarea[name="isi"]').fill(second);
  const resp = await submitWith(b, 'Simpan draf');
  assert.equal(resp.status(), 409);
  assert.equal(await isi(b), second, 'the second editor keeps what they typed');
  await a.close();
  await b.close();
});

test('konten: a Front Office account gets 403 on every editing route', async () => {
  const page = await h.newPage(browser(), { js: false });
  await login(page, ACCOUNTS.fo);
  // The session's own token: the refusal must come from the role, not from CSRF.
  const csrf = await page.locator('.staf-user input[name="csrf"]').inputValue();
  for (const path of ['/staf/konten/', editPath(SERVICE), `/staf/konten/riwayat?berkas=${encodeURIComponent(SERVICE)}`]) {
    const resp = await page.goto(h.url(path));
    assert.equal(resp.status(), 403, `GET ${path}`);
  }
  for (const path of ['/staf/konten/simpan', '/staf/konten/pratinjau', '/staf/konten/terbitkan', '/staf/konten/pulihkan']) {
    const resp = await page.request.post(h.url(path), {
      form: { csrf, berkas: SERVICE, versi: '0', isi: 'x', revisi: '1' },
      maxRedirects: 0,
      failOnStatusCode: false,
    });
    assert.equal(resp.status(), 403, `POST ${path}`);
  }
  await page.close();
});

test('konten pages: axe-core finds nothing at 360 px, refusals included', async () => {
  const page = await h.newPage(browser(), { js: true, width: h.WIDTHS.mobile });
  await login(page, ACCOUNTS.ed2);
  for (const [path, label] of [
    ['/staf/konten/', 'konten: daftar'],
    [editPath(SERVICE), 'konten: ubah'],
    [editPath('data/hari-libur.toml'), 'konten: ubah kalender'],
    [`/staf/konten/riwayat?berkas=${encodeURIComponent(SERVICE)}`, 'konten: riwayat'],
  ]) {
    assert.equal((await page.goto(h.url(path))).status(), 200, path);
    await h.checkAxe(page, label);
    await h.checkNoHorizontalOverflow(page, label);
  }
  assert.equal(await openEditor(page, SERVICE), 200);
  await page.locator('textarea[name="isi"]').fill('+++\ntitle = \n+++\n');
  assert.equal((await submitWith(page, 'Simpan draf')).status(), 422);
  await h.checkAxe(page, 'konten: ditolak');
  await h.screenshot(page, 'konten-ditolak-360');
  await page.close();
});

test('konten: the edit form works with the keyboard only', async () => {
  const page = await h.newPage(browser(), { js: true });
  await login(page, ACCOUNTS.ed2);
  assert.equal(await openEditor(page, 'lacak.md'), 200);
  await page.locator('textarea[name="isi"]').focus();
  await page.keyboard.press('End');
  let reached = false;
  for (let i = 0; i < 12 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement && /Pratinjau/.test(document.activeElement.textContent || ''));
  }
  assert.ok(reached, 'Tab reaches the preview button from the text');
  await page.close();
});
