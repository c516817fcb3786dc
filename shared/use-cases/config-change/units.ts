import {
  diffUnitDirectories,
  EMPTY_DIRECTORY,
  readUnitDirectory,
  type UnitDirectory,
  type UnitDirectoryDiff,
  type UnitProblem,
} from '../../domain/units/unit-directory.ts';
import type { AuditEntry, UnitDirectoryVersion } from '../../ports/config-admin-store.ts';
import {
  type AdminDeps,
  type Author,
  audited,
  authorOf,
  type ConfigDocument,
  ConfigNotFoundError,
  changeIdOf,
  InvalidConfigChangeError,
} from './core.ts';

/*
 * The directory of units (ADR 0015), administered like rules and calendars: validated whole, diffed,
 * previewed, put as a new version under optimistic locking, audited. It moves no due date, so nothing is
 * recomputed: the detector reads the directory in force when it composes each alert.
 */

/** The units in force: id, name, parent and how many desk officials, with the directory's version. */
export async function listUnits(deps: AdminDeps) {
  const current = await deps.config.getUnitDirectoryVersion();
  const directory = current?.directory ?? EMPTY_DIRECTORY;
  return {
    version: current?.version ?? 0,
    apologyIssuer: directory.apologyIssuer,
    units: directory.units.map((u) => ({
      id: u.id,
      name: u.name,
      ...(u.parentId ? { parentId: u.parentId } : {}),
      desk: u.desk.length,
    })),
  };
}

/** One unit in force, and the directory versions it appears in. */
export async function getUnit(deps: AdminDeps, id: string) {
  const current = await deps.config.getUnitDirectoryVersion();
  const unit = current?.directory.units.find((u) => u.id === id);
  if (!current || !unit) throw new ConfigNotFoundError(`no unit ${JSON.stringify(id)} in the directory`);
  const versions = await deps.config.listUnitDirectoryVersions();
  return {
    unit,
    version: current.version,
    versions: versions
      .filter((v) => v.directory.units.some((u) => u.id === id))
      .map(({ directory: _directory, ...meta }) => meta),
  };
}

function check(document: ConfigDocument): { directory?: UnitDirectory; problems: UnitProblem[] } {
  if (document.parseError !== undefined) {
    return { problems: [{ file: document.name, path: '', reason: document.parseError }] };
  }
  return readUnitDirectory(document.data, document.name);
}

/** Validates a directory file whole: every problem, by path. */
export async function validateUnits(_deps: AdminDeps, document: ConfigDocument) {
  const { directory, problems } = check(document);
  return { valid: problems.length === 0, units: directory?.units.length, problems };
}

/** What the file changes against the directory in force. */
export async function diffUnits(
  deps: AdminDeps,
  document: ConfigDocument,
): Promise<UnitDirectoryDiff & { problems: UnitProblem[] }> {
  const { directory, problems } = check(document);
  if (!directory) return { added: [], removed: [], changed: [], problems };
  const current = await deps.config.getUnitDirectoryVersion();
  return { ...diffUnitDirectories(current?.directory ?? EMPTY_DIRECTORY, directory), problems };
}

export interface UnitsPreview {
  changeId: string;
  diff: UnitDirectoryDiff;
  /** Not-closed dossiers received at, or passing through, a unit the change alters or removes: their alerts go to the new desk. */
  examined: number;
  rerouted: string[];
  /** Units those dossiers name that the new directory lacks: their alerts would go to the receiving desk. */
  missingUnits: string[];
}

/** "Whose alerts change if I apply this directory?" — writes nothing. */
export async function previewUnits(deps: AdminDeps, document: ConfigDocument): Promise<UnitsPreview> {
  const { directory, problems } = check(document);
  if (!directory) throw new InvalidConfigChangeError(problems);
  const current = await deps.config.getUnitDirectoryVersion();
  return preview(deps, current, directory);
}

async function preview(
  deps: AdminDeps,
  current: UnitDirectoryVersion | undefined,
  directory: UnitDirectory,
): Promise<UnitsPreview> {
  const diff = diffUnitDirectories(current?.directory ?? EMPTY_DIRECTORY, directory);
  const touched = new Set([...diff.removed, ...diff.changed.map((c) => c.id), ...diff.added]);
  const known = new Set(directory.units.map((u) => u.id));
  const missing = new Set<string>();
  const dossiers = await deps.openDossiers.findNotClosed((d) => {
    for (const id of d.unitIds ?? []) if (!known.has(id)) missing.add(id);
    return (d.unitIds ?? []).some((id) => touched.has(id));
  });
  return {
    changeId: changeIdOf('units', [JSON.stringify(directory)]),
    diff,
    examined: dossiers.length,
    rerouted: dossiers.map((d) => d.dossierId),
    missingUnits: [...missing].sort(),
  };
}

/**
 * Puts a new version of the directory (validated whole; a concurrent put is refused with a conflict),
 * audited with what changed. Putting the file in force again adds no version.
 */
export async function putUnits(
  deps: AdminDeps,
  document: ConfigDocument,
  by: Author,
): Promise<UnitsPreview & { version: number; moves: [] }> {
  const { author, actor } = authorOf(by);
  const { directory, problems } = check(document);
  if (!directory) throw new InvalidConfigChangeError(problems);
  const current = await deps.config.getUnitDirectoryVersion();
  const unchanged = current !== undefined && JSON.stringify(current.directory) === JSON.stringify(directory);
  const planned = await preview(deps, current, directory);
  const version = unchanged ? current.version : (current?.version ?? 0) + 1;
  const at = new Date(deps.clock.now()).toISOString();
  const entry: AuditEntry = {
    changeId: planned.changeId,
    at,
    author,
    ...(actor ? { actor } : {}),
    action: 'units.put',
    status: 'applying',
    sources: [document.name],
    legalBasis: [],
    what: { version, apologyIssuer: directory.apologyIssuer, ...planned.diff },
  };
  return audited(deps, entry, async () => {
    if (!unchanged) {
      await deps.config.putUnitDirectoryVersion(
        { version, author, at, changeId: planned.changeId, source: document.name, directory },
        current?.version ?? 0,
      );
    }
    return { ...planned, version, moves: [] as [] };
  });
}
