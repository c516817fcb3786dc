import { build } from 'esbuild';

/** The esbuild settings of every function bundle: the construct deploys with them, tests and benchmarks build with them. */
export const BUNDLE = {
  format: 'esm' as const,
  target: 'node24',
  // The Node.js 24 runtime ships the AWS SDK v3.
  external: ['@aws-sdk/*'],
  mainFields: ['module', 'main'],
  banner:
    "import { createRequire as __dunghanRequire } from 'node:module'; const require = __dunghanRequire(import.meta.url);",
};

/** Builds one function's handler as it is deployed (minified as deployed, unless told otherwise). */
export async function buildFunctionBundle(name: string, outfile: string, options: { minify?: boolean } = {}) {
  await build({
    entryPoints: [`functions/${name}/handler.ts`],
    outfile,
    bundle: true,
    minify: options.minify ?? true,
    platform: 'node',
    format: BUNDLE.format,
    target: BUNDLE.target,
    external: BUNDLE.external,
    mainFields: BUNDLE.mainFields,
    banner: { js: BUNDLE.banner },
    logLevel: 'silent',
  });
}
