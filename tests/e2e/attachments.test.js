'use strict';
// Issue 7: a citizen attaches a photo and a PDF, submits with JavaScript off and on, and the
// staff tool then shows both files for that register number.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const zlib = require('node:zlib');
const h = require('./lib/harness');

const browser = h.useBrowser();

/** A real 2x2 PNG (a photo stand-in), built here so the test needs no binary fixture. */
function png() {
  const crc = (buf) => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
  const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

function staffAttachments(nomor) {
  assert.ok(process.env.E2E_STAFF, 'E2E_STAFF (the staff tool) is not set: run tests/e2e/run.sh');
  return execFileSync(
    process.env.E2E_STAFF,
    ['--store', process.env.E2E_STORE, '--root', process.env.E2E_ROOT, 'lampiran', nomor],
    // The server's fixed clock: the run must not depend on (or warn about) the calendar
    // around today.
    { encoding: 'utf8', env: h.staffEnv() },
  );
}

async function attachJourney(name, js) {
  const page = await h.newPage(browser(), { js });
  const j = new h.Journey(name, page);
  const values = h.validComplaint();
  let nomor;
  try {
    await j.step('open the form and fill it in', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, values);
    });
    await j.step('attach a photo and a PDF', async (p) => {
      await p.locator('#lampiran').setInputFiles([
        { name: 'foto-loket.png', mimeType: 'image/png', buffer: png() },
        { name: 'surat permohonan.pdf', mimeType: 'application/pdf', buffer: PDF },
      ]);
      const hint = await p.locator('#lampiran-hint').innerText();
      assert.match(hint, /3 berkas.*2 MB.*5 MB.*PDF, JPEG, PNG, atau WebP/s);
    });
    await j.step('submit and land on the confirmation', async (p) => {
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await h.waitForPath(p, /^\/api\/lacak\?/);
      ({ nomor } = await h.readConfirmation(p));
      assert.match(nomor || '', h.NOMOR_RE);
      const body = await p.locator('body').innerText();
      assert.ok(!body.includes('foto-loket.png'), 'the status page must not expose files');
    });
    await j.step('the staff tool lists both files for that number', async () => {
      const out = staffAttachments(nomor);
      assert.match(out, /foto-loket\.png/, out);
      assert.match(out, /surat permohonan\.pdf/, out);
      assert.match(out, /image\/png/, out);
      assert.match(out, /application\/pdf/, out);
    });
  } finally {
    await page.context().close();
  }
}

test('attachments: a photo and a PDF with JavaScript off', () => attachJourney('lampiran-tanpa-js', false));
test('attachments: a photo and a PDF with JavaScript on', () => attachJourney('lampiran-dengan-js', true));

test('attachments: a GIF is refused with a message naming it, values kept', async () => {
  const page = await h.newPage(browser(), { js: false });
  const j = new h.Journey('lampiran-gif', page);
  try {
    await j.step('submit with a GIF renamed to .png', async (p) => {
      await p.goto(h.url('/pengaduan/'));
      await h.fillComplaint(p, h.validComplaint({ nama: 'Budi Santoso' }));
      await p.locator('#lampiran').setInputFiles([
        { name: 'animasi.png', mimeType: 'image/png', buffer: Buffer.from('GIF89a\x01\x00\x01\x00') },
      ]);
      await p.getByRole('button', { name: 'Kirim Pengaduan' }).click();
      await p.waitForLoadState('load');
    });
    await j.step('the error names the file and the form keeps the values', async (p) => {
      const summary = await p.locator('#ringkasan-galat').innerText();
      assert.match(summary, /animasi\.png/);
      assert.equal(await p.locator('#nama').inputValue(), 'Budi Santoso');
      await p.locator('#ringkasan-galat a[href="#lampiran"]').waitFor();
    });
  } finally {
    await page.context().close();
  }
});
