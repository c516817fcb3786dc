import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { captureOutput } from '../support/capture-output.ts';
import { invalidFixtures, landDossierEvents } from '../support/fixtures.ts';

// The logger reads its level when the module loads (and Powertools restores it on every invocation).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startLocalRuntime();
});
afterAll(async () => {
  await runtime?.close();
});

describe('ingest logs', () => {
  it('carry the dossier id and never the applicant, official or head (names, identity number, phone, email, address)', async () => {
    const { output } = await captureOutput(async () => {
      for (const event of landDossierEvents()) await runtime.deliver(event);
      for (const [, envelope] of invalidFixtures()) await runtime.deliver(envelope);
    });
    expect(output.match(/"message":"event ingested"/g)).toHaveLength(7);
    // Issue #13: the unknown detail-type is rejected (dead-lettered) too.
    expect(output.match(/"message":"event rejected"/g)).toHaveLength(invalidFixtures().length);
    expect(output).toContain('"dossierId":"H21.65-220408-0012"');
    for (const secret of [
      'Ksor',
      "H'Bia",
      '064190001234',
      '0912345678',
      'hbia.ksor@example.vn',
      'Buôn Chư Jú',
      'Nguyễn Văn An',
      'an.nv@example.vn',
      'Rơ Lan Thị Hoa',
      'victim@example.vn',
    ]) {
      expect(output, secret).not.toContain(secret);
    }
  });
});
