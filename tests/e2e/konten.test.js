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
//   horizontal scrolling, with JavaScript off; the form is usable with the keyboard only;
// - the structured fields: the fee changed and 2027 added through the calendar's table, saved as
//   drafts (nothing public) and published; refusals name the field and keep the typed values;
//   axe finds nothing on them at 360 px;
// - four eyes (config.toml of the served copy, read on each publish): the author gets 403 saying
//   who may publish, a second editor publishes.

const { test, before, after } = require('node:test');
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

// The tests publish into the served copy of the site; the test files after this one read the
// shipped pages. Put back every content file as the repository has it (as a developer's edit
// would: the server rebuilds on the change) and wait until the public page shows it.
after(async () => {
  const fs = require('node:fs');
  const path = require('node:path');
  const repo = path.join(__dirname, '..', '..', 'content');
  const served = path.join(process.env.E2E_ROOT, 'content');
  const copy = (from, to) => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const a = path.join(from, entry.name);
      const b = path.join(to, entry.name);
      if (entry.isDirectory()) copy(a, b);
      else if (!fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b))) fs.copyFileSync(a, b);
    }
  };
  copy(repo, served);
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    const r = await fetch(h.url(SERVICE_URL));
    if ((await r.text()).includes('Tidak dipungut biaya')) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the served site did not return to the repository content within 20 s');
});
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
        p.getByRole('button', { name: 'Pratinjau', exact: true }).click(),
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
      await p.locator('#catatan').fill('Kalimat biaya diperjelas');
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

/** The site's copy the server publishes into (E2E_ROOT): its config.toml, read on each publish. */
const CONFIG = require('node:path').join(process.env.E2E_ROOT || '', 'config.toml');

/** Waits until the public service page does (or does not) include `text`. */
async function untilPublic(text, present = true) {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if ((await publicService()).includes(text) === present) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

test('konten: the fee through the structured fields and a holiday row through the table; nothing public until published', async () => {
  const page = await h.newPage(browser(), { js: false, width: h.WIDTHS.mobile });
  const j = new h.Journey('konten: isian terstruktur', page);
  const newFee = `Gratis lewat isian (${RUN})`;
  try {
    await j.step('editor: change the fee in the structured fields and save a draft', async (p) => {
      await login(p, ACCOUNTS.ed1);
      assert.equal(await openEditor(p, SERVICE), 200);
      assert.equal(await p.getByRole('heading', { name: 'Isian terstruktur' }).count(), 1);
      const before = await isi(p);
      await p.getByLabel('Biaya', { exact: true }).fill(newFee);
      // The structured form previews too, in a tab of its own.
      const [preview] = await Promise.all([
        p.waitForEvent('popup'),
        p.getByRole('button', { name: 'Pratinjau isian' }).click(),
      ]);
      await preview.waitForLoadState();
      assert.ok((await preview.content()).includes(newFee), 'the preview shows the fee from the fields');
      await preview.close();
      await p.locator('#isian-catatan').fill('Biaya lewat isian');
      const resp = await submitWith(p, 'Simpan isian sebagai draf');
      assert.equal(resp.status(), 200);
      assert.equal(new URL(p.url()).pathname, '/staf/konten/ubah', 'a save returns to the edit page (303)');
      assert.match(await p.locator('main').innerText(), /Draf disimpan sebagai revisi/);
      assert.equal(await isi(p), before.replace(FEE, `fee = "${newFee}"`), 'only the fee changed in the text');
      assert.equal(await p.locator('#biaya').inputValue(), newFee);
      assert.ok(!(await publicService()).includes(newFee), 'a save changes nothing public');
      await h.checkNoHorizontalOverflow(p, 'konten: isian layanan');
      await h.screenshot(p, 'konten-isian-layanan-360');
    });

    await j.step('editor: an impossible time limit is refused naming the field, the typed values kept', async (p) => {
      await p.locator('#batas_min').fill('40');
      const resp = await submitWith(p, 'Simpan isian sebagai draf');
      assert.equal(resp.status(), 422);
      const summary = await p.locator('.error-summary').innerText();
      assert.match(summary, /Jangka waktu paling cepat/, `the field is named: ${summary}`);
      assert.equal(await p.locator('#batas_min').inputValue(), '40', 'the typed value is kept');
      assert.equal(await p.locator('#batas_min').getAttribute('aria-invalid'), 'true');
      assert.equal(await p.locator('#biaya').inputValue(), newFee);
    });

    await j.step('editor: add 2027 and its first holiday through the calendar table', async (p) => {
      assert.equal(await openEditor(p, 'data/hari-libur.toml'), 200);
      const marker = await p.locator('input[type="hidden"][name$="-baru"]').getAttribute('name');
      const block = marker.replace(/baru$/, '');
      await p.locator(`#${block}tahun`).fill('2027');
      await p.locator(`#${block}skb`).fill(`SKB uji ${RUN}`);
      await p.locator(`#${block}hari-0-tanggal`).fill('2027-01-01');
      await p.locator(`#${block}hari-0-nama`).fill('Tahun Baru 2027 Masehi');
      await p.locator(`#${block}hari-0-jenis`).selectOption('libur');
      await h.checkNoHorizontalOverflow(p, 'konten: isian kalender');
      await h.screenshot(p, 'konten-isian-kalender-360');
      const resp = await submitWith(p, 'Simpan isian sebagai draf');
      assert.equal(resp.status(), 200);
      const text = await isi(p);
      assert.ok(text.includes(`tahun = 2027\nskb = "SKB uji ${RUN}"`), 'the draft has the new year');
      assert.ok(text.includes('{ tanggal = 2027-01-01, nama = "Tahun Baru 2027 Masehi" }'), 'and its day');
      assert.ok(text.startsWith('# Hari libur nasional dan cuti bersama'), 'the comments are kept');
      assert.equal(await p.getByRole('group', { name: 'Tahun 2027' }).count(), 1, 'the year has its own table now');
    });

    await j.step('editor: publish; the public page shows the fee', async (p) => {
      await p.goto(h.url('/staf/konten/'));
      const resp = await submitWith(p, 'Terbitkan semua draf');
      assert.equal(resp.status(), 200);
      // With the drafts the earlier tests left (the 409's first save).
      assert.match(await p.locator('main').innerText(), /\d+ berkas diterbitkan/);
      assert.ok(await untilPublic(newFee), 'the public page shows the fee');
    });
  } finally {
    await page.close();
  }
});

test('konten: structured forms and their refusals pass axe at 360 px', async () => {
  const page = await h.newPage(browser(), { js: true, width: h.WIDTHS.mobile });
  await login(page, ACCOUNTS.ed2);
  assert.equal(await openEditor(page, SERVICE), 200);
  await page.locator('#batas_maks').fill('nol');
  assert.equal((await submitWith(page, 'Simpan isian sebagai draf')).status(), 422);
  await h.checkAxe(page, 'konten: isian layanan ditolak');
  await h.checkNoHorizontalOverflow(page, 'konten: isian layanan ditolak');
  assert.equal(await openEditor(page, 'data/hari-libur.toml'), 200);
  const marker = await page.locator('input[type="hidden"][name$="-baru"]').getAttribute('name');
  const block = marker.replace(/baru$/, '');
  await page.locator(`#${block}tahun`).fill('2028');
  await page.locator(`#${block}hari-0-tanggal`).fill('2027-12-31');
  await page.locator(`#${block}hari-0-nama`).fill('Bukan tahunnya');
  assert.equal((await submitWith(page, 'Simpan isian sebagai draf')).status(), 422);
  assert.match(await page.locator('.error-summary').innerText(), /Tahun 2028, baris 1, Tanggal/);
  assert.equal(await page.locator(`#${block}hari-0-tanggal`).inputValue(), '2027-12-31');
  await h.checkAxe(page, 'konten: isian kalender ditolak');
  await h.checkNoHorizontalOverflow(page, 'konten: isian kalender ditolak');
  await page.close();
});

test('konten: with four eyes the author cannot publish (403 saying who may), a second editor can', async () => {
  assert.ok(process.env.E2E_ROOT, 'run.sh says where the served site is');
  const fs = require('node:fs');
  const original = fs.readFileSync(CONFIG, 'utf8');
  assert.match(original, /four_eyes = false/);
  const a = await h.newPage(browser(), { js: false });
  const b = await h.newPage(browser(), { js: false });
  const fee = `Biaya empat mata (${RUN})`;
  try {
    fs.writeFileSync(CONFIG, original.replace('four_eyes = false', 'four_eyes = true'));
    await login(a, ACCOUNTS.ed1);
    assert.equal(await openEditor(a, SERVICE), 200);
    await a.locator('#biaya').fill(fee);
    assert.equal((await submitWith(a, 'Simpan isian sebagai draf')).status(), 200);
    await a.goto(h.url('/staf/konten/'));
    const list = await a.locator('main').innerText();
    assert.match(list, /draf diterbitkan oleh editor lain atau admin, bukan oleh penulisnya/, 'the page says who may');
    assert.equal(await a.getByRole('button', { name: 'Terbitkan semua draf' }).count(), 0, 'no button for the author');
    // The route refuses too, with the session's own token.
    const csrf = await a.locator('.staf-user input[name="csrf"]').inputValue();
    const refused = await a.request.post(h.url('/staf/konten/terbitkan'), {
      form: { csrf },
      maxRedirects: 0,
      failOnStatusCode: false,
    });
    assert.equal(refused.status(), 403);
    assert.match(await refused.text(), /diterbitkan oleh editor lain atau admin/);
    assert.ok(!(await publicService()).includes(fee), 'nothing published');

    await login(b, ACCOUNTS.ed2);
    await b.goto(h.url('/staf/konten/'));
    const published = await submitWith(b, 'Terbitkan semua draf');
    assert.equal(published.status(), 200);
    assert.match(await b.locator('main').innerText(), /1 berkas diterbitkan/);
    assert.ok(await untilPublic(fee), 'the second editor published the author\'s draft');
  } finally {
    fs.writeFileSync(CONFIG, original);
    await a.close();
    await b.close();
  }
});
