import { parseDocument } from '../../contracts/documents.ts';
import { line } from '../../contracts/primitives.ts';
import * as z from '../../contracts/z.ts';
import type { ConfigProblem } from '../config-problem.ts';

/*
 * The directory of units (ADR 0015): every agency a dossier passes through — commune People's
 * Committees, the district, the land registry office, the tax office — with the desk officials who
 * receive its alerts and its head. Events may carry names and addresses (they win); a hand-over names
 * only `toUnitId`, and the directory supplies the rest. One document per deployment, versioned whole.
 */

const person = z.object({ name: line(200), email: z.email('must be an email address') });

export const unitSchema = z.object({
  id: line(60),
  name: line(300),
  parentId: z.optional(line(60)),
  /** Where its letters are dated ("Krông Pa, ngày …"). */
  place: z.optional(line(120)),
  /** The desk official(s) who receive the unit's alerts. */
  desk: z
    .array(person)
    .check(
      z.minLength(1, 'must name at least one desk official (name, email)'),
      z.maxLength(20, 'must name at most 20 desk officials'),
    ),
  head: z.object({ name: line(200), title: line(200), email: z.optional(z.email('must be an email address')) }),
  /** What citizens are shown to reach the unit's desk (the status page, issue #18): public, not a person's. */
  contact: z.optional(
    z.object({ phone: z.optional(line(40)), address: z.optional(line(300)), hours: z.optional(line(200)) }),
  ),
});

/**
 * Who issues the apology of an inter-agency dossier that is late (NĐ 61/2018 Điều 19 k9 leaves it to the
 * agency that caused the delay, and provinces settle it in their one-stop regulations):
 * `lead_agency` — the competent agency that received the dossier signs, naming the unit at fault in the
 * reason; `unit_at_fault` — the unit whose step overran issues it in its own name.
 */
export const APOLOGY_ISSUERS = ['lead_agency', 'unit_at_fault'] as const;
export type ApologyIssuer = (typeof APOLOGY_ISSUERS)[number];

/**
 * A one-stop system that sends the sync feed (ADR 0017, 0023): it owns the dossiers it sends first; it
 * may also send items for another system's dossiers of the inter-agency procedures it takes part in
 * (`participatesIn`: procedure codes, as the land registry's system for land procedures).
 */
export const sendingSystemSchema = z.object({
  id: line(60),
  name: line(300),
  participatesIn: z._default(z.array(line(60)).check(z.maxLength(2000, 'must list at most 2,000 procedures')), []),
});

export const unitDirectorySchema = z.object({
  apologyIssuer: z._default(z.enum(APOLOGY_ISSUERS), 'lead_agency'),
  systems: z.optional(z.array(sendingSystemSchema).check(z.maxLength(200, 'must have at most 200 systems'))),
  units: z.array(unitSchema).check(z.maxLength(5000, 'must have at most 5,000 units')),
});

export type Unit = z.output<typeof unitSchema>;
export type UnitDirectory = z.output<typeof unitDirectorySchema>;

export type UnitProblem = ConfigProblem;

/** The largest directory, as JSON in UTF-8: every function holds it in memory with the rules. */
export const MAX_DIRECTORY_BYTES = 4 * 1024 * 1024;

/** The directory used before any is loaded: no units, the competent agency signs. */
export const EMPTY_DIRECTORY: UnitDirectory = { apologyIssuer: 'lead_agency', units: [] };

/** Validates a parsed directory document (YAML or JSON) whole: the directory, or every problem. */
export function readUnitDirectory(raw: unknown, file: string): { directory?: UnitDirectory; problems: UnitProblem[] } {
  const parsed = parseDocument(unitDirectorySchema, raw, file);
  if (!parsed.data) return { problems: parsed.problems };
  const result = { data: parsed.data };
  const problems: UnitProblem[] = [];
  const bytes = new TextEncoder().encode(JSON.stringify(result.data)).length;
  if (bytes > MAX_DIRECTORY_BYTES)
    problems.push({
      file,
      path: '',
      reason: `is ${(bytes / 1024 / 1024).toFixed(1)} MB as JSON; a directory may be at most ${MAX_DIRECTORY_BYTES / 1024 / 1024} MB`,
    });
  const ids = new Map<string, number>();
  const duplicates = new Set<number>();
  result.data.units.forEach((unit, index) => {
    const seen = ids.get(unit.id);
    if (seen === undefined) ids.set(unit.id, index);
    else {
      duplicates.add(index);
      problems.push({ file, path: `units.${index}.id`, reason: `duplicates units.${seen} (${unit.id})` });
    }
  });
  result.data.units.forEach((unit, index) => {
    if (unit.parentId === undefined || duplicates.has(index)) return;
    if (unit.parentId === unit.id) {
      problems.push({ file, path: `units.${index}.parentId`, reason: 'is the unit itself' });
      return;
    }
    // A parent outside the directory is allowed (the province above a district); a cycle is not.
    const chain = [unit.id];
    let parent: string | undefined = unit.parentId;
    while (parent !== undefined && ids.has(parent)) {
      if (chain.includes(parent)) {
        problems.push({
          file,
          path: `units.${index}.parentId`,
          reason: `makes a cycle (${[...chain, parent].join(' → ')})`,
        });
        break;
      }
      chain.push(parent);
      parent = result.data.units[ids.get(parent) as number]?.parentId;
    }
  });
  return problems.length > 0 ? { problems } : { directory: result.data, problems };
}

/** Looks units up by id. */
export class UnitBook {
  private readonly byId: ReadonlyMap<string, Unit>;
  constructor(readonly directory: UnitDirectory) {
    this.byId = new Map(directory.units.map((u) => [u.id, u]));
  }
  get(id: string | undefined): Unit | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }
  /** The sending systems that take part in this procedure, besides the one that sent the dossier. */
  participants(procedureCode: string | undefined): string[] {
    if (!procedureCode) return [];
    return (this.directory.systems ?? []).filter((s) => s.participatesIn.includes(procedureCode)).map((s) => s.id);
  }
  get issuer(): ApologyIssuer {
    return this.directory.apologyIssuer;
  }
  /** True when `unitId` is `root` or lies below it (its parent, its parent's parent, … is `root`). */
  within(unitId: string, root: string): boolean {
    let id: string | undefined = unitId;
    // The directory has no cycles (readUnitDirectory); the bound guards a hand-built one.
    for (let depth = 0; id !== undefined && depth <= this.directory.units.length; depth += 1) {
      if (id === root) return true;
      id = this.byId.get(id)?.parentId;
    }
    return false;
  }
}

/** What a new directory changes: units added, removed, and changed (with the fields that changed). */
export interface UnitDirectoryDiff {
  apologyIssuer?: { from: ApologyIssuer; to: ApologyIssuer } | undefined;
  added: string[];
  removed: string[];
  changed: { id: string; fields: string[] }[];
}

export function diffUnitDirectories(current: UnitDirectory, next: UnitDirectory): UnitDirectoryDiff {
  const before = new Map(current.units.map((u) => [u.id, u]));
  const after = new Map(next.units.map((u) => [u.id, u]));
  const changed: UnitDirectoryDiff['changed'] = [];
  for (const [id, unit] of after) {
    const old = before.get(id);
    if (!old) continue;
    const fields = (['name', 'parentId', 'place', 'desk', 'head'] as const).filter(
      (f) => JSON.stringify(old[f]) !== JSON.stringify(unit[f]),
    );
    if (fields.length > 0) changed.push({ id, fields });
  }
  return {
    ...(current.apologyIssuer === next.apologyIssuer
      ? {}
      : { apologyIssuer: { from: current.apologyIssuer, to: next.apologyIssuer } }),
    added: [...after.keys()].filter((id) => !before.has(id)).sort(),
    removed: [...before.keys()].filter((id) => !after.has(id)).sort(),
    changed: changed.sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}
