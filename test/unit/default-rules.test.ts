import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDefaultRules, CATALOGUE_PATH, RULES_DIR } from '../../scripts/build-default-rules.ts';
import { loadConfigDirs } from '../../shared/adapters/config-files.ts';
import { resolveRule } from '../../shared/domain/rules/deadline-rule.ts';

const rulesDir = RULES_DIR;
const calendarsDir = new URL('../../config/calendars/', import.meta.url).pathname;

describe('the shipped sample rule set', () => {
  it('loads without a problem and covers every field of the seed report annex with a field default', async () => {
    const { rules, calendars } = await loadConfigDirs(rulesDir, calendarsDir);
    expect(calendars.map((c) => c.id)).toEqual(['vn-civil-service']);
    const fields = rules.filter((r) => r.scope.kind === 'field').map((r) => r.scopeKey);
    for (const field of [
      'đất đai',
      'hộ tịch',
      'chứng thực',
      'bảo trợ xã hội',
      'quản lý hoạt động xây dựng',
      'giáo dục',
      'an toàn thực phẩm',
      'thi đua – khen thưởng',
    ]) {
      expect(fields).toContain(`FIELD#${field}`);
    }
    expect(fields.some((f) => f.includes('hộ kinh doanh'))).toBe(true);
    expect(fields.some((f) => f.includes('hợp tác xã'))).toBe(true);
    expect(rules.every((r) => r.sample)).toBe(true);
    expect(rules.filter((r) => r.scope.kind === 'global')).toHaveLength(1);
  });

  it('applies the rule in force on the receipt date: 1.013831 is 10 days in 2022 and 8 working days from 1/7/2025', async () => {
    const { rules } = await loadConfigDirs(rulesDir, calendarsDir);
    const in2022 = resolveRule(rules, { procedureCode: '1.013831', field: 'Đất đai', receiptDate: '2022-04-08' });
    const in2025 = resolveRule(rules, { procedureCode: '1.013831', field: 'Đất đai', receiptDate: '2025-07-01' });
    expect(in2022?.rule.duration).toEqual({ amount: 10, unit: 'working_days' });
    expect(in2025?.rule.duration).toEqual({ amount: 8, unit: 'working_days' });
    expect(in2022?.matchedBy).toBe('procedure');
  });

  it('falls back to the field default, then the global default, for unknown procedures', async () => {
    const { rules } = await loadConfigDirs(rulesDir, calendarsDir);
    const byField = resolveRule(rules, { procedureCode: '9.999999', field: '  hộ   TỊCH ', receiptDate: '2024-01-10' });
    expect(byField?.matchedBy).toBe('field');
    expect(byField?.rule.duration).toEqual({ amount: 0, unit: 'working_days' });
    expect(byField?.rule.cutoff).toBe('15:00');
    const global = resolveRule(rules, { field: 'Lĩnh vực chưa có', receiptDate: '2024-01-10' });
    expect(global?.matchedBy).toBe('global');
  });

  it.skipIf(!existsSync(CATALOGUE_PATH))('is exactly what the procedure catalogue builds', () => {
    for (const [name, content] of buildDefaultRules(CATALOGUE_PATH)) {
      expect(readFileSync(`${rulesDir}${name}`, 'utf8'), name).toBe(content);
    }
  });
});
