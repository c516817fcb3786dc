import packPng from 'pngjs/lib/packer-sync.js';
import { create } from 'qrcode/lib/core/qrcode.js';

/** The modules of a QR code for `text` (error correction M: a printed letter may be folded or smudged). */
function modules(text: string): { size: number; dark(row: number, col: number): boolean } {
  const { modules: matrix } = create(text, { errorCorrectionLevel: 'M' });
  return { size: matrix.size, dark: (row, col) => matrix.get(row, col) === 1 };
}

/** The QR code as an SVG element (one path, the quiet zone included): pages, HTML letters. */
export function qrSvg(text: string, sizePx = 132, label = 'Mã QR tra cứu hồ sơ'): string {
  const { size, dark } = modules(text);
  const margin = 4;
  const full = size + 2 * margin;
  let path = '';
  for (let row = 0; row < size; row += 1)
    for (let col = 0; col < size; col += 1) if (dark(row, col)) path += `M${col + margin} ${row + margin}h1v1h-1z`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${sizePx}" height="${sizePx}" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges" role="img" aria-label="${label}"><rect width="${full}" height="${full}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}

/** The QR code as a PNG (black on white, `scale` pixels a module, the quiet zone included): .docx letters and slips. */
export function qrPng(text: string, scale = 6): Buffer {
  const { size, dark } = modules(text);
  const margin = 4;
  const side = (size + 2 * margin) * scale;
  const data = Buffer.alloc(side * side, 255);
  for (let row = 0; row < size; row += 1)
    for (let col = 0; col < size; col += 1) {
      if (!dark(row, col)) continue;
      for (let y = 0; y < scale; y += 1)
        data.fill(
          0,
          (row + margin) * scale * side + y * side + (col + margin) * scale,
          (row + margin) * scale * side + y * side + (col + margin + 1) * scale,
        );
    }
  return packPng(
    { width: side, height: side, data },
    { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 },
  );
}
