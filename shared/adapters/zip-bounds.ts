import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

/*
 * An .xlsx is a zip: a few megabytes may inflate to gigabytes (a "zip bomb"), and the spreadsheet reader
 * keeps the shared strings in memory. Before any reader opens one (issue #32), its central directory is
 * read — each entry's declared sizes — and every entry is inflated once into nothing, counting, so that an
 * entry that inflates past its declared size or past its bound is refused before a byte is kept.
 */

/** What an export's zip may hold (the spreadsheet reader keeps `xl/sharedStrings.xml` in memory). */
export interface ZipLimits {
  /** Any one entry, inflated (a sheet is streamed: a province's year fits). */
  maxEntryBytes: number;
  /** Entries held in memory whole, by name, inflated. */
  heldEntries: Readonly<Record<string, number>>;
  /** All entries together, inflated. */
  maxTotalBytes: number;
  /** Inflated over compressed, for entries above a megabyte (spreadsheet XML deflates 5–30×; a bomb 1,000×). */
  maxRatio: number;
}

export const EXPORT_ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: 4 * 1024 ** 3,
  heldEntries: { 'xl/sharedStrings.xml': 128 * 1024 ** 2 },
  maxTotalBytes: 8 * 1024 ** 3,
  maxRatio: 200,
};

interface ZipEntry {
  name: string;
  method: number;
  compressed: number;
  uncompressed: number;
  localOffset: number;
}

/** Why the zip is out of bounds (naming the entry), or undefined. Throws only on a read error. */
export async function zipOutOfBounds(file: string, limits: ZipLimits = EXPORT_ZIP_LIMITS): Promise<string | undefined> {
  const handle = await open(file, 'r');
  let entries: ZipEntry[] | string;
  try {
    entries = await centralDirectory(handle);
    if (typeof entries === 'string') return entries;
    for (const entry of entries) {
      const problem = declaredProblem(entry, limits);
      if (problem) return problem;
    }
    let total = 0;
    for (const entry of entries) {
      const bound = Math.min(entry.uncompressed, boundOf(entry.name, limits));
      const inflated = await inflatedSize(handle, file, entry, bound);
      if (typeof inflated === 'string') return inflated;
      if (inflated > entry.uncompressed)
        return `${entry.name} declares ${entry.uncompressed} bytes but inflates to more: not a workbook Excel or LibreOffice wrote`;
      total += inflated;
      if (total > limits.maxTotalBytes) return `the workbook inflates to more than ${limits.maxTotalBytes} bytes`;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

function boundOf(name: string, limits: ZipLimits): number {
  return limits.heldEntries[name] ?? limits.maxEntryBytes;
}

function declaredProblem(entry: ZipEntry, limits: ZipLimits): string | undefined {
  const bound = boundOf(entry.name, limits);
  if (entry.uncompressed > bound)
    return `${entry.name} inflates to ${entry.uncompressed} bytes; at most ${bound} are read`;
  if (entry.uncompressed > 1024 ** 2 && entry.uncompressed > limits.maxRatio * Math.max(1, entry.compressed))
    return `${entry.name} inflates ${Math.round(entry.uncompressed / Math.max(1, entry.compressed))} times its size (at most ${limits.maxRatio}): a zip bomb, not a workbook`;
  if (entry.method !== 0 && entry.method !== 8)
    return `${entry.name} is compressed with method ${entry.method}, not deflate`;
  return undefined;
}

async function read(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** The central directory's entries (ZIP64 too), or why it cannot be read. */
async function centralDirectory(handle: FileHandle): Promise<ZipEntry[] | string> {
  const { size } = await handle.stat();
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = await read(handle, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i -= 1)
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) return 'not a zip archive (no end of central directory): not an .xlsx';
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locatorAt = eocd - 20;
    if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== 0x07064b50) return 'a ZIP64 archive without its locator';
    const record = await read(handle, Number(tail.readBigUInt64LE(locatorAt + 8)), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== 0x06064b50) return 'a ZIP64 archive without its record';
    count = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  if (cdSize > 64 * 1024 ** 2 || count > 100_000) return `the archive lists ${count} entries: not a workbook`;
  const cd = await read(handle, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let n = 0; n < count; n += 1) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) return 'the central directory is damaged';
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      name: cd.toString('utf8', at + 46, at + 46 + nameLength),
      method: cd.readUInt16LE(at + 10),
      compressed: cd.readUInt32LE(at + 20),
      uncompressed: cd.readUInt32LE(at + 24),
      localOffset: cd.readUInt32LE(at + 42),
    };
    // ZIP64: the sizes and offset that did not fit, in this order, in the extra field 0x0001.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = cd.readUInt16LE(extra);
      const length = cd.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        for (const key of ['uncompressed', 'compressed', 'localOffset'] as const)
          if (entry[key] === 0xffffffff && field + 8 <= extra + 4 + length) {
            entry[key] = Number(cd.readBigUInt64LE(field));
            field += 8;
          }
      }
      extra += 4 + length;
    }
    entries.push(entry);
    at = extraEnd + commentLength;
  }
  return entries;
}

/** Inflates one entry into nothing, counting; stops past `bound` (returning why). */
async function inflatedSize(
  handle: FileHandle,
  file: string,
  entry: ZipEntry,
  bound: number,
): Promise<number | string> {
  const local = await read(handle, entry.localOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) return `${entry.name}: its local header is damaged`;
  const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (entry.method === 0) return entry.compressed;
  if (entry.compressed === 0) return 0;
  return new Promise<number | string>((resolve) => {
    let inflated = 0;
    const source = createReadStream(file, { start, end: start + entry.compressed - 1 });
    const inflate = createInflateRaw();
    const stop = (result: number | string) => {
      source.destroy();
      inflate.destroy();
      resolve(result);
    };
    inflate.on('data', (chunk: Buffer) => {
      inflated += chunk.length;
      if (inflated > bound)
        stop(
          inflated > entry.uncompressed
            ? `${entry.name} declares ${entry.uncompressed} bytes but inflates to more: not a workbook Excel or LibreOffice wrote`
            : `${entry.name} inflates to more than ${bound} bytes`,
        );
    });
    inflate.on('end', () => stop(inflated));
    inflate.on('error', () => stop(`${entry.name}: its compressed data is damaged`));
    source.on('error', () => stop(`${entry.name}: cannot be read`));
    source.pipe(inflate);
  });
}
