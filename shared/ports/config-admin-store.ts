import type { ActorRecord } from '../domain/authority/actors.ts';
import type { CalendarDefinition } from '../domain/calendar/calendar-definition.ts';
import type { DeadlineRule } from '../domain/rules/deadline-rule.ts';
import type { UnitDirectory } from '../domain/units/unit-directory.ts';
import type { UserDirectory } from '../domain/users/user-directory.ts';
import { ConflictError, RefusedError } from '../support/errors.ts';
import type { ConfigSource } from './config-source.ts';

/** One version of a calendar: the whole definition, with who put it, when and on what legal basis. */
export interface CalendarVersion {
  id: string;
  version: number;
  effectiveFrom: string;
  legalBasis: string;
  author: string;
  at: string;
  source?: string | undefined;
  definition: CalendarDefinition;
}

/** One version of the unit directory: the whole document, with who put it and when. */
export interface UnitDirectoryVersion {
  version: number;
  author: string;
  at: string;
  changeId: string;
  source?: string | undefined;
  directory: UnitDirectory;
}

/** One version of the user directory (ADR 0023): the whole document, with who put it and when. */
export type UserDirectoryVersion = Omit<UnitDirectoryVersion, 'directory'> & { directory: UserDirectory };

/** One audited configuration change. */
export interface AuditEntry {
  /** Deterministic from the change's content: the same files put again carry the same id (a new entry). */
  changeId: string;
  at: string;
  author: string;
  action: 'rules.put' | 'calendar.put' | 'units.put' | 'users.put' | 'seed' | 'import';
  /** Who made it, when a person or a system did (id, name, issuer, grants): the signed-in subject. */
  actor?: ActorRecord | undefined;
  /** `applying` until every affected dossier is recomputed; a change left `applying` is re-run by putting it again. */
  status: 'applying' | 'applied' | 'failed';
  /** Why a change failed (a concurrent version, a store error); nothing of it, or only part, took effect. */
  error?: string | undefined;
  sources: string[];
  legalBasis: string[];
  /** What changed: rule version ids, calendar version, days that changed status. */
  what: Record<string, unknown>;
  /** Dossiers whose dates or stage changed. */
  dossiersMoved?: number | undefined;
}

/** Thrown when the configuration was edited in the table: no change is chained over it (issue #31). */
export class ConfigTamperedError extends RefusedError {
  override name = 'ConfigTamperedError';
}

/** Thrown when another administrator put a version in between (optimistic locking on the version). */
export class ConfigConflictError extends ConflictError {
  override name = 'ConfigConflictError';
}

/** The configuration as administrators change it: versioned, never rewritten, audited. */
export interface ConfigAdminStore extends ConfigSource {
  /** Writes rule versions not stored yet; a stored one is never overwritten. Returns how many were written. */
  putRuleVersions(
    rules: readonly DeadlineRule[],
    meta: { author: string; at: string; changeId: string },
  ): Promise<number>;
  /** The calendar in force (its latest version), if stored. */
  getCalendarVersion(id: string): Promise<CalendarVersion | undefined>;
  listCalendarVersions(id: string): Promise<CalendarVersion[]>;
  /** Stores a new version if the current one is still `expectedVersion` (0: none); else ConfigConflictError. */
  putCalendarVersion(version: CalendarVersion, expectedVersion: number): Promise<void>;
  /** The unit directory in force (its latest version), if stored, and every version of it. */
  getUnitDirectoryVersion(): Promise<UnitDirectoryVersion | undefined>;
  listUnitDirectoryVersions(): Promise<UnitDirectoryVersion[]>;
  /** Stores a new directory version if the current one is still `expectedVersion` (0: none); else ConfigConflictError. */
  putUnitDirectoryVersion(version: UnitDirectoryVersion, expectedVersion: number): Promise<void>;
  /** The user directory in force (its latest version), if stored, and every version of it. */
  getUserDirectoryVersion(): Promise<UserDirectoryVersion | undefined>;
  listUserDirectoryVersions(): Promise<UserDirectoryVersion[]>;
  /** Stores a new user directory version if the current one is still `expectedVersion` (0: none); else ConfigConflictError. */
  putUserDirectoryVersion(version: UserDirectoryVersion, expectedVersion: number): Promise<void>;
  putAudit(entry: AuditEntry): Promise<void>;
  /**
   * Refuses (ConfigTamperedError) when the configuration is not the one its chain records — edited in the
   * table — unless a change of Đúng Hạn's own was interrupted before its seal (issue #31). Asked before
   * every change is audited, so no change chains an edit made behind Đúng Hạn's back.
   */
  assertUntouched(): Promise<void>;
  /** Loads a whole configuration at once (the initial load of `dunghan seed`), replacing what is stored. */
  putAll(
    rules: readonly DeadlineRule[],
    calendars: readonly CalendarDefinition[],
    author: string,
    at: string,
  ): Promise<void>;
  listAudit(): Promise<AuditEntry[]>;
}
