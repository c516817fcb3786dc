import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildLetterTemplate, layoutLetterDocx } from '../../scripts/build-letter-template.ts';
import { renderLetterDocx } from '../../shared/domain/letters/apology-docx.ts';
import type { ApologyLetter } from '../../shared/domain/letters/apology-letter.ts';
import committed from '../../shared/domain/letters/data/apology-letter-template.json' with { type: 'json' };

/** Every part of a .docx as text, the creation and modification times blanked (they are "now"). */
function parts(docx: Buffer | string): Record<string, string> {
  const files = unzipSync(typeof docx === 'string' ? Buffer.from(docx, 'base64') : docx);
  return Object.fromEntries(
    Object.entries(files).map(([name, bytes]) => [
      name,
      new TextDecoder()
        .decode(bytes)
        .replace(/(<dcterms:(created|modified)[^>]*>)[^<]*/g, '$1…')
        // The library numbers drawings across every document it renders in a process.
        .replace(/<wp:docPr id="\d+"/g, '<wp:docPr id="…"'),
    ]),
  );
}

const base: ApologyLetter = {
  form: 'TT03/2025',
  draft: true,
  formNote: 'Mẫu số 04 — Thông tư số 03/2025/TT-VPCP',
  title: 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
  parentAgency: 'ỦY BAN NHÂN DÂN TỈNH NINH BÌNH',
  agency: 'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG',
  number: 'Số: …/PXL',
  placeAndDate: 'Ninh Bình, ngày 15 tháng 3 năm 2024',
  addressee: 'Ông/Bà Nguyễn Văn An',
  thanksTo: 'Ông/Bà Nguyễn Văn An',
  paragraphs: [
    'Ngày 04 tháng 3 năm 2024, Trung tâm tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính “Cấp giấy phép xây dựng” của Ông/Bà Nguyễn Văn An.',
    'Mã số hồ sơ: H21.65-240304-0001.',
    'Tuy nhiên, hồ sơ của Ông/Bà không thể giải quyết xong trong thời hạn đã hẹn.',
  ],
  reason: 'phải lấy ý kiến của cơ quan khác',
  newReturnDate: 'ngày 22 tháng 3 năm 2024',
  closing: 'Trung tâm xin lỗi Ông/Bà và hẹn lại ngày trả kết quả vào',
  signatureTitle: 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ',
  signatureNote: '(Ký, ghi rõ họ tên và đóng dấu)',
  signatureName: 'Trần Thị Bình',
};

describe('the .docx letter template', () => {
  it('is what the docx library renders today (regenerate with scripts/build-letter-template.ts)', async () => {
    const fresh = await buildLetterTemplate();
    expect(parts(committed.docx)).toEqual(parts(fresh.docx));
    expect(committed.repeated).toEqual(fresh.repeated);
  });

  it.each([
    ['a full letter', base],
    [
      'no parent agency, no signer, one paragraph',
      {
        ...base,
        parentAgency: undefined,
        signatureName: undefined,
        paragraphs: ['Mã số hồ sơ: 000.00.01.H21-240304-0001.'],
      },
    ],
    [
      'markup, quotes and ampersands in every value',
      {
        ...base,
        addressee: 'Công ty <b>A&B</b> "Xây dựng" \'Hà Nội\'',
        reason: '</w:t></w:r><w:r><w:t>injected',
        paragraphs: ['a < b & c > d'],
      },
    ],
    [
      'a status page (the QR code in the signature row)',
      {
        ...base,
        statusUrl: 'https://abc.execute-api.ap-southeast-1.amazonaws.com/p/tra-cuu/H21.65-240304-0001',
        statusCaption: 'Quét mã để tra cứu hồ sơ',
      },
    ],
    [
      'values that look like template tokens',
      { ...base, addressee: '{{reason}}', paragraphs: ['{{paragraphs#1}}', '{{title}}'], signatureName: '{{x}}' },
    ],
  ])('filled with %s, is part for part the document the library renders', async (_name, letter) => {
    const filled = renderLetterDocx(letter, new Date('2024-03-15T01:00:00Z'));
    expect(parts(filled)).toEqual(parts(await layoutLetterDocx(letter)));
  });

  it('stamps the document with the time it was drafted and its title', () => {
    const core = parts(renderLetterDocx(base, new Date('2024-03-15T01:00:00Z')))['docProps/core.xml'];
    const raw = new TextDecoder().decode(
      unzipSync(renderLetterDocx(base, new Date('2024-03-15T01:00:00Z')))['docProps/core.xml'],
    );
    expect(core).toContain('<dc:title>PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ</dc:title>');
    expect(raw).toContain('>2024-03-15T01:00:00.000Z</dcterms:created>');
    expect(raw).toContain('>2024-03-15T01:00:00.000Z</dcterms:modified>');
  });
});
