import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { ApprovalRefusedError, returnDraft } from '../../shared/domain/dossier/re-appointment.ts';

/*
 * A head returning a drafted apology unsigned (issue #34): the draft keeps awaiting a head, the law's
 * clock and the one re-appointment untouched; only a drafted apology of a dossier still open returns.
 */
const now = Date.parse('2026-11-20T10:00:00+07:00');

function record(changes: { status?: string; apology?: Partial<DossierRecord['apology']> } = {}): DossierRecord {
  return {
    extendedDueAt: null,
    nextActionAt: '2026-11-20T17:00:00+07:00',
    state: { status: changes.status ?? 'open', dueAt: '2026-11-12T17:00:00+07:00' },
    apology: { status: 'drafted', draftedAt: '2026-11-13T08:00:00+07:00', ...changes.apology },
  } as unknown as DossierRecord;
}

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof ApprovalRefusedError ? `${error.field}:${error.code}` : String(error);
  }
  return 'accepted';
};

describe('returning a draft unsigned', () => {
  it('keeps the draft awaiting a head, with who returned it and why; nothing else moves', () => {
    const before = record();
    const after = returnDraft(before, { note: '  Ghi rõ lý do chậm.  ', returnedBy: 'Nay  H’Bia' }, now);
    expect(after.apology).toMatchObject({
      status: 'drafted',
      returned: { at: new Date(now).toISOString(), by: 'Nay H’Bia', note: 'Ghi rõ lý do chậm.' },
    });
    expect(after.state).toBe(before.state);
    expect(after.extendedDueAt).toBeNull();
    expect(after.nextActionAt).toBe(before.nextActionAt);
  });

  it('refuses a dossier closed, one without a draft, one already approved, and a note empty or too long', () => {
    const note = { note: 'Ghi rõ lý do chậm.', returnedBy: 'x' };
    expect(refusal(() => returnDraft(record({ status: 'resolved' }), note, now))).toBe('dossier:closed');
    expect(refusal(() => returnDraft(record({ apology: { status: 'none' } }), note, now))).toBe('dossier:not_drafted');
    expect(refusal(() => returnDraft(record({ apology: { status: 'approved' } }), note, now))).toBe(
      'dossier:already_reappointed',
    );
    expect(refusal(() => returnDraft(record(), { ...note, note: '  \u0001 ab ' }, now))).toBe('reason:reason_missing');
    expect(refusal(() => returnDraft(record(), { ...note, note: 'đ'.repeat(2000) }, now))).toBe('accepted');
    expect(refusal(() => returnDraft(record(), { ...note, note: 'đ'.repeat(2001) }, now))).toBe(
      'reason:reason_too_long',
    );
  });
});
