'use strict';
// Issue 23 item 7, the AWS half: a request to the function is at most 6 MB there, so with
// scripts on the files go straight to the attachment bucket. This file starts its own
// `site-gen serve` whose attachments are in a bucket on moto's S3 server (`--lampiran
// s3:BUCKET`), as on AWS, and sends a complaint with a 4 MB phone photo and a PDF through it in
// Chromium: the photo is fitted, both files are posted to the bucket with their signed forms,
// the complaint carries only their keys, and the staff tool lists both files afterwards.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./lib/harness');
const { bigPhoto, MIB } = require('./lib/files');

const browser = h.useBrowser();
const REPO = path.resolve(__dirname, '..', '..');
const BUCKET = 'lampiran-e2e';
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let work;
let moto;
let serve;
let motoUrl;
let base;
let env;

/** The first match of `re` in what `child` prints, within `ms`; fails with the output. */
function announced(child, re, what, ms) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${ms} ms:\n${seen}`)), ms);
    const read = (chunk) => {
      seen += chunk;
      const m = seen.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    for (const stream of [child.stdout, child.stderr]) if (stream) stream.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${seen}`));
    });
  });
}

before(async () => {
  assert.ok(process.env.MOTO_PYTHON, 'MOTO_PYTHON (moto\'s Python) is not set: run tests/e2e/run.sh');
  assert.ok(process.env.E2E_SITE_GEN, 'E2E_SITE_GEN (site-gen) is not set: run tests/e2e/run.sh');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'unggah-langsung-'));
  moto = spawn(process.env.MOTO_PYTHON, [path.join(REPO, 'tests/support/moto_serial.py'), '-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = (await announced(moto, /Running on http:\/\/127\.0\.0\.1:(\d+)/, "moto's server", 30_000))[1];
  motoUrl = `http://127.0.0.1:${port}`;
  const made = await fetch(`${motoUrl}/${BUCKET}`, { method: 'PUT' });
  assert.ok(made.ok, `bucket not made: ${made.status}`);
  const site = path.join(work, 'site');
  fs.cpSync(process.env.E2E_ROOT, site, { recursive: true });
  env = {
    ...process.env,
    AWS_ENDPOINT_URL_S3: motoUrl,
    AWS_REGION: 'ap-southeast-3',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    PENGADUAN_RATE_LIMIT_PER_HOUR: '0',
    PENGADUAN_STAF_WAKTU: process.env.E2E_CLOCK || '2026-03-17T03:00:00Z',
  };
  // This server's receipts must not land among the shared SMTP server's messages.
  delete env.SMTP_URL;
  const store = `sqlite:${path.join(work, 'pengaduan.db')}`;
  env.E2E_LANGSUNG_STORE = store;
  serve = spawn(
    process.env.E2E_SITE_GEN,
    ['serve', '--root', site, '--port', '0', '--store', store, '--lampiran', `s3:${BUCKET}`],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  base = (await announced(serve, /Situs tersaji di (http:\/\/[^/ ]*)\//, 'site-gen serve', 180_000))[1];
});

after(() => {
  for (const child of [serve, moto]) if (child && child.exitCode === null) child.kill('SIGTERM');
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The staff tool on this server's store and bucket. */
function staff(args) {
  const root = path.join(work, 'site');
  return execFileSync(
    process.env.E2E_STAFF,
    ['--store', env.E2E_LANGSUNG_STORE, '--root', root, '--lampiran', `s3:${BUCKET}`, ...args],
    { encoding: 'utf8', env },
  );
}

test('upload on S3: a photo and a PDF go straight to the bucket, the complaint names them', async () => {
  const page = await h.newPage(browser(), { width: h.WIDTHS.mobile });
  const j = new h.Journey('unggah-langsung-s3', page);
  // Every POST and its answer's status (Chromium does not show a file's bytes in a request).
  const posts = [];
  page.on('response', (r) => {
    if (r.request().method() === 'POST') posts.push({ url: r.url(), status: r.status() });
  });
  try {
    await j.step('the form page may connect to the bucket', async (p) => {
      const resp = await p.goto(`${base}/pengaduan/`);
      const csp = resp.headers()['content-security-policy'] || '';
      assert.match(csp, new RegExp(`connect-src 'self' ${motoUrl.replace(/[.]/g, '\\.')}`), csp);
    });
    let photo;
    await j.step('a complaint with a 4 MB photo and a PDF', async (p) => {
      await h.fillComplaint(p, h.validComplaint({ judul: 'Antrean loket perizinan penuh' }));
      photo = await bigPhoto(p);
      await p.locator('#lampiran').setInputFiles([
        { name: 'antrean.jpg', mimeType: 'image/jpeg', buffer: photo },
        { name: 'surat.pdf', mimeType: 'application/pdf', buffer: pdf },
      ]);
      await p.locator('#lampiran-status').getByText(/antrean\.jpg .*diperkecil/).waitFor();
    });
    await j.step('sent: the files to the bucket, the form without them', async (p) => {
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      const signed = posts.filter((r) => new URL(r.url).pathname === '/api/unggah');
      const toBucket = posts.filter((r) => r.url.startsWith(`${motoUrl}/${BUCKET}`));
      const form = posts.filter((r) => new URL(r.url).pathname === '/api/pengaduan');
      assert.deepEqual(signed.map((r) => r.status), [200], JSON.stringify(posts));
      assert.deepEqual(toBucket.map((r) => r.status), [204, 204], 'the bucket took both files');
      assert.deepEqual(form.map((r) => r.status), [303], JSON.stringify(posts));
      await h.screenshot(p, 'unggah-langsung-terkirim-360');
    });
    await j.step('the staff tool lists both files, and nothing waits in the bucket', async (p) => {
      const { nomor } = await h.readConfirmation(p);
      assert.match(nomor || '', h.NOMOR_RE);
      const out = staff(['lampiran', nomor]);
      assert.match(out, /antrean\.jpg/, out);
      assert.match(out, /surat\.pdf/, out);
      const listing = await (await fetch(`${motoUrl}/${BUCKET}?list-type=2`)).text();
      assert.match(listing, new RegExp(`lampiran/${nomor}/manifest\\.json`), listing);
      assert.doesNotMatch(listing, /<Key>(unggahan|pending)\//, listing);
      // The photo was fitted in the browser before it went: the committed copy is under 2 MB.
      const size = (ext) => {
        const m = listing.match(new RegExp(`<Key>lampiran/${nomor}/[^<]*\\.${ext}</Key>.*?<Size>(\\d+)</Size>`, 's'));
        return m ? Number(m[1]) : NaN;
      };
      assert.ok(size('jpg') > 100 * 1024 && size('jpg') <= 2 * MIB, `photo of ${size('jpg')} bytes`);
      assert.equal(size('pdf'), pdf.length);
    });
  } finally {
    await page.context().close();
  }
});
