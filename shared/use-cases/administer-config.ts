/**
 * Administrators' configuration changes, as the CLI and the admin API call them: validate, diff,
 * preview and put rules, calendars and the unit directory, the initial load and the audit (ADR 0008,
 * 0015). One module per part.
 */
export * from './config-change/calendars.ts';
export * from './config-change/core.ts';
export * from './config-change/rules.ts';
export * from './config-change/units.ts';
export * from './config-change/users.ts';
