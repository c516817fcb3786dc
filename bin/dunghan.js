#!/usr/bin/env node
// The `dunghan` command: runs the TypeScript CLI through tsx, so the package needs no build step.
import { tsImport } from 'tsx/esm/api';

// The CLI hosts the same functions as Lambda; their logs go to stderr so stdout stays one JSON document.
process.env.POWERTOOLS_DEV ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
for (const method of ['log', 'info', 'debug', 'trace']) console[method] = console.error;

const { main } = await tsImport('../cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
