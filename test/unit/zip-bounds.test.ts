import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeflateRaw, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zipOutOfBounds } from '../../shared/adapters/zip-bounds.ts';
import { dunghan } from '../support/run-cli.ts';

/*
 * Issue #32: a 4.6 MB .xlsx whose shared strings inflate to gigabytes took `import --dry-run` to 4.3 GB and
 * a crash. Workbooks are checked before any reader inflates them: declared sizes and ratios, then each
 * entry inflated into nothing, counting — so a zip that lies about its sizes is caught too.
 */

/** `megabytes` of one letter, deflated in pieces (never held inflated). */
async function deflatedLetters(megabytes: number): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const chunk = Buffer.alloc(1024 ** 2, 0x61);
  for (let i = 0; i < megabytes; i += 1) if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  deflate.end();
  await done;
  return Buffer.concat(out);
}

/** A zip of deflated entries, each declaring the sizes given (the truth unless told otherwise). */
function zip(entries: { name: string; data: Buffer; uncompressed: number }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.uncompressed, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(e.data.length, 20);
    header.writeUInt32LE(e.uncompressed, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    parts.push(local, name, e.data);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

const small = (name: string, text: string) => ({
  name,
  data: deflateRawSync(Buffer.from(text)),
  uncompressed: Buffer.byteLength(text),
});
const file = (name: string, bytes: Buffer) => {
  const path = join(tmpdir(), `dunghan-zip-${process.pid}-${name}.xlsx`);
  writeFileSync(path, bytes);
  return path;
};

describe('workbooks bounded before they are read', () => {
  it('lets the shipped export through', async () => {
    expect(await zipOutOfBounds('docs/examples/import/danh-sach-ho-so.xlsx')).toBeUndefined();
  });

  it('refuses shared strings that inflate 1,000 times, by their declared sizes, without inflating them', async () => {
    const bomb = await deflatedLetters(200);
    const path = file(
      'honest',
      zip([
        small('[Content_Types].xml', '<Types/>'),
        { name: 'xl/sharedStrings.xml', data: bomb, uncompressed: 200 * 1024 ** 2 },
      ]),
    );
    expect(await zipOutOfBounds(path)).toBe(
      'xl/sharedStrings.xml inflates to 209715200 bytes; at most 134217728 are read',
    );
    const sheet = file('sheet', zip([{ name: 'xl/worksheets/sheet1.xml', data: bomb, uncompressed: 200 * 1024 ** 2 }]));
    expect(await zipOutOfBounds(sheet)).toMatch(
      /^xl\/worksheets\/sheet1\.xml inflates \d+ times its size \(at most 200\): a zip bomb/,
    );
  }, 60_000);

  it('refuses an entry that inflates past the size it declares, counting as it inflates', async () => {
    const bomb = await deflatedLetters(300);
    const path = file('liar', zip([{ name: 'xl/sharedStrings.xml', data: bomb, uncompressed: 1000 }]));
    expect(await zipOutOfBounds(path)).toBe(
      'xl/sharedStrings.xml declares 1000 bytes but inflates to more: not a workbook Excel or LibreOffice wrote',
    );
    // Through the command, as a supervisor runs it: refused with the reason, nothing read, no crash.
    const run = await dunghan(
      'import',
      path,
      '--dry-run',
      '--data-dir',
      join(tmpdir(), `dunghan-zip-${process.pid}-data`),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('declares 1000 bytes but inflates to more');
  }, 60_000);
});
