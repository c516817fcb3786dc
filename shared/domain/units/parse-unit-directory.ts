import { parse as parseYaml } from 'yaml';
import { readUnitDirectory, type UnitDirectory, type UnitProblem } from './unit-directory.ts';

/*
 * The directory's file form, read by the CLI and the local seed only: the YAML parser stays out of the
 * function bundles (ADR 0007), which receive the directory already parsed (the configuration store).
 */

/** Reads a directory file (YAML or JSON) whole: the directory, or every problem (a YAML error is one). */
export function readUnitDirectoryText(
  textContent: string,
  file: string,
): { directory?: UnitDirectory; problems: UnitProblem[] } {
  let raw: unknown;
  try {
    raw = parseYaml(textContent);
  } catch (error) {
    return { problems: [{ file, path: '', reason: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }] };
  }
  return readUnitDirectory(raw, file);
}
