/**
 * Administrators' configuration changes, as the CLI and the admin API call them: validate, diff,
 * preview and put rules and calendars, the initial load and the audit (ADR 0008). One module per part.
 */
export * from './config-change/calendars.ts';
export * from './config-change/core.ts';
export * from './config-change/rules.ts';
