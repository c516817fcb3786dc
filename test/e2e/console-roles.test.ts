import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEMO_PASSWORD } from '../../local/identity-provider.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { sentEmails } from '../../local/ses-server.ts';
import { launchChromium } from '../support/chromium.ts';
import { lookAt, signIn } from '../support/console-browser.ts';
import { receivedEvent } from '../support/dossier-factory.ts';

/*
 * Each role's work in the console, end to end in headless Chromium through the local OpenID provider
 * (issue #34): a head approves a draft and the citizen's letter arrives; a commune's supervisor sees its
 * score and not another commune's; an administrator adds a holiday, previews the dossiers it moves,
 * applies it, and the history names them. Every page is looked at: axe-core, a 390 px phone, screenshots.
 */
let now = Date.parse('2026-11-20T10:00:00+07:00');
const LATE = 'H21.65.01-261102-0601';
const OTHER_COMMUNE = 'H21.65.02-261103-0602';
const RUNNING = 'H21.65.01-261118-0603';
const CITIZEN = 'hbia.ksor@example.vn';
let runtime: LocalRuntime;
let browser: Browser;

const commune = (id: string, name: string) => ({
  id,
  name,
  parentName: 'UBND huyện Krông Pa',
  place: name.replace('UBND xã ', ''),
});

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock: { now: () => now }, ruleCacheMs: 0 });
  const receipts = [
    // Ia Rmok's: due 12/11, overdue now, its apology drafted for the commune's head.
    receivedEvent({
      dossierId: LATE,
      eventId: `${LATE}/r`,
      occurredAt: '2026-11-02T09:00:00+07:00',
      receivedAt: '2026-11-02T09:00:00+07:00',
      appointmentAt: '2026-11-12T17:00:00+07:00',
      agency: commune('H21.65.01', 'UBND xã Ia Rmok'),
      head: undefined,
    }),
    // Chư Gu's: another commune, in no Ia Rmok report.
    receivedEvent({
      dossierId: OTHER_COMMUNE,
      eventId: `${OTHER_COMMUNE}/r`,
      occurredAt: '2026-11-03T09:00:00+07:00',
      receivedAt: '2026-11-03T09:00:00+07:00',
      appointmentAt: '2026-11-13T17:00:00+07:00',
      agency: commune('H21.65.02', 'UBND xã Chư Gu'),
      head: undefined,
    }),
    // Ia Rmok's, running: due 30/11 by the land rule (eight working days), which a holiday on 23/11 moves to 01/12.
    receivedEvent({
      dossierId: RUNNING,
      eventId: `${RUNNING}/r`,
      occurredAt: '2026-11-18T09:00:00+07:00',
      receivedAt: '2026-11-18T09:00:00+07:00',
      appointmentAt: '2026-11-27T17:00:00+07:00',
      agency: commune('H21.65.01', 'UBND xã Ia Rmok'),
      head: undefined,
    }),
  ];
  for (const event of receipts) {
    const [delivered] = await runtime.deliver(event);
    expect(delivered?.ok).toBe(true);
  }
  await runtime.detect();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
});

async function signedIn(username: string, path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${runtime.apiUrl}${path}`);
  await signIn(page, username);
  return page;
}

const text = (page: Page) => page.locator('body').innerText();

describe('each role at work in the console', () => {
  it('lets a head return a draft unsigned with a note, which the desk reads, the draft still awaiting', async () => {
    const page = await signedIn('bia.nh', `/console/ho-so/${LATE}/duyet`);
    // A note too short is named, nothing written.
    await page.fill('#note', 'Sửa');
    await page.evaluate("document.querySelector('#note').removeAttribute('minlength')");
    await page.click('#return');
    expect(await page.locator('[role=alert]').innerText()).toContain('ít nhất 5 ký tự');
    await page.fill('#note', 'Ghi rõ ngày Văn phòng đăng ký đất đai nhận hồ sơ và lý do chậm.');
    await Promise.all([page.waitForURL(new RegExp(`/ho-so/${LATE}$`)), page.click('#return')]);
    expect(await page.locator('#tra-lai').innerText()).toBe('Lãnh đạo trả lại dự thảo phiếu xin lỗi');
    await page.context().close();
    const desk = await signedIn('dok.ky', `/console/ho-so/${LATE}`);
    const returned = await desk.locator('section[aria-labelledby=tra-lai]').innerText();
    expect(returned).toContain('Nay H’Bia');
    expect(returned).toContain('Ghi rõ ngày Văn phòng đăng ký đất đai nhận hồ sơ');
    expect(await desk.locator('#history + ol').innerText()).toContain(
      'Lãnh đạo trả lại dự thảo phiếu xin lỗi (Nay H’Bia)',
    );
    await lookAt(desk, 'ho-so-tra-lai');
    // An official may not return a draft: the authority answers as for an approval.
    const csrf = await desk.locator('input[name=csrf]').first().inputValue();
    const refused = await desk.request.post(`${runtime.apiUrl}/console/ho-so/${LATE}/tra-lai`, {
      form: { csrf, note: 'Không phải lãnh đạo' },
    });
    expect(refused.status()).toBe(403);
    await desk.goto(`${runtime.apiUrl}/console/duyet`);
    expect(await desk.locator('body').innerText()).toContain(LATE);
    await desk.context().close();
  });

  it('lets a head approve a draft from the list, and the citizen’s letter arrives at once', async () => {
    const page = await signedIn('bia.nh', '/console/duyet');
    expect(await page.locator('h1').innerText()).toBe('Phiếu xin lỗi chờ duyệt');
    expect(await page.locator('nav a').allInnerTexts()).toEqual(['Bàn làm việc', 'Chờ duyệt', 'Báo cáo']);
    expect(await text(page)).toContain(LATE);
    expect(await text(page)).not.toContain(OTHER_COMMUNE);
    await lookAt(page, 'cho-duyet');
    await Promise.all([page.waitForURL(/\/duyet$/), page.click(`text=${LATE}`)]);
    expect(await page.locator('h1').innerText()).toBe('Duyệt phiếu xin lỗi và hẹn lại ngày trả kết quả');
    // The last return is shown beside the form; the head signs once the desk has set it right.
    expect(await page.locator('[role=note]').innerText()).toContain('Dự thảo đã bị trả lại');
    await lookAt(page, 'duyet');
    // The law's checks first: a date not after the legal due date is refused, naming why.
    await page.fill('#reason', 'Chờ xác minh nguồn gốc sử dụng đất tại thực địa');
    await page.fill('#newReturnDate', '12/11/2026');
    await page.click('#approve');
    expect(await page.locator('[role=alert]').innerText()).toContain('Ngày hẹn mới phải sau hạn trả kết quả');
    await page.fill('#newReturnDate', '27/11/2026');
    await page.click('#approve');
    expect(await page.locator('h1').innerText()).toBe('Đã duyệt phiếu xin lỗi');
    expect(await text(page)).toContain('27/11/2026');
    // The citizen's letter goes at once (the approval's announcement, delivered by the bus).
    let mail: Awaited<ReturnType<typeof sentEmails>>[number] | undefined;
    for (let i = 0; i < 100 && !mail; i += 1) {
      mail = (await sentEmails(runtime.sesEndpoint ?? '')).find(
        (m) => m.destination.to.includes(CITIZEN) && (m.body.text ?? '').includes(LATE),
      );
      if (!mail) await new Promise((r) => setTimeout(r, 100));
    }
    expect(mail?.subject).toContain('xin lỗi');
    // Done once: the list is empty, the dossier's page shows the approval, the form is not offered again.
    await page.goto(`${runtime.apiUrl}/console/duyet`);
    expect(await text(page)).not.toContain(LATE);
    await page.goto(`${runtime.apiUrl}/console/ho-so/${LATE}/duyet`);
    expect(await page.locator('h1').innerText()).toBe('Phiếu xin lỗi đã được duyệt');
    await page.context().close();
  });

  it('refuses an official’s approval, and another commune’s head finds no such dossier', async () => {
    const official = await signedIn('dok.ky', `/console/ho-so/${RUNNING}`);
    expect(await official.locator('nav a').allInnerTexts()).toEqual(['Bàn làm việc', 'Chờ duyệt']);
    const form = await official.goto(`${runtime.apiUrl}/console/ho-so/${RUNNING}/duyet`);
    expect(form?.status()).toBe(403);
    await official.context().close();
    const otherHead = await signedIn('hung.rlv', '/console');
    const answer = await otherHead.goto(`${runtime.apiUrl}/console/ho-so/${RUNNING}/duyet`);
    expect(answer?.status()).toBe(404);
    await otherHead.context().close();
  });

  it('shows a commune’s supervisor its score and tables, as .xlsx too, and never another commune’s', async () => {
    const page = await signedIn('giamsat.iarmok', '/console/bao-cao');
    expect(await page.locator('h1').innerText()).toBe('Báo cáo kết quả giải quyết hồ sơ');
    const body = await text(page);
    expect(body).toContain('Điểm tiến độ giải quyết (Bộ chỉ số 766');
    expect(body).toContain('UBND xã Ia Rmok');
    expect(body).not.toContain('Chư Gu');
    // The only unit offered is the commune's own; the charts are drawn.
    expect(await page.locator('#don-vi option').allInnerTexts()).toEqual(['UBND xã Ia Rmok (H21.65.01)']);
    expect(await page.locator('svg').count()).toBeGreaterThan(0);
    // Late dossiers by the unit that overran: the commune answers for its one.
    expect(await page.locator('#chart-responsible').innerText()).toContain('UBND xã Ia Rmok');
    await lookAt(page, 'bao-cao');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Tải báo cáo (.xlsx)')]);
    expect(download.suggestedFilename()).toMatch(/^bao-cao-2026-01-01-2026-11-20-H21\.65\.01\.xlsx$/);
    const ExcelJS = (await import('exceljs')).default;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await download.path()) as string);
    expect(workbook.worksheets.length).toBeGreaterThan(0);
    // Another commune is refused, whatever the address asks.
    const other = await page.goto(`${runtime.apiUrl}/console/bao-cao?don-vi=H21.65.02`);
    expect(other?.status()).toBe(403);
    const all = await page.goto(`${runtime.apiUrl}/console/bao-cao?don-vi=`);
    expect(all?.status()).toBe(403);
    // A period typed wrong is named.
    await page.goto(`${runtime.apiUrl}/console/bao-cao?tu=31/02/2026&den=20/11/2026`);
    expect(await page.locator('[role=alert]').innerText()).toBe('Từ ngày: phải là ngày có thật, viết dd/mm/yyyy.');
    await page.context().close();
  });

  it('lets an administrator add a holiday: preview the dossiers it moves, apply, and the history names them', async () => {
    const page = await signedIn('quantri', '/console/quan-tri');
    expect(await page.locator('h1').innerText()).toBe('Quản trị');
    await lookAt(page, 'quan-tri');
    await Promise.all([
      page.waitForURL(/\/lich\/vn-civil-service$/),
      page.click('text=Lịch làm việc của cán bộ, công chức, viên chức (Việt Nam)'),
    ]);
    await lookAt(page, 'lich');
    // Checked as one types: a date not written dd/mm/yyyy is marked once the field is left.
    await page.fill('#ngay', '22-11');
    await page.locator('#ten').focus();
    expect(await page.evaluate("getComputedStyle(document.querySelector('#ngay')).borderTopColor")).toBe(
      'rgb(198, 40, 40)',
    );
    // A weekend is refused with the reason, nothing written.
    await page.fill('#ngay', '22/11/2026');
    await page.fill('#ten', 'Nghỉ lễ của tỉnh');
    await page.fill('#can-cu', 'Quyết định 99/QĐ-UBND');
    await page.click('text=Xem trước các hồ sơ bị ảnh hưởng');
    expect(await page.locator('[role=alert]').innerText()).toContain('Ngày nghỉ: là ngày nghỉ hằng tuần');
    await page.fill('#ngay', '23/11/2026');
    await page.click('text=Xem trước các hồ sơ bị ảnh hưởng');
    expect(await page.locator('h1').innerText()).toBe('Xem trước thay đổi lịch');
    const preview = await text(page);
    expect(preview).toContain('23/11/2026: ngày làm việc → ngày nghỉ (Nghỉ lễ của tỉnh)');
    expect(preview).toContain(RUNNING);
    expect(preview).toMatch(/17:00 ngày 30\/11\/2026\s+17:00 ngày 01\/12\/2026/);
    expect(preview).not.toContain(LATE);
    await lookAt(page, 'xem-truoc');
    // Nothing applied yet: the dossier keeps its date until the administrator applies.
    expect((await runtime.store.load(RUNNING)).record?.state.dueAt).toBe('2026-11-30T17:00:00+07:00');
    await Promise.all([page.waitForURL(/da-ap-dung=/), page.click('text=Áp dụng thay đổi')]);
    expect(await page.locator('[role=status]').innerText()).toMatch(/Đã áp dụng: lịch phiên bản \d+\./);
    expect(await page.locator('#lich-su + table').innerText()).toContain('Lê Quang Vinh');
    expect((await runtime.store.load(RUNNING)).record?.state.dueAt).toBe('2026-12-01T17:00:00+07:00');
    await page.goto(`${runtime.apiUrl}/console/quan-tri`);
    const history = await page
      .locator('#lich-su + table tbody tr', { hasText: 'Sửa lịch làm việc' })
      .first()
      .innerText();
    expect(history).toContain('Lê Quang Vinh');
    await page.context().close();
  });

  it('lets an administrator put a new version of a rule from a date, previewed first, and lists its versions', async () => {
    const page = await signedIn('quantri', '/console/quan-tri');
    await Promise.all([page.waitForURL(/\/quy-dinh$/), page.click('text=quy định thời hạn')]);
    expect(await page.locator('h1').innerText()).toBe('Quy định thời hạn');
    await lookAt(page, 'quy-dinh');
    await Promise.all([page.waitForURL(/\/quy-dinh\/FIELD/), page.click('text=Mặc định lĩnh vực Giáo dục')]);
    // A date before today is refused by name, nothing written.
    await page.fill('#so', '2');
    await page.fill('#hieu-luc', '19/11/2026');
    await page.fill('#can-cu', 'Quyết định 12/QĐ-UBND của UBND tỉnh');
    await page.click('text=Xem trước các hồ sơ bị ảnh hưởng');
    expect(await page.locator('[role=alert]').innerText()).toContain('Ngày hiệu lực: không được trước hôm nay');
    await page.fill('#hieu-luc', '01/12/2026');
    await page.click('text=Xem trước các hồ sơ bị ảnh hưởng');
    expect(await page.locator('h1').innerText()).toBe('Xem trước phiên bản mới');
    expect(await page.locator('body').innerText()).toContain(
      '1 ngày làm việc → 2 ngày làm việc, hiệu lực từ 01/12/2026',
    );
    await lookAt(page, 'quy-dinh-xem-truoc');
    await Promise.all([page.waitForURL(/da-ap-dung=1/), page.click('text=Áp dụng phiên bản mới')]);
    const versions = await page.locator('#lich-su + table tbody tr').allInnerTexts();
    expect(versions).toHaveLength(2);
    expect(versions[0]).toContain('01/12/2026');
    expect(versions[0]).toContain('Quyết định 12/QĐ-UBND của UBND tỉnh');
    await page.goto(`${runtime.apiUrl}/console/quan-tri`);
    const history = await page
      .locator('#lich-su + table tbody tr', { hasText: 'Sửa quy định thời hạn' })
      .first()
      .innerText();
    expect(history).toContain('Lê Quang Vinh');
    await page.context().close();
  });

  it('lets an administrator add a person with a role, who then signs in to their desk, and lock them out again', async () => {
    const page = await signedIn('quantri', '/console/quan-tri/nguoi-dung');
    expect(await page.locator('h1').innerText()).toBe('Người dùng');
    await lookAt(page, 'nguoi-dung');
    // A mistyped e-mail is named in Vietnamese, nothing saved.
    await page.fill('#ten-dang-nhap', 'lan.ntt');
    await page.fill('#ho-ten', 'Nguyễn Thị Thu Lan');
    await page.fill('#email', 'lan.ntt@iarmok.krongpa.example.vn');
    await page.selectOption('#vai-tro-moi', 'official');
    await page.selectOption('#don-vi-moi', 'H21.65.01');
    await Promise.all([page.waitForURL(/da-luu=1/), page.click('text=Thêm người dùng >> nth=-1')]);
    expect(await page.locator('[role=status]').innerText()).toContain('Đã lưu');
    expect(await page.locator('ul.people').innerText()).toContain('lan.ntt');
    await page.fill('#ten-dang-nhap', 'lan.ntt');
    await page.fill('#ho-ten', 'Trùng tên');
    await page.fill('#email', 'x@example.vn');
    await page.click('text=Thêm người dùng >> nth=-1');
    expect(await page.locator('[role=alert]').innerText()).toContain('Tên đăng nhập: đã có người dùng này.');
    // The new official signs in and lands on Ia Rmok's desk.
    const official = await signedIn('lan.ntt', '/console');
    expect(await official.locator('h1').innerText()).toBe('Bàn làm việc');
    expect(await official.locator('body').innerText()).toContain('UBND xã Ia Rmok');
    await official.context().close();
    // Locked: the next sign-in is refused at the provider.
    await page.goto(`${runtime.apiUrl}/console/quan-tri/nguoi-dung`);
    await page.click('form[action$="/lan.ntt/trang-thai"] button');
    expect(await page.locator('[role=status]').innerText()).toContain('Đã lưu');
    const locked = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const again = await locked.newPage();
    await again.goto(`${runtime.apiUrl}/console`);
    await again.fill('#username', 'lan.ntt');
    await again.fill('#password', LOCAL_DEMO_PASSWORD);
    await again.click('button[type=submit]');
    expect(new URL(again.url()).pathname.startsWith('/console')).toBe(false);
    await locked.close();
    await page.goto(`${runtime.apiUrl}/console/quan-tri`);
    expect(
      await page.locator('#lich-su + table tbody tr', { hasText: 'Sửa danh sách người dùng' }).first().innerText(),
    ).toContain('Lê Quang Vinh');
    expect(await page.locator('#kiem-chung + dl').innerText()).toContain('Ngày gần nhất đã neo');
    await page.context().close();
  });

  it('lets an administrator edit a unit and add one, previewing whose alerts move, and declare a sending system', async () => {
    const page = await signedIn('quantri', '/console/quan-tri/don-vi');
    expect(await page.locator('h1').innerText()).toBe('Danh mục đơn vị');
    await lookAt(page, 'don-vi');
    await Promise.all([page.waitForURL(/\/don-vi\/H21\.65\.01$/), page.click('text=UBND xã Ia Rmok')]);
    await lookAt(page, 'don-vi-sua');
    const desk = await page.inputValue('#mot-cua');
    // A line that is not "Name <email>" is named, nothing written.
    await page.fill('#mot-cua', `${desk}\nNguyễn Văn Mới`);
    await page.click('text=Xem trước thay đổi');
    expect(await page.locator('[role=alert]').innerText()).toContain('Cán bộ một cửa: mỗi dòng “Họ tên <email>”');
    await page.fill('#mot-cua', `${desk}\nNguyễn Văn Mới <moi.nv@iarmok.krongpa.example.vn>`);
    await page.click('text=Xem trước thay đổi');
    expect(await page.locator('h1').innerText()).toBe('Xem trước thay đổi danh mục');
    const preview = await page.locator('body').innerText();
    expect(preview).toContain('Sửa đơn vị UBND xã Ia Rmok: cán bộ một cửa.');
    expect(preview).toMatch(/cảnh báo sẽ gửi theo danh mục mới: [1-9]/);
    await Promise.all([page.waitForURL(/da-ap-dung=1/), page.click('text=Áp dụng thay đổi')]);
    expect(await page.locator('[role=status]').innerText()).toContain('Đã áp dụng');
    // A new commune under the district.
    await page.goto(`${runtime.apiUrl}/console/quan-tri/don-vi/moi`);
    await page.fill('#ma', 'H21.65.09');
    await page.fill('#ten', 'UBND xã Ia Hdreh');
    await page.selectOption('#cap-tren', 'H21.65');
    await page.fill('#mot-cua', 'Ksor H’Lan <lan.kh@iahdreh.krongpa.example.vn>');
    await page.fill('#lanh-dao', 'Rơ Mah Tuấn');
    await page.fill('#chuc-vu', 'Chủ tịch UBND xã');
    await page.click('text=Xem trước thay đổi');
    expect(await page.locator('body').innerText()).toContain('Thêm đơn vị UBND xã Ia Hdreh (H21.65.09).');
    await Promise.all([page.waitForURL(/da-ap-dung=1/), page.click('text=Áp dụng thay đổi')]);
    expect(await page.locator('table.grid').innerText()).toContain('UBND xã Ia Hdreh');
    // A sending system and the procedures it may send for other systems' dossiers.
    await page.click('text=Thêm hệ thống');
    await page.fill('#ma-he-thong-moi', 'vpdkdd-gialai');
    await page.fill('#ten-he-thong-moi', 'Hệ thống của Văn phòng đăng ký đất đai Gia Lai');
    await page.fill('#thu-tuc-moi', '1.013831\n1.004227');
    await Promise.all([page.waitForURL(/da-ap-dung=1/), page.click('text=Thêm hệ thống >> nth=-1')]);
    expect(await page.locator('#he-thong + ul').innerText()).toContain('vpdkdd-gialai');
    await page.goto(`${runtime.apiUrl}/console/quan-tri`);
    // The clock stands still in this test: changes of the same instant are listed in no particular order.
    const history = await page.locator('#lich-su + table tbody tr', { hasText: 'Sửa danh mục đơn vị' }).allInnerTexts();
    expect(history.length).toBeGreaterThanOrEqual(3);
    for (const row of history) expect(row).toContain('Lê Quang Vinh');
    await page.context().close();
  });

  it('refuses a supervisor the calendar’s form and its posts, and a forged form', async () => {
    const page = await signedIn('giamsat.krongpa', '/console/quan-tri/lich/vn-civil-service');
    expect(await page.locator('#ngay').count()).toBe(0);
    const posted = await page.request.post(`${runtime.apiUrl}/console/quan-tri/lich/vn-civil-service/ap-dung`, {
      form: { ngay: '24/11/2026', ten: 'x', 'can-cu': 'x', 'hieu-luc': '20/11/2026' },
    });
    expect(posted.status()).toBe(403);
    // Rules and people likewise: a supervisor reads the rules, changes none, and never sees the people.
    const rule = await page.request.post(
      `${runtime.apiUrl}/console/quan-tri/quy-dinh/${encodeURIComponent('FIELD#giáo dục')}/ap-dung`,
      { form: { so: '3', 'don-vi-tinh': 'wd', 'hieu-luc': '01/12/2026', 'can-cu': 'x' } },
    );
    expect(rule.status()).toBe(403);
    expect((await page.goto(`${runtime.apiUrl}/console/quan-tri/nguoi-dung`))?.status()).toBe(403);
    const units = await page.request.post(`${runtime.apiUrl}/console/quan-tri/don-vi/H21.65.01/ap-dung`, {
      form: { ten: 'x' },
    });
    expect(units.status()).toBe(403);
    await page.context().close();
    const admin = await signedIn('quantri', '/console/quan-tri');
    const forged = await admin.request.post(`${runtime.apiUrl}/console/quan-tri/lich/vn-civil-service/ap-dung`, {
      form: { csrf: 'forged', ngay: '24/11/2026', ten: 'Nghỉ', 'can-cu': 'QĐ 1', 'hieu-luc': '20/11/2026' },
    });
    expect(forged.status()).toBe(403);
    await admin.context().close();
    now = Date.parse('2026-11-20T10:05:00+07:00');
  });
});
