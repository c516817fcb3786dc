/**
 * Preset dictionaries for deflating the dossier's stored record and report row (ADR 0022).
 *
 * A record is a few KB of JSON whose keys, enum values and date skeletons repeat from one dossier to the
 * next but hardly within one: deflate alone cannot reuse them, a preset dictionary lets it. Each dictionary
 * is text shaped like the values it primes (keys in the order the code writes them, every enum value, the
 * Vietnamese words of unit names and titles) with no value of any real or sample dossier: no names, no
 * numbers, no places.
 *
 * **Never edit a dictionary once released**: stored items name the dictionary they were packed with (one
 * byte, dynamo-items.ts `pack`), and are read back with it for as long as they are kept. A better
 * dictionary is a new entry with a new id; `test/unit/packing.test.ts` pins each one's SHA-256.
 */

const T = '2026-01-05T08:00:00+07:00';
const Z = '2026-01-05T03:15:00.000Z';
const D17 = '2026-01-19T17:00:00+07:00';

/** The vocabulary both dictionaries share, least frequent first (deflate reaches nearer text with fewer bits). */
const VOCABULARY = [
  '"status":"awaiting_receipt","status":"awaiting_supplement","status":"suspended","status":"withdrawn","status":"refused"',
  '"matchedBy":"field_default","matchedBy":"global_default","matchedBy":"field","unit":"calendar_days","unit":"hours"',
  '"kind":"apology_deadline_missed","kind":"apology_sms","kind":"apology_letter_for_desk","kind":"apology_unconfirmed"',
  '"kind":"organisation","channel":"online","channel":"postal","channel":"email","channel":"phone","channel":"desk"',
  '"stage":"ON_TRACK","stage":"DUE_SOON","stage":"APOLOGY_DEADLINE","stage":"OVERDUE","stage":"SECOND_OVERRUN"',
  '"outcome":"rejected","result":"early","result":"on_time","status":"none","status":"drafted","status":"approved"',
  'Ủy ban nhân dân Trung tâm Phục vụ hành chính công tỉnh Sở Tài nguyên và Môi trường Sở Tư pháp Phòng ',
  'Hộ tịch Chứng thực Quản lý hoạt động xây dựng Đăng ký kinh doanh Lao động Thương binh và Xã hội Giáo dục ',
  'Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất ',
  'Luật Đất đai Nghị định /NĐ-CP Điều khoản sửa đổi bởi Thông tư /TT-BTNMT Quyết định /QĐ-UBND ngày ',
  'Hồ sơ cần xác minh, lấy ý kiến của cơ quan có liên quan Chi cục Thuế Văn phòng đăng ký đất đai – Chi nhánh ',
].join('');

/** A not-closed and a closed report row, as `reportRowOf` writes them (report-row.ts). */
const REPORT_ROWS = [
  `{"id":"000.00.00.H00-260105-0001","unitId":"000.00.00.H00","unitName":"UBND xã ","parentId":"000.00.00.H00","parentName":"UBND tỉnh ","field":"Hộ tịch","procedureCode":"1.000000","channel":"online","receivedAt":"${T}","appointmentAt":"${D17}","status":"open","dueAt":"${D17}","originalDueAt":"${D17}","violations":[],"viaSync":true,"steps":[],"supplement":{"requests":1,"lastRequestedAt":"${T}","lastSuppliedAt":"${T}","waitedMs":0},"secondOverrun":false,"live":{"calendarId":"vn-civil-service","clockStartedAt":"${T}","apologyDraftedAt":"${Z}"}}`,
  `{"id":"000.00.00.H00-260105-0002","unitId":"000.00.00.H00","unitName":"UBND phường ","parentName":"UBND tỉnh ","field":"Đất đai","procedureCode":"1.000000","channel":"in_person","receivedAt":"${T}","appointmentAt":"${D17}","status":"resolved","resolvedAt":"${T}","closedAt":"${T}","dueAt":"${D17}","originalDueAt":"${D17}","extendedDueAt":"${D17}","result":"late","apologyIssuedAt":"${Z}","violations":["receipt_without_appointment","appointment_after_due","reappointed"],"steps":[{"unitId":"","unitName":"Văn phòng đăng ký đất đai – Chi nhánh ","dueAt":"${D17}","finishedAt":"${T}"},{"unitId":"","unitName":"Chi cục Thuế ","dueAt":"${D17}"}],"secondOverrun":true}`,
].join('');

/** A record as `dossierItem` stores it (dynamo-items.ts: the event log's parts left out). */
const RECORD = `{"state":{"dossierId":"000.00.00.H00-260105-0001","status":"resolved","ruleFallback":false,"cycle":1,"suspensions":[{"from":"${T}","to":"${T}","reason":""}],"paused":false,"provisional":false,"steps":[{"unitId":"","unitName":"Văn phòng đăng ký đất đai – Chi nhánh ","duration":{"amount":5,"unit":"working_days"},"dueAt":"${D17}","startedAt":"${T}","finishedAt":"${T}","result":"late"},{"unitId":"","unitName":"Chi cục Thuế ","duration":{"amount":3,"unit":"working_days"},"dueAt":"${D17}","startedAt":"${T}"}],"handovers":[],"history":[],"violations":[],"eventIds":[],"received":{"schemaVersion":1,"eventId":"000.00.00.H00-260105-0001/received","occurredAt":"${T}","dossierId":"000.00.00.H00-260105-0001","procedure":{"code":"1.000000","name":"Đăng ký ","field":"Đất đai"},"agency":{"id":"000.00.00.H00","name":"UBND xã ","parentId":"000.00.00.H00","parentName":"UBND tỉnh ","place":""},"receivedAt":"${T}","channel":"in_person","applicant":{"kind":"person","name":"Nguyễn Thị ","idNumber":"0","email":"@gmail.com","phone":"09","address":"Thôn , xã , huyện , tỉnh "},"official":{"id":"","name":"Trần Văn ","email":".gov.vn"},"head":{"name":"Lê ","title":"Phó Chủ tịch UBND xã","email":".gov.vn"},"appointmentAt":"${D17}"},"clockStartedAt":"${T}","rule":{"ruleId":"PROC#1.000000@2026-01-01","matchedBy":"procedure","effectiveFrom":"2026-01-01","legalBasis":"NĐ /2024/NĐ-CP","duration":{"amount":10,"unit":"working_days"},"cutoff":null,"warnLeadTime":{"amount":2,"unit":"working_days"},"suggestedExtension":{"amount":5,"unit":"working_days"},"calendarId":"vn-civil-service","sample":false},"originalDueAt":"${D17}","effectiveReceiptDate":"2026-01-05","dueAt":"${D17}","holderUnitId":"","supplement":{"requests":1,"lastRequestedAt":"${T}","waitedMs":0},"resolvedAt":"${T}","outcome":"approved","closedAt":"${T}","result":"late"},"stage":"SECOND_OVERRUN","stageCycle":1,"nextActionAt":null,"extendedDueAt":"${D17}","apology":{"status":"issued","draftedAt":"${Z}","proposedReturnAt":"${D17}","approvedAt":"${Z}","approvedBy":"Chủ tịch UBND xã","reason":"","channel":"email_and_phone","issuedAt":"${Z}"},"notifications":{"000.00.00.H00-260105-0001#c1#s0#step_due_soon":{"id":"000.00.00.H00-260105-0001#c1#s0#step_due_soon","kind":"step_due_soon","step":0,"createdAt":"${Z}","attempts":1,"sentAt":"${Z}","lastAttemptAt":"${Z}"},"000.00.00.H00-260105-0001#c1#s0#step_overdue":{"id":"000.00.00.H00-260105-0001#c1#s0#step_overdue","kind":"step_overdue","step":0,"createdAt":"${Z}","attempts":1,"sentAt":"${Z}","lastAttemptAt":"${Z}"},"000.00.00.H00-260105-0001#apology#apology_to_citizen":{"id":"000.00.00.H00-260105-0001#apology#apology_to_citizen","kind":"apology_to_citizen","createdAt":"${Z}","attempts":1,"sentAt":"${Z}","lastAttemptAt":"${Z}"},"000.00.00.H00-260105-0001#apology#apology_zns":{"id":"000.00.00.H00-260105-0001#apology#apology_zns","kind":"apology_zns","createdAt":"${Z}","attempts":1,"sentAt":"${Z}","lastAttemptAt":"${Z}"},"000.00.00.H00-260105-0001#c1#due_soon":{"id":"000.00.00.H00-260105-0001#c1#due_soon","kind":"due_soon","createdAt":"${Z}","attempts":1,"sentAt":"${Z}","lastAttemptAt":"${Z}"},"000.00.00.H00-260105-0001#c1#overdue":{"id":"000.00.00.H00-260105-0001#c1#overdue","kind":"overdue","createdAt":"${Z}","attempts":1,"sentAt":"${Z}","lastAttemptAt":"${Z}"},"000.00.00.H00-260105-0001#c1#second_overrun":{"id":"000.00.00.H00-260105-0001#c1#second_overrun","kind":"second_overrun","createdAt":"${Z}","attempts":1,"sentAt":"${Z}","lastAttemptAt":"${Z}"}},"stagesReached":[{"stage":"DUE_SOON","cycle":1,"at":"${Z}"},{"stage":"APOLOGY_DEADLINE","cycle":1,"at":"${Z}"},{"stage":"OVERDUE","cycle":1,"at":"${Z}"},{"stage":"SECOND_OVERRUN","cycle":1,"at":"${Z}"}],"folded":{"count":1,"last":"2026-01-05T01:00:00.000Z#8#000.00.00.H00-260105-0001/DossierResolved/"},"version":1}`;

export interface PackDictionary {
  /** Named in the first byte of every value packed with it; never reused. */
  readonly id: number;
  readonly bytes: Buffer;
}

/** Dictionary 1: the dossier record (`META` item's `data`). */
export const RECORD_DICTIONARY: PackDictionary = {
  id: 1,
  bytes: Buffer.from(VOCABULARY + REPORT_ROWS + RECORD, 'utf8'),
};

/** Dictionary 2: the report row (`META` item's `report`, projected into the report index). */
export const REPORT_DICTIONARY: PackDictionary = {
  id: 2,
  bytes: Buffer.from(VOCABULARY + RECORD + REPORT_ROWS, 'utf8'),
};

/** Every dictionary a stored value may name, by id. */
export const PACK_DICTIONARIES: ReadonlyMap<number, PackDictionary> = new Map(
  [RECORD_DICTIONARY, REPORT_DICTIONARY].map((d) => [d.id, d]),
);
