'use strict';
// Email to the complainant (issue 13), read from a real SMTP server: run.sh starts
// tests/support/smtp_server.py, gives `site-gen serve` and the staff tool its SMTP_URL, and
// tells the tests its folder (E2E_MAIL_DIR), where it writes each message it accepts as an .eml.
//
// - A citizen submits the public form (JavaScript on) with an address unique to the run; the
//   receipt arrives addressed to it, its subject names the register number, its text holds the
//   number, the tracking code and the link to /lacak/.
// - Staff, in the console: the Front Office returns the files with a reason (an email with the
//   reason and "Perlu dilengkapi"), then declares them complete (an email with the deadline the
//   console shows); the roles take their steps until `selesai` (an email for "Sedang diproses",
//   one for "Selesai" with the survey invitation). One email per public status change, and none
//   holds a staff member's user name, full name or a note typed in the console.
// - An anonymous complaint with an email address gets no email at all.

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const h = require('./lib/harness');

const MAIL_DIR = process.env.E2E_MAIL_DIR;
const RUN = h.uniq();
const PASSWORD = 'Teh manis hangat di loket 3';
const ACCOUNTS = {
  fo: { peran: 'front-office', username: `surel-fo-${RUN}`, name: 'Wulan Sekarini' },
  jft: { peran: 'jft', username: `surel-jft-${RUN}`, name: 'Bayu Saputra' },
  kabid: { peran: 'kepala-bidang', username: `surel-kabid-${RUN}`, name: 'Citra Maharani' },
  kadis: { peran: 'kepala-dinas', username: `surel-kadis-${RUN}`, name: 'Dimas Nugroho' },
};
/** Every note typed in the console carries this: none may reach an email. */
const NOTE_TAG = `catatan-internal-${RUN}`;

// ---------------------------------------------------------------------------------------------
// A small MIME reader: headers (unfolded, RFC 2047 words decoded), multipart bodies, base64
// and quoted-printable parts.

function decodeQp(text) {
  const bytes = [];
  const src = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i += 1) {
    if (src[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(src[i], 'latin1'));
    }
  }
  return Buffer.from(bytes);
}

function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, enc, data) => {
      const buf = /b/i.test(enc) ? Buffer.from(data, 'base64') : decodeQp(data.replace(/_/g, ' '));
      return buf.toString(/utf-?8/i.test(charset) ? 'utf8' : 'latin1');
    });
}

/** Parses one MIME entity (a Buffer's latin1 text): { headers, parts, body }. */
function parseEntity(raw) {
  const sep = /\r?\n\r?\n/.exec(raw);
  const head = sep ? raw.slice(0, sep.index) : raw;
  const body = sep ? raw.slice(sep.index + sep[0].length) : '';
  const headers = {};
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) {
      const k = m[1].trim().toLowerCase();
      if (!(k in headers)) headers[k] = decodeWords(Buffer.from(m[2], 'latin1').toString('utf8'));
    }
  }
  const type = headers['content-type'] || 'text/plain';
  const boundary = (/boundary="?([^";]+)"?/i.exec(type) || [])[1];
  if (/^multipart\//i.test(type) && boundary) {
    const esc = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const chunks = body.split(new RegExp(`\\r?\\n?--${esc}(?:--)?[ \\t]*\\r?\\n?`));
    // chunks[0] is the preamble, the last after the closing delimiter the epilogue.
    const parts = chunks.slice(1).filter((c) => c.trim() !== '').map(parseEntity);
    return { headers, parts };
  }
  const cte = (headers['content-transfer-encoding'] || '7bit').toLowerCase();
  let buf;
  if (cte === 'base64') buf = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else if (cte === 'quoted-printable') buf = decodeQp(body);
  else buf = Buffer.from(body, 'latin1');
  const charset = (/charset="?([^";]+)"?/i.exec(type) || [])[1] || 'utf-8';
  return { headers, body: buf.toString(/utf-?8/i.test(charset) ? 'utf8' : 'latin1') };
}

/** The leaves of an entity whose type starts with `mime`. */
function leaves(entity, mime) {
  if (entity.parts) return entity.parts.flatMap((p) => leaves(p, mime));
  const type = (entity.headers['content-type'] || 'text/plain').toLowerCase();
  return type.startsWith(mime) ? [entity.body] : [];
}

/** One .eml file: { file, to, subject, text, html, raw }. */
function readEmail(file) {
  const raw = fs.readFileSync(file).toString('latin1');
  const e = parseEntity(raw);
  return {
    file,
    to: e.headers.to || '',
    from: e.headers.from || '',
    subject: e.headers.subject || '',
    text: leaves(e, 'text/plain').join('\n'),
    html: leaves(e, 'text/html').join('\n'),
    raw: Buffer.from(raw, 'latin1').toString('utf8'),
  };
}

/** Every message the SMTP server accepted so far, oldest first. */
function allEmails() {
  assert.ok(MAIL_DIR, 'E2E_MAIL_DIR (the SMTP test server\'s folder) is not set: run tests/e2e/run.sh');
  return fs
    .readdirSync(MAIL_DIR)
    .filter((n) => n.endsWith('.eml'))
    .map((n) => path.join(MAIL_DIR, n))
    .map((f) => ({ f, t: fs.statSync(f).mtimeMs }))
    .sort((a, b) => a.t - b.t)
    .map(({ f }) => readEmail(f));
}

const to = (address) => allEmails().filter((e) => e.to.toLowerCase().includes(address.toLowerCase()));

/** Waits (up to `ms`) for a message to `address` that `pred` accepts; returns it. */
async function waitForEmail(address, pred, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = to(address).find(pred);
    if (found) return found;
    if (Date.now() > deadline) {
      const got = to(address).map((e) => `  "${e.subject}"`).join('\n') || '  (none)';
      assert.fail(`no email ${what} to ${address} within ${ms / 1000} s; to that address so far:\n${got}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * How many messages about `nomor` the server's outbox still has to send (due, retrying or being
 * sent). Read from the SQLite store run.sh gives the server (E2E_STORE), with Python's sqlite3:
 * node 20 has no SQLite of its own.
 */
function outboxPending(nomor) {
  const store = process.env.E2E_STORE || '';
  assert.ok(store.startsWith('sqlite:'), `E2E_STORE (${store}) is not a SQLite store: run tests/e2e/run.sh`);
  const query = [
    'import sqlite3, sys',
    'db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=10)',
    'print(db.execute("SELECT count(*) FROM outbox WHERE nomor = ? AND state = \'tertunda\'", (sys.argv[2],)).fetchone()[0])',
  ].join('\n');
  return Number(execFileSync('python3', ['-c', query, store.slice('sqlite:'.length), nomor], { encoding: 'utf8' }).trim());
}

/** Waits (up to `ms`) until the outbox has sent everything about `nomor`. */
async function waitForOutboxDrained(nomor, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (let pending = outboxPending(nomor); pending > 0; pending = outboxPending(nomor)) {
    if (Date.now() > deadline) assert.fail(`the outbox still has ${pending} message(s) about ${nomor} after ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---------------------------------------------------------------------------------------------
// Staff

function staffTool(args, input) {
  assert.ok(process.env.E2E_STAFF, 'E2E_STAFF (the staff tool) is not set: run tests/e2e/run.sh');
  try {
    return execFileSync(
      process.env.E2E_STAFF,
      ['--store', process.env.E2E_STORE, '--root', process.env.E2E_ROOT, ...args],
      { encoding: 'utf8', input: input === undefined ? '' : input, stdio: ['pipe', 'pipe', 'pipe'], env: h.staffEnv() },
    );
  } catch (e) {
    throw new Error(`pengaduan-staf ${args.join(' ')} failed (${e.status}):\n${e.stdout || ''}${e.stderr || ''}`);
  }
}

async function login(page, account) {
  await page.goto(h.url('/staf/masuk'));
  await page.locator('#pengguna').fill(account.username);
  await page.locator('#sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await h.waitForPath(page, /^\/staf\/$/);
}

async function openComplaint(page, nomor) {
  const resp = await page.goto(h.url(`/staf/pengaduan/${nomor}`));
  assert.equal(resp.status(), 200, `GET /staf/pengaduan/${nomor} answered ${resp.status()}`);
}

async function summary(page, label) {
  const row = page.locator('main > dl.summary-list > .summary-list__row', {
    has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }),
  });
  return (await row.locator('dd').innerText()).trim();
}

async function publicStatus(nomor, kode) {
  const r = await h.lacakJson(nomor, kode);
  assert.equal(r.status, 200, r.text);
  return r.json.status;
}

const DATE_RE = /\d{1,2} [A-Z][a-z]+ \d{4}/;

const browser = h.useBrowser();
before(() => {
  for (const a of Object.values(ACCOUNTS)) {
    staffTool(['pengguna', 'tambah', a.username, '--peran', a.peran, '--nama', a.name], `${PASSWORD}\n`);
  }
});

test('email: the receipt and each status change reach the complainant; an anonymous complaint gets none', async () => {
  assert.ok(MAIL_DIR && fs.existsSync(MAIL_DIR), `E2E_MAIL_DIR (${MAIL_DIR}) is not a folder: run tests/e2e/run.sh`);
  const citizen = await h.newPage(browser(), { js: true });
  const staffPages = {};
  for (const who of Object.keys(ACCOUNTS)) staffPages[who] = await h.newPage(browser(), { js: false });
  const j = new h.Journey('surel: tanda terima dan perubahan status', citizen);
  const as = (who) => {
    j.page = who === 'citizen' ? citizen : staffPages[who];
    return j.page;
  };

  const address = `pelapor.${RUN}@contoh.id`;
  const anonAddress = `anonim.${RUN}@contoh.id`;
  const values = h.validComplaint({ nama: 'Rahmat Hidayat', email: address, judul: `Izin usaha belum terbit ${RUN}` });
  const anonValues = h.validComplaint({ nama: '', email: anonAddress, telepon: '', anonim: true, judul: `Pungutan di loket ${RUN}` });
  const reason = `Salinan KTP dan surat kuasa belum dilampirkan (uji ${RUN}).`;
  let nomor;
  let kode;
  let anonNomor;
  const emails = {};

  const submit = async (p, v) => {
    await p.goto(h.url('/pengaduan/'));
    await h.fillComplaint(p, v);
    await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
    await h.waitForPath(p, /^\/api\/lacak\?/);
    const c = await h.readConfirmation(p);
    assert.match(c.nomor || '', h.NOMOR_RE, c.text);
    assert.match(c.kode || '', h.KODE_RE, c.text);
    return c;
  };

  try {
    as('citizen');
    await j.step('an anonymous complaint with an email address is accepted', async (p) => {
      ({ nomor: anonNomor } = await submit(p, anonValues));
    });

    await j.step('a complaint with an email address: the confirmation shows number and code', async (p) => {
      ({ nomor, kode } = await submit(p, values));
    });

    await j.step('the receipt arrives: To, Subject with the number, text with number, code, /lacak/ link', async () => {
      const e = await waitForEmail(address, (m) => m.subject.includes(nomor), `with ${nomor} in its subject`);
      emails.receipt = e;
      assert.match(e.to, new RegExp(`<?${address.replace(/\./g, '\\.')}>?$`), `To: ${e.to}`);
      assert.match(e.subject, /Tanda terima/, e.subject);
      assert.ok(e.text.includes(nomor), `the text part lacks ${nomor}:\n${e.text}`);
      assert.ok(e.text.includes(kode), `the text part lacks the tracking code ${kode}:\n${e.text}`);
      assert.ok(e.text.includes(h.url('/lacak/')), `the text part lacks the link ${h.url('/lacak/')}:\n${e.text}`);
      assert.ok(e.html.includes(nomor) && e.html.includes(kode), 'the HTML part lacks the number or the code');
      assert.match(e.text, /GRATIS/, 'the receipt says the service is free');
    });

    as('fo');
    await j.step('Front Office: log in, return the files for completion with a reason', async (p) => {
      await login(p, ACCOUNTS.fo);
      await openComplaint(p, nomor);
      const form = p.locator('#tindakan-kembalikan');
      await form.locator('#alasan-kembalikan').fill(reason);
      await form.getByRole('button', { name: 'Kembalikan berkas' }).click();
      await h.waitForPath(p, new RegExp(`^/staf/pengaduan/${nomor}\\?pesan=`));
      assert.equal(await summary(p, 'Status'), 'Perlu dilengkapi');
      assert.equal(await publicStatus(nomor, kode), 'perlu_dilengkapi');
    });

    await j.step('an email with "Perlu dilengkapi" and the reason arrives', async () => {
      const e = await waitForEmail(address, (m) => m.subject.includes(nomor) && /Perlu dilengkapi/.test(m.subject), '"Perlu dilengkapi"');
      emails.perlu_dilengkapi = e;
      assert.ok(e.text.includes('Perlu dilengkapi'), e.text);
      assert.ok(e.text.includes(reason), `the reason is missing:\n${e.text}`);
      assert.ok(e.html.includes(`uji ${RUN}`), 'the HTML part lacks the reason');
      assert.ok(!e.text.includes(kode), 'a status email repeats the tracking code');
    });

    let tenggat;
    await j.step('Front Office: declare the files complete, with an internal note; the deadline is set', async (p) => {
      await openComplaint(p, nomor);
      const form = p.locator('#tindakan-lengkap');
      await form.locator('input[name="prosedur"][value="penyelesaian"]').check();
      await form.locator('#catatan-lengkap').fill(`Berkas diterima lengkap oleh ${ACCOUNTS.fo.name} (${NOTE_TAG}-lengkap).`);
      await form.getByRole('button', { name: 'Nyatakan lengkap' }).click();
      await h.waitForPath(p, new RegExp(`^/staf/pengaduan/${nomor}\\?pesan=`));
      tenggat = await summary(p, 'Tenggat');
      assert.match(tenggat, DATE_RE, `Tenggat: ${tenggat}`);
      assert.equal(await publicStatus(nomor, kode), 'diverifikasi');
    });

    await j.step('an email with "Berkas lengkap, diverifikasi" and the deadline date arrives', async () => {
      const e = await waitForEmail(address, (m) => m.subject.includes(nomor) && /diverifikasi/.test(m.subject), '"diverifikasi"');
      emails.diverifikasi = e;
      const date = tenggat.match(DATE_RE)[0];
      assert.ok(e.text.includes('Berkas lengkap, diverifikasi'), e.text);
      assert.ok(e.text.includes(date), `the deadline ${date} (console: "${tenggat}") is missing:\n${e.text}`);
      assert.match(e.text, /paling lambat/, e.text);
    });

    const roles = ['fo', 'jft', 'kabid', 'kadis'];
    for (const who of roles.slice(1)) {
      as(who);
      await j.step(`${ACCOUNTS[who].peran}: log in`, (p) => login(p, ACCOUNTS[who]));
    }

    await j.step('every role takes its step in the console, with a note, until "selesai"', async () => {
      const seen = [];
      for (let n = 1; n <= 20; n += 1) {
        const status = await publicStatus(nomor, kode);
        seen.push(status);
        if (status === 'selesai') break;
        let took = false;
        for (const who of roles) {
          const p = as(who);
          await openComplaint(p, nomor);
          const form = p.locator('#tindakan-lanjut');
          if ((await form.count()) === 0) continue;
          await form.locator('#catatan-lanjut').fill(`Dikerjakan oleh ${ACCOUNTS[who].name}, ${ACCOUNTS[who].username} (${NOTE_TAG}-${n}).`);
          await form.locator('button[type="submit"]').click();
          await h.waitForPath(p, new RegExp(`^/staf/pengaduan/${nomor}\\?pesan=`));
          took = true;
          break;
        }
        assert.ok(took, `no role is offered the next step of ${nomor} (public status ${status})`);
      }
      assert.equal(seen[seen.length - 1], 'selesai', `public statuses seen: ${seen.join(', ')}`);
      assert.ok(seen.includes('diproses'), `never "diproses": ${seen.join(', ')}`);
    });

    await j.step('an email with "Sedang diproses" arrives', async () => {
      const e = await waitForEmail(address, (m) => m.subject.includes(nomor) && /Sedang diproses/.test(m.subject), '"Sedang diproses"');
      emails.diproses = e;
      assert.ok(e.text.includes('Sedang diproses') && e.text.includes(h.url('/lacak/')), e.text);
    });

    await j.step('an email with "Selesai" and the survey invitation arrives', async () => {
      const e = await waitForEmail(address, (m) => m.subject.includes(nomor) && /: Selesai/.test(m.subject), '"Selesai"');
      emails.selesai = e;
      assert.match(e.text, /Survei Kepuasan Masyarakat/, e.text);
      assert.ok(e.text.includes(h.url('/lacak/')), `the survey's way (the /lacak/ link) is missing:\n${e.text}`);
      assert.match(e.html, /Survei Kepuasan Masyarakat/, 'the HTML part lacks the survey invitation');
    });

    await j.step('one email per public status change, none with a staff name, user name or note', async () => {
      // Until nothing about it is left to send, so that a message sent twice would be here too
      // (the server accepts a message before it is marked sent).
      await waitForOutboxDrained(nomor);
      const got = to(address);
      assert.equal(got.length, 5, `expected 5 emails to ${address}, got:\n${got.map((e) => `  "${e.subject}"`).join('\n')}`);
      const forbidden = [NOTE_TAG, ...Object.values(ACCOUNTS).flatMap((a) => [a.username, a.name])];
      for (const e of got) {
        const all = [e.subject, e.text, e.html, e.raw].join('\n');
        for (const bad of forbidden) {
          assert.ok(!all.includes(bad), `"${e.subject}" (${e.file}) holds "${bad}"`);
        }
      }
    });

    await j.step('the anonymous complaint got no email, to its address or naming its number', async () => {
      // Its receipt would have been due before the other complaint's, delivered long ago.
      const all = allEmails();
      const leaked = all.filter((e) => e.to.toLowerCase().includes(anonAddress) || [e.subject, e.text, e.html].some((t) => t.includes(anonNomor)));
      assert.deepEqual(leaked.map((e) => `${e.to}: ${e.subject}`), [], `anonymous ${anonNomor} was mailed`);
    });
  } finally {
    for (const p of [citizen, ...Object.values(staffPages)]) await p.context().close();
  }
});
