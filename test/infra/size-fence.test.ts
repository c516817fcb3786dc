import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Sizes a reader can hold (issue #33): no product file over 450 lines and no product function over 80
 * (biome.json: style/noExcessiveLinesPerFile, complexity/noExcessiveLinesPerFunction on shared, functions,
 * cli, local and infra). A data table allowed to be longer says so where it stands, with a
 * `biome-ignore` comment giving the reason. Run here so that `npm test` fails on a file or a function
 * grown past them, not only `npm run lint`.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIOME = fileURLToPath(new URL('../../node_modules/@biomejs/biome/bin/biome', import.meta.url));
const PRODUCT = ['shared', 'functions', 'cli', 'local', 'infra'];

function oversized(): string[] {
  const run = spawnSync(
    process.execPath,
    [
      BIOME,
      'lint',
      '--only=style/noExcessiveLinesPerFile',
      '--only=complexity/noExcessiveLinesPerFunction',
      '--max-diagnostics=none',
      '--reporter=github',
      ...PRODUCT,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const found = `${run.stdout}`
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .map((line) => line.replace(/^::error title=[^,]*,file=([^,]+),line=(\d+).*::/, '$1:$2 ').replace(ROOT, ''));
  if (run.status !== 0 && found.length === 0) throw new Error(`biome failed: ${run.stderr}`);
  return found;
}

describe('the sizes of the product code', () => {
  it('has no file over 450 lines and no function over 80 but the data tables marked so', () => {
    expect(oversized()).toEqual([]);
  });
});
