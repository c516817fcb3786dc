#!/usr/bin/env node
// The `dunghan` command: runs the TypeScript CLI through tsx, so the package needs no build step.
import { tsImport } from 'tsx/esm/api';

await tsImport('../cli/main.ts', import.meta.url);
