'use strict';
// The staff console at /staf/ (issue 10), in the browser:
// - the main journey, with JavaScript off and at 360 px: a citizen submits through the public
//   form; the Front Office finds the complaint and declares it complete; the JFT and the Kepala
//   Bidang take their steps; the Kepala Dinas signs; the Front Office numbers the Berita Acara
//   and hands it over; the complaint ends `selesai`. After each step the public tracking page
//   shows the matching public status, and a role whose turn it is not is refused;
// - a POST without the CSRF token is refused (403) and changes nothing;
// - five wrong passwords lock the account: the right one then gets 429;
// - a session the server no longer knows (ended by logging out, or a forged cookie) returns
//   to the login page;
// - the admin's erasure removes the personal data from the console and from the store;
// - axe-core finds no violation on the login page, the inbox and a complaint's page, with
//   screenshots at 360 and 1280 px (staf-*.png) and no horizontal scrolling;
// - logging in with the keyboard only.
//
// Accounts are made with the staff tool (`pengaduan-staf pengguna tambah`, password on stdin),
// on the server's store, with names unique to the run.

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const h = require('./lib/harness');

const RUN = h.uniq();
const PASSWORD = 'Kopi tubruk pagi di loket 7';

/** The accounts of the run: role code -> { username, name }. */
const ACCOUNTS = {
  fo: { peran: 'front-office', username: `fo-${RUN}`, name: 'Dewi Lestari' },
  jft: { peran: 'jft', username: `jft-${RUN}`, name: 'Agus Prasetyo' },
  kabid: { peran: 'kepala-bidang', username: `kabid-${RUN}`, name: 'Hendra Wijaya' },
  kadis: { peran: 'kepala-dinas', username: `kadis-${RUN}`, name: 'Ratna Sari' },
  admin: { peran: 'admin', username: `admin-${RUN}`, name: 'Yusuf Hakim' },
  // Only the lockout test logs in (and fails to) with this one.
  locked: { peran: 'front-office', username: `kunci-${RUN}`, name: 'Budi Hartono' },
  // Only the keyboard test.
  keys: { peran: 'front-office', username: `papan-${RUN}`, name: 'Maya Anggraini' },
};

const STATUS_LABEL = {
  diterima: 'Diterima',
  diverifikasi: 'Berkas lengkap, diverifikasi',
  diproses: 'Sedang diproses',
  selesai: 'Selesai',
};

/** Runs the staff tool on the server's store; `input` goes to its stdin. */
function staffTool(args, input) {
  assert.ok(process.env.E2E_STAFF, 'E2E_STAFF (the staff tool) is not set: run tests/e2e/run.sh');
  try {
    return execFileSync(
      process.env.E2E_STAFF,
      ['--store', process.env.E2E_STORE, '--root', process.env.E2E_ROOT, ...args],
      {
        encoding: 'utf8',
        input: input === undefined ? '' : input,
        // The server's fixed clock: nothing here depends on today's date.
        env: h.staffEnv(),
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
  } catch (e) {
    throw new Error(`pengaduan-staf ${args.join(' ')} failed (${e.status}):\n${e.stdout || ''}${e.stderr || ''}`);
  }
}

const browser = h.useBrowser();
before(() => {
  for (const a of Object.values(ACCOUNTS)) {
    staffTool(['pengguna', 'tambah', a.username, '--peran', a.peran, '--nama', a.name], `${PASSWORD}\n`);
  }
});

// ---------------------------------------------------------------------------------------------
// Helpers

const NOMOR_PATH = (nomor) => `/staf/pengaduan/${nomor}`;

/** Logs in through the form; ends on the inbox. */
async function login(page, account, password = PASSWORD) {
  await page.goto(h.url('/staf/masuk'));
  await page.locator('#pengguna').fill(account.username);
  await page.locator('#sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await h.waitForPath(page, /^\/staf\/$/);
  assert.match(await page.locator('h1').innerText(), /Kotak masuk/);
  const who = await page.locator('.staf-user').innerText();
  assert.ok(who.includes(account.username), `the header names someone else: "${who}"`);
}

/** Logs out with the header's button; ends on the login page. */
async function logout(page) {
  await page.locator('.staf-user').getByRole('button', { name: 'Keluar' }).click();
  await h.waitForPath(page, /^\/staf\/masuk$/);
}

/** A value of the complaint page's summary (Status, Versi, Nomor Berita Acara, ...). */
async function summary(page, label) {
  const row = page.locator('main > dl.summary-list > .summary-list__row', {
    has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }),
  });
  if ((await row.count()) === 0) return null;
  return (await row.locator('dd').innerText()).trim();
}

async function versi(page) {
  return Number(await summary(page, 'Versi'));
}

/** The session's CSRF token, from the logout form every logged-in page has. */
async function csrfOf(page) {
  return page.locator('.staf-user input[name="csrf"]').inputValue();
}

/** Opens a complaint's page in the console. */
async function openComplaint(page, nomor, query = '') {
  const resp = await page.goto(h.url(NOMOR_PATH(nomor) + query));
  assert.equal(resp.status(), 200, `GET ${NOMOR_PATH(nomor)}${query} answered ${resp.status()}`);
  assert.match(await page.locator('h1').innerText(), new RegExp(`^${nomor}:`));
}

/** Takes the next step with the "lanjut" form; returns the notice shown after it. */
async function takeNextStep(page, nomor, note, button = 'Catat langkah') {
  const before = await versi(page);
  const form = page.locator('#tindakan-lanjut');
  await form.locator('#catatan-lanjut').fill(note);
  await form.getByRole('button', { name: button }).click();
  await h.waitForPath(page, new RegExp(`^${NOMOR_PATH(nomor)}\\?pesan=`));
  assert.equal(await versi(page), before + 1, 'the version did not go up by one');
  return (await page.locator('.notice').innerText()).trim();
}

/**
 * The public side agrees: the status page the tracking form leads to (opened in the citizen's
 * own browser) shows the label, and GET /api/lacak (JSON) the code.
 */
async function expectPublicStatus(citizen, nomor, kode, status) {
  await citizen.goto(h.url(`/api/lacak?nomor=${encodeURIComponent(nomor)}&kode=${encodeURIComponent(kode)}`));
  assert.equal(await h.readStatus(citizen), STATUS_LABEL[status], `public status page of ${nomor}`);
  const r = await h.lacakJson(nomor, kode);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, status, `GET /api/lacak status of ${nomor}: ${r.text}`);
}

/** A POST to the console from inside `page`'s context (its cookies), as a forged form would. */
async function postForm(page, path, form) {
  return page.request.post(h.url(path), { form, maxRedirects: 0, failOnStatusCode: false });
}

/** A complaint through the JSON API (for the tests that do not need the form). */
async function apiComplaint(over = {}) {
  const values = h.validComplaint(over);
  const body = await h.submitJson(values);
  return { values, nomor: body.nomor, kode: body.kode_lacak };
}

// ---------------------------------------------------------------------------------------------
// The main journey

test('console: from the public form to selesai through every role, JavaScript off, 360 px', async () => {
  const js = false;
  const width = h.WIDTHS.mobile;
  const citizen = await h.newPage(browser(), { js, width });
  const pages = {};
  for (const who of ['fo', 'jft', 'kabid', 'kadis']) pages[who] = await h.newPage(browser(), { js, width });
  const values = h.validComplaint({ nama: 'Siti Rahmawati' });
  let nomor;
  let kode;
  const j = new h.Journey('konsol: alur utama tanpa JavaScript', citizen);
  const as = (who) => {
    j.page = pages[who] || citizen;
    return j.page;
  };
  try {
    await j.step('citizen: submit the public form, read the number and the code', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, values);
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      ({ nomor, kode } = await h.readConfirmation(p));
      assert.match(nomor || '', h.NOMOR_RE);
      assert.match(kode || '', h.KODE_RE);
      await expectPublicStatus(p, nomor, kode, 'diterima');
    });

    as('fo');
    await j.step('Front Office: log in', (p) => login(p, ACCOUNTS.fo));

    await j.step('Front Office: find the complaint with the inbox search and open it', async (p) => {
      await p.locator('#q').fill(nomor);
      await p.getByRole('button', { name: 'Tampilkan' }).click();
      await h.waitForPath(p, /^\/staf\/\?/);
      assert.match(await p.locator('main p[role="status"]').innerText(), /^1 pengaduan/);
      const row = p.locator('.staf-table tbody tr', { hasText: nomor });
      assert.match(await row.innerText(), /Diterima/);
      assert.ok((await row.innerText()).includes(values.judul), 'the inbox shows the title');
      await row.getByRole('link', { name: nomor }).click();
      await h.waitForPath(p, new RegExp(`^${NOMOR_PATH(nomor)}$`));
      assert.equal(await summary(p, 'Status'), 'Diterima');
      assert.ok(!(await p.locator('main').innerText()).includes(values.nama), 'identity shown before asked for');
    });

    await j.step('Front Office: declare the files complete (procedure "penyelesaian")', async (p) => {
      const form = p.locator('#tindakan-lengkap');
      await form.locator('input[name="prosedur"][value="penyelesaian"]').check();
      await form.locator('#catatan-lengkap').fill('Formulir dan bukti lengkap.');
      await form.getByRole('button', { name: 'Nyatakan lengkap' }).click();
      await h.waitForPath(p, new RegExp(`^${NOMOR_PATH(nomor)}\\?pesan=`));
      assert.match(await p.locator('.notice').innerText(), /Berkas dinyatakan lengkap/);
      assert.equal(await summary(p, 'Status'), STATUS_LABEL.diverifikasi);
      assert.match(await summary(p, 'Tenggat'), /\d{4}/, 'the deadline is set');
      assert.match(await p.locator('main').innerText(), /Langkah berikutnya dilakukan oleh JFT Analis Kebijakan/);
    });

    await j.step('public status: diverifikasi', () => expectPublicStatus(citizen, nomor, kode, 'diverifikasi'));

    as('kadis');
    await j.step('Kepala Dinas: log in; not their turn, no form, a forged POST is refused', async (p) => {
      await login(p, ACCOUNTS.kadis);
      await openComplaint(p, nomor);
      assert.equal(await p.locator('#tindakan-lanjut').count(), 0, 'the Kepala Dinas is offered the JFT step');
      assert.match(await p.locator('main').innerText(), /Tidak ada tindakan untuk peran Anda saat ini/);
      const v = await versi(p);
      const r = await postForm(p, `${NOMOR_PATH(nomor)}/lanjut`, { csrf: await csrfOf(p), versi: String(v), catatan: 'Tanda tangan.' });
      assert.equal(r.status(), 403, `POST lanjut as Kepala Dinas: ${r.status()} ${await r.text()}`);
      assert.match(await r.text(), /Tidak berwenang/);
      await openComplaint(p, nomor);
      assert.equal(await versi(p), v, 'the refused POST changed the complaint');
    });

    as('jft');
    await j.step('JFT: log in; the Front Office\'s "lengkap" is refused to the JFT', async (p) => {
      await login(p, ACCOUNTS.jft);
      await openComplaint(p, nomor);
      const r = await postForm(p, `${NOMOR_PATH(nomor)}/kembalikan`, {
        csrf: await csrfOf(p), versi: String(await versi(p)), alasan: 'Tidak lengkap.',
      });
      assert.equal(r.status(), 403, `POST kembalikan as JFT: ${r.status()} ${await r.text()}`);
    });

    await j.step('JFT: step 4 of 11, study the complaint', async (p) => {
      await openComplaint(p, nomor);
      assert.match(await p.locator('#tindakan-lanjut').innerText(), /Langkah 4 dari 11/);
      assert.match(await takeNextStep(p, nomor, 'Dikaji bersama Kepala Bidang.'), /Langkah dicatat/);
      assert.equal(await summary(p, 'Status'), STATUS_LABEL.diproses);
    });
    await j.step('public status: diproses', () => expectPublicStatus(citizen, nomor, kode, 'diproses'));

    await j.step('JFT: step 5 of 11, the draft letter', async (p) => {
      assert.match(await p.locator('#tindakan-lanjut').innerText(), /Langkah 5 dari 11/);
      await takeNextStep(p, nomor, 'Konsep surat dicetak.');
      assert.equal(await p.locator('#tindakan-lanjut').count(), 0, 'the JFT is offered the Kepala Bidang\'s step');
    });
    await j.step('public status: still diproses', () => expectPublicStatus(citizen, nomor, kode, 'diproses'));

    as('kabid');
    await j.step('Kepala Bidang: log in, initial (steps 6 and 7 of 11)', async (p) => {
      await login(p, ACCOUNTS.kabid);
      await openComplaint(p, nomor);
      assert.match(await p.locator('#tindakan-lanjut').innerText(), /Langkah 6 dari 11/);
      await takeNextStep(p, nomor, 'Diparaf Kepala Bidang.');
      assert.match(await p.locator('#tindakan-lanjut').innerText(), /Langkah 7 dari 11/);
      await takeNextStep(p, nomor, 'Diparaf Sekretaris.');
      assert.equal(await summary(p, 'Status'), STATUS_LABEL.diproses);
    });
    await j.step('public status: diproses', () => expectPublicStatus(citizen, nomor, kode, 'diproses'));

    as('kadis');
    await j.step('Kepala Dinas: sign (step 8 of 11)', async (p) => {
      await openComplaint(p, nomor);
      assert.match(await p.locator('#tindakan-lanjut').innerText(), /Langkah 8 dari 11/);
      await takeNextStep(p, nomor, 'Berita Acara ditandatangani.');
      assert.equal(await summary(p, 'Nomor Berita Acara'), null, 'a BA number before its step');
    });
    await j.step('public status: diproses', () => expectPublicStatus(citizen, nomor, kode, 'diproses'));

    as('fo');
    await j.step('Front Office: number the Berita Acara (step 9 of 11)', async (p) => {
      await openComplaint(p, nomor);
      assert.match(await p.locator('#judul-lanjut').innerText(), /nomor Berita Acara/);
      const notice = await takeNextStep(p, nomor, 'Diregistrasi.', 'Beri nomor Berita Acara');
      const m = /Nomor Berita Acara: (.+)\.$/.exec(notice);
      assert.ok(m, `no BA number in the notice: "${notice}"`);
      assert.equal(await summary(p, 'Nomor Berita Acara'), m[1]);
      assert.match(await p.locator('.staf-table').last().innerText(), new RegExp(`BA ${m[1].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
      // Once numbered, the files can no longer be returned.
      assert.equal(await p.locator('#tindakan-kembalikan').count(), 0);
    });
    await j.step('public status: diproses', () => expectPublicStatus(citizen, nomor, kode, 'diproses'));

    await j.step('Front Office: receive it (step 10) and hand it over (step 11): selesai', async (p) => {
      await takeNextStep(p, nomor, 'Berita Acara diterima.');
      assert.equal(await summary(p, 'Status'), STATUS_LABEL.diproses);
      assert.match(await takeNextStep(p, nomor, 'Diserahkan kepada pengadu.'), /Pengaduan selesai/);
      assert.equal(await summary(p, 'Status'), 'Selesai');
      // No step is left; what the Front Office still may do is correct the answer it handed over.
      assert.equal(await p.locator('#tindakan-lanjut').count(), 0, 'no next step after selesai');
      assert.match(await p.locator('main').innerText(), /Jawaban untuk pengadu/);
      const history = await p.locator('.staf-table').last().innerText();
      for (const a of [ACCOUNTS.fo, ACCOUNTS.jft, ACCOUNTS.kabid, ACCOUNTS.kadis]) {
        assert.ok(history.includes(a.username), `the history does not name ${a.username}:\n${history}`);
      }
    });
    await j.step('public status: selesai', () => expectPublicStatus(citizen, nomor, kode, 'selesai'));

    await j.step('Front Office: a finished complaint has left the inbox', async (p) => {
      await p.goto(h.url(`/staf/?q=${encodeURIComponent(nomor)}`));
      assert.match(await p.locator('main p[role="status"]').innerText(), /^0 pengaduan/);
    });

    await j.step('Front Office: log out; the inbox then sends to the login page', async (p) => {
      await logout(p);
      await p.goto(h.url('/staf/'));
      assert.equal(new URL(p.url()).pathname, '/staf/masuk');
    });
  } finally {
    for (const p of [citizen, ...Object.values(pages)]) await p.context().close();
  }
});

// ---------------------------------------------------------------------------------------------
// Refusals

test('console: a POST without the CSRF token is refused with 403 and changes nothing', async () => {
  const page = await h.newPage(browser(), { js: true });
  const j = new h.Journey('konsol: tanpa token CSRF', page);
  const { nomor, kode } = await apiComplaint();
  try {
    await j.step('login form without its token: 403', async (p) => {
      await p.goto(h.url('/staf/masuk'));
      await p.locator('form[action="/staf/masuk"] input[name="csrf"]').evaluate((el) => el.remove());
      await p.locator('#pengguna').fill(ACCOUNTS.fo.username);
      await p.locator('#sandi').fill(PASSWORD);
      const [resp] = await Promise.all([
        p.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/staf/masuk')),
        p.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
      assert.equal(resp.status(), 403);
      await p.waitForLoadState('load');
      assert.match(await p.locator('h1').innerText(), /Permintaan ditolak/);
    });

    await j.step('log in properly and open the complaint', async (p) => {
      await login(p, ACCOUNTS.fo);
      await openComplaint(p, nomor);
    });

    let v;
    await j.step('"Nyatakan lengkap" with the hidden token removed: 403 "Permintaan ditolak"', async (p) => {
      v = await versi(p);
      await p.locator('#tindakan-lengkap input[name="csrf"]').evaluate((el) => el.remove());
      const [resp] = await Promise.all([
        p.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`${nomor}/lengkap`)),
        p.locator('#tindakan-lengkap').getByRole('button', { name: 'Nyatakan lengkap' }).click(),
      ]);
      assert.equal(resp.status(), 403);
      await p.waitForLoadState('load');
      assert.match(await p.locator('h1').innerText(), /Permintaan ditolak/);
      assert.match(await p.locator('main').innerText(), /tidak ada yang berubah/);
    });

    await j.step('a token of another value is refused too', async (p) => {
      const r = await postForm(p, `${NOMOR_PATH(nomor)}/lengkap`, { csrf: 'f'.repeat(64), versi: String(v), prosedur: 'penyelesaian' });
      assert.equal(r.status(), 403, await r.text());
    });

    await j.step('the complaint is unchanged: same version, still Diterima, publicly too', async (p) => {
      await openComplaint(p, nomor);
      assert.equal(await versi(p), v);
      assert.equal(await summary(p, 'Status'), 'Diterima');
      const r = await h.lacakJson(nomor, kode);
      assert.equal(r.json.status, 'diterima');
    });
  } finally {
    await page.context().close();
  }
});

test('console: five wrong passwords lock the account, then even the right one gets 429', async () => {
  const page = await h.newPage(browser(), { js: true });
  const j = new h.Journey('konsol: penguncian akun', page);
  const submit = async (p, password) => {
    await p.goto(h.url('/staf/masuk'));
    await p.locator('#pengguna').fill(ACCOUNTS.locked.username);
    await p.locator('#sandi').fill(password);
    const [resp] = await Promise.all([
      p.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/staf/masuk')),
      p.getByRole('button', { name: 'Masuk', exact: true }).click(),
    ]);
    await p.waitForLoadState('load');
    return resp;
  };
  try {
    for (let i = 1; i <= 5; i += 1) {
      await j.step(`wrong password ${i} of 5: 401, the one message`, async (p) => {
        const resp = await submit(p, `salah sekali ke-${i} ya`);
        assert.equal(resp.status(), 401);
        assert.match(await p.locator('#ringkasan-galat').innerText(), /Nama pengguna atau kata sandi salah/);
        assert.equal(await p.locator('#pengguna').inputValue(), ACCOUNTS.locked.username, 'the name is kept');
        assert.equal(await p.locator('#sandi').inputValue(), '', 'the password is not sent back');
        if (i === 1) await h.checkAxe(p, 'the login page with an error');
      });
    }
    await j.step('the right password now: 429 "Terlalu banyak percobaan", Retry-After', async (p) => {
      const resp = await submit(p, PASSWORD);
      assert.equal(resp.status(), 429);
      assert.ok(Number(resp.headers()['retry-after']) > 0, 'Retry-After missing');
      assert.match(await p.locator('#ringkasan-galat').innerText(), /Terlalu banyak percobaan/);
      assert.equal(new URL(p.url()).pathname, '/staf/masuk');
      await p.goto(h.url('/staf/'));
      assert.equal(new URL(p.url()).pathname, '/staf/masuk', 'a locked login made a session');
    });
    await j.step('another account is not locked by it', async (p) => {
      await login(p, ACCOUNTS.keys);
    });
  } finally {
    await page.context().close();
  }
});

test('console: a session the server no longer knows returns to the login page', async () => {
  // The server's clock is real and the idle limit is 30 minutes, so the test cannot wait for a
  // session to expire; it shows what an expired one leads to instead: a session ended on the
  // server (by logging out) and a cookie the server never issued both send to the login page.
  const page = await h.newPage(browser(), { js: false });
  const j = new h.Journey('konsol: sesi tidak dikenal', page);
  const { nomor } = await apiComplaint();
  const sessionCookie = async (p) => (await p.context().cookies(h.url('/staf/'))).find((c) => c.name === 'staf_sesi');
  try {
    let old;
    await j.step('log in; the session cookie is HttpOnly, SameSite=Strict, Path=/staf', async (p) => {
      await login(p, ACCOUNTS.jft);
      old = await sessionCookie(p);
      assert.ok(old && old.value, 'no session cookie');
      assert.equal(old.httpOnly, true);
      assert.equal(old.sameSite, 'Strict');
      assert.equal(old.path, '/staf');
    });
    await j.step('log out, then put the old cookie back: the complaint page sends to /staf/masuk', async (p) => {
      await logout(p);
      await p.context().addCookies([{ ...old }]);
      assert.equal((await sessionCookie(p)).value, old.value);
      await p.goto(h.url(NOMOR_PATH(nomor)));
      assert.equal(new URL(p.url()).pathname, '/staf/masuk');
      assert.match(await p.locator('h1').innerText(), /Masuk ke konsol petugas/);
    });
    await j.step('a forged session cookie: the inbox sends to /staf/masuk; a POST is not done', async (p) => {
      await p.context().addCookies([{ ...old, value: 'a'.repeat(64) }]);
      await p.goto(h.url('/staf/'));
      assert.equal(new URL(p.url()).pathname, '/staf/masuk');
      const r = await postForm(p, `${NOMOR_PATH(nomor)}/lengkap`, { csrf: 'x', versi: '1', prosedur: 'penyelesaian' });
      assert.equal(r.status(), 303);
      assert.equal(r.headers().location, '/staf/masuk');
    });
    await j.step('logging in again works', (p) => login(p, ACCOUNTS.jft));
  } finally {
    await page.context().close();
  }
});

// ---------------------------------------------------------------------------------------------
// Erasure

test('console: the admin erases the personal data; the console and the store no longer have it', async () => {
  const admin = await h.newPage(browser(), { js: false });
  const fo = await h.newPage(browser(), { js: false });
  const j = new h.Journey('konsol: hapus data pribadi', admin);
  const t = h.uniq();
  const { values, nomor } = await apiComplaint({ nama: 'Rina Kartikasari', email: `rina.${t}@contoh.id`, telepon: '081299887766' });
  try {
    j.page = fo;
    await j.step('Front Office: the identity is shown on request', async (p) => {
      await login(p, ACCOUNTS.fo);
      await openComplaint(p, nomor);
      await p.getByRole('link', { name: 'Tampilkan identitas pengadu' }).click();
      await h.waitForPath(p, /\?identitas=1/);
      const id = await p.locator('#identitas').innerText();
      assert.ok(id.includes(values.nama) && id.includes(values.email), id);
    });
    await j.step('the store has the name (pengaduan-staf lihat)', () => {
      const out = staffTool(['lihat', nomor]);
      assert.ok(out.includes(values.nama) && out.includes(values.email), out);
    });

    j.page = admin;
    await j.step('admin: without the confirmation ticked, nothing is erased (422)', async (p) => {
      await login(p, ACCOUNTS.admin);
      await openComplaint(p, nomor);
      const form = p.locator('#tindakan-hapus-data-pribadi');
      await form.locator('#alasan-hapus').fill(`Permintaan pengadu melalui email (uji ${t}).`);
      await form.getByRole('button', { name: 'Hapus data pribadi' }).click();
      await p.waitForLoadState('load');
      assert.match(await p.locator('#ringkasan-galat').innerText(), /Centang konfirmasi/);
      assert.equal(await p.locator('#alasan-hapus').inputValue(), `Permintaan pengadu melalui email (uji ${t}).`, 'the reason is kept');
    });
    await j.step('admin: reason, confirmation, submit: "Data pribadi telah dihapus."', async (p) => {
      const form = p.locator('#tindakan-hapus-data-pribadi');
      await form.locator('#konfirmasi').check();
      await form.getByRole('button', { name: 'Hapus data pribadi' }).click();
      await h.waitForPath(p, new RegExp(`^${NOMOR_PATH(nomor)}\\?pesan=`));
      assert.match(await p.locator('.notice').innerText(), /Data pribadi telah dihapus/);
      assert.match(await p.locator('main').innerText(), /Data pribadi pengadu telah dihapus\./);
      assert.equal(await p.locator('#tindakan-hapus-data-pribadi').count(), 0, 'erasure offered twice');
    });
    await j.step('admin: the audit trail records the erasure', async (p) => {
      await p.locator('.site-nav').getByRole('link', { name: 'Jejak audit' }).click();
      await h.waitForPath(p, /^\/staf\/audit$/);
      const row = p.locator('.staf-table tbody tr', { hasText: nomor }).filter({ hasText: 'Menghapus data pribadi' });
      assert.equal(await row.count(), 1, await p.locator('main').innerText());
      assert.ok((await row.innerText()).includes(ACCOUNTS.admin.username));
    });

    j.page = fo;
    await j.step('Front Office: ?identitas=1 now shows only that the data were erased', async (p) => {
      await openComplaint(p, nomor, '?identitas=1');
      const main = await p.locator('main').innerText();
      assert.match(main, /Data pribadi pengadu telah dihapus\./);
      for (const v of [values.nama, values.email, values.telepon, values.isi, values.judul]) {
        assert.ok(!main.includes(v), `the console still shows "${v}"`);
      }
      assert.equal(await p.locator('#identitas').count(), 0);
    });
    await j.step('the store no longer has the name, e-mail, phone or text (pengaduan-staf lihat)', () => {
      const out = staffTool(['lihat', nomor]);
      for (const v of [values.nama, values.email, values.telepon, values.isi, values.judul]) {
        assert.ok(!out.includes(v), `pengaduan-staf lihat still shows "${v}":\n${out}`);
      }
      assert.match(out, /dihapus atas permintaan/);
    });
  } finally {
    await admin.context().close();
    await fo.context().close();
  }
});

// ---------------------------------------------------------------------------------------------
// Accessibility, small screens, keyboard

test('console pages: axe-core finds nothing, screenshots at 360 and 1280 px, no horizontal scrolling', async () => {
  const page = await h.newPage(browser(), { js: true, width: h.WIDTHS.mobile });
  const j = new h.Journey('konsol: halaman', page);
  const { nomor } = await apiComplaint({
    judul: 'Antrean loket izin usaha lambat',
    isi: 'Saya menunggu lebih dari tiga jam di loket Front Office untuk menanyakan izin usaha saya.\nPetugas tidak memberi nomor antrean.',
  });
  const check = async (name, label) => {
    await j.step(`${label}: 360 px, no overflow, screenshot, axe`, async (p) => {
      await p.setViewportSize({ width: h.WIDTHS.mobile, height: 740 });
      await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await h.checkNoHorizontalOverflow(p, `${label} at 360 px`);
      await h.screenshot(p, `${name}-360`);
      await h.checkAxe(p, `${label} at 360 px`);
    });
    await j.step(`${label}: 1280 px, no overflow, screenshot, axe`, async (p) => {
      await p.setViewportSize({ width: h.WIDTHS.desktop, height: 900 });
      await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await h.checkNoHorizontalOverflow(p, `${label} at 1280 px`);
      await h.screenshot(p, `${name}-1280`);
      await h.checkAxe(p, `${label} at 1280 px`);
    });
  };
  try {
    await j.step('open the login page', (p) => p.goto(h.url('/staf/masuk')));
    await check('staf-masuk', 'login page');
    await j.step('log in as the Front Office; one more complaint, declared complete, has a deadline', async (p) => {
      await login(p, ACCOUNTS.fo);
      const other = await apiComplaint({ judul: 'Petugas loket tidak memberi nomor antrean' });
      const r = await postForm(p, `${NOMOR_PATH(other.nomor)}/lengkap`, {
        csrf: await csrfOf(p), versi: '1', prosedur: 'penyelesaian', catatan: 'Lengkap.',
      });
      assert.equal(r.status(), 303, await r.text());
      await p.reload();
      const row = p.locator('.staf-table tbody tr', { hasText: other.nomor });
      assert.match(await row.innerText(), /hari kerja lagi/);
    });
    await check('staf-kotak', 'inbox');
    await j.step('open a complaint from the inbox', async (p) => {
      await p.goto(h.url(`/staf/?q=${encodeURIComponent(nomor)}`));
      await p.locator('.staf-table').getByRole('link', { name: nomor }).click();
      await h.waitForPath(p, new RegExp(`^${NOMOR_PATH(nomor)}$`));
      // The report keeps its line break, as text: no markup of its own shows.
      const isi = await p.locator('.staf-isi').innerText();
      assert.match(isi, /saya\.\nPetugas/, isi);
      assert.ok(!isi.includes('<br>'), isi);
    });
    await check('staf-pengaduan', 'complaint page');
  } finally {
    await page.context().close();
  }
});

test('console: logging in with the keyboard only (Tab to the fields, Enter submits)', async () => {
  const page = await h.newPage(browser(), { js: true });
  const j = new h.Journey('konsol: masuk dengan papan ketik', page);
  const focused = (p) => p.evaluate(() => {
    const el = document.activeElement;
    return el.id || el.className || el.tagName;
  });
  try {
    await j.step('open the login page', (p) => p.goto(h.url('/staf/masuk')));
    await j.step('Tab: the skip link, the site name, then the user name field', async (p) => {
      const seen = [];
      for (let i = 0; i < 3; i += 1) {
        await p.keyboard.press('Tab');
        seen.push(await focused(p));
      }
      assert.deepEqual(seen, ['skip-link', 'site-name', 'pengguna']);
    });
    await j.step('type the name, Tab, type the password, Enter', async (p) => {
      await p.keyboard.type(ACCOUNTS.keys.username);
      await p.keyboard.press('Tab');
      assert.equal(await focused(p), 'sandi');
      await p.keyboard.type(PASSWORD);
      await p.keyboard.press('Enter');
      await h.waitForPath(p, /^\/staf\/$/);
      assert.match(await p.locator('h1').innerText(), /Kotak masuk/);
    });
  } finally {
    await page.context().close();
  }
});
