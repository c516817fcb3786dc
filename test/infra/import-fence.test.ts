import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The lint fence (biome.json) forbids every import direction docs/architecture.md forbids: a probe file
 * of each forbidden kind, placed in its layer, must fail `biome lint` with the fence's message, and a
 * probe of an allowed import must pass — so the fence can neither be missing nor be too wide.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIOME = fileURLToPath(new URL('../../node_modules/@biomejs/biome/bin/biome', import.meta.url));

function lint(dir: string, specifier: string): { status: number | null; output: string } {
  const file = `${dir}/__fence_probe_${process.pid}.ts`;
  writeFileSync(`${ROOT}${file}`, `import * as probe from '${specifier}';\n\nexport const used = probe;\n`);
  try {
    const run = spawnSync(process.execPath, [BIOME, 'lint', file], { cwd: ROOT, encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(`${ROOT}${file}`, { force: true });
  }
}

describe('the import fence', () => {
  it.each([
    ['shared/domain', '../use-cases/run-detector.ts'],
    ['shared/domain', '../ports/clock.ts'],
    ['shared/domain', '../adapters/aws-clients.ts'],
    ['shared/domain', '../settings/env.ts'],
    ['shared/domain', '../../functions/admin-api/deps.ts'],
    ['shared/domain', '../../local/local-runtime.ts'],
    ['shared/domain', '../../cli/errors.ts'],
    ['shared/domain', '@aws-sdk/client-dynamodb'],
    ['shared/domain', 'node:fs'],
    ['shared/contracts', '../adapters/aws-clients.ts'],
    ['shared/use-cases', '../adapters/aws-clients.ts'],
    ['shared/use-cases', '../settings/env.ts'],
    ['shared/use-cases', '../../functions/admin-api/deps.ts'],
    ['shared/use-cases', '../../local/local-runtime.ts'],
    ['shared/use-cases', '@aws-sdk/client-sesv2'],
    ['shared/ports', '../adapters/aws-clients.ts'],
    ['shared/support', '../domain/dossier/dossier-state.ts'],
    ['shared/adapters', '../use-cases/run-detector.ts'],
    ['shared/adapters', '../../cli/errors.ts'],
    ['functions', '../local/local-runtime.ts'],
    ['functions', '../cli/errors.ts'],
  ])('refuses %s importing %s', (dir, specifier) => {
    const { status, output } = lint(dir, specifier);
    expect(status).not.toBe(0);
    expect(output).toMatch(/noRestrictedImports/);
  });

  it.each([
    ['shared/domain', './dossier/dossier-state.ts'],
    ['shared/domain', '../support/map-limit.ts'],
    ['shared/use-cases', '../ports/clock.ts'],
    ['shared/adapters', '../ports/clock.ts'],
    ['functions', '../shared/adapters/platform.ts'],
  ])('allows %s importing %s', (dir, specifier) => {
    const { status, output } = lint(dir, specifier);
    expect(output).not.toMatch(/noRestrictedImports/);
    expect(status).toBe(0);
  });
});
