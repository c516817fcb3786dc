import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A document rendered as LibreOffice prints it: its page count, page size and text per page. */
export interface RenderedPdf {
  pages: number;
  /** Page size in points, as pdfinfo reports it. */
  size: { width: number; height: number };
  /** The text of each page, laid out as printed (pdftotext -layout). */
  text: string[];
  /** The first page as printed, 200 dpi grayscale PNG (pdftoppm): what a phone's camera sees. */
  firstPagePng: Buffer;
}

/**
 * Renders .docx files to PDF with Debian's headless LibreOffice (libreoffice-writer-nogui, installed by
 * .ci/run) and reads them back with poppler (pdfinfo, pdftotext) — how an official's Word file prints.
 */
export async function renderWithLibreOffice(files: Record<string, Buffer>): Promise<Record<string, RenderedPdf>> {
  const dir = mkdtempSync(join(tmpdir(), 'dunghan-lo-'));
  const paths = Object.entries(files).map(([name, bytes]) => {
    const path = join(dir, `${name}.docx`);
    writeFileSync(path, bytes);
    return path;
  });
  // A profile of its own, so parallel test files never share LibreOffice's lock.
  await run(
    'soffice',
    [
      `-env:UserInstallation=file://${join(dir, 'profile')}`,
      '--headless',
      '--convert-to',
      'pdf',
      '--outdir',
      dir,
      ...paths,
    ],
    { timeout: 120_000 },
  );
  const out: Record<string, RenderedPdf> = {};
  for (const name of Object.keys(files)) {
    const pdf = join(dir, `${name}.pdf`);
    const info = (await run('pdfinfo', [pdf])).stdout;
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
    const text = (await run('pdftotext', ['-layout', pdf, '-'])).stdout.split('\f').slice(0, pages);
    const png = join(dir, `${name}-page`);
    await run('pdftoppm', ['-f', '1', '-l', '1', '-r', '200', '-gray', '-png', '-singlefile', pdf, png]);
    out[name] = {
      pages,
      size: { width: Number(size?.[1]), height: Number(size?.[2]) },
      text,
      firstPagePng: readFileSync(`${png}.png`),
    };
  }
  return out;
}
