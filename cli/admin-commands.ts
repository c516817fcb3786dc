import type { Command } from 'commander';
import {
  addUser,
  changeUserGrants,
  getCalendar,
  listAudit,
  setUserDisabled,
} from '../shared/use-cases/administer-config.ts';
import { listQuarantined, NotQuarantinedError, retryQuarantined } from '../shared/use-cases/quarantine.ts';
import { type Io, onStore, printer, type Register } from './command.ts';
import { type AdminOptions, changedBy, registerConfigKinds, withAdmin } from './config-commands.ts';
import { runCheckProvisional } from './due-command.ts';
import { BadInputError } from './errors.ts';
import { onPlatform } from './platform.ts';

/*
 * The administrators' commands beyond the table of configuration kinds: people's accounts one at a time,
 * the provisional calendar years, the audit, and the detector's quarantine.
 */

/** `dunghan calendars check-provisional`: a calendar file, or the calendar in force in the store. */
export async function checkProvisionalCommand(
  options: AdminOptions & { id: string; on?: string; fromDate: string; calendar?: string },
) {
  if (options.calendar !== undefined) return runCheckProvisional(options);
  const { current } = await withAdmin(options, 'config.read', (d) => getCalendar(d, options.id));
  return runCheckProvisional({ ...options, definition: current.definition });
}

/** `dunghan quarantine list|retry`: the dossiers the detector parked, and an operator's retry. */
export const quarantineCommands = {
  list: (o: AdminOptions) => withAdmin(o, 'quarantine.manage', (d) => listQuarantined(quarantineDeps(d))),
  retry: (dossierId: string, o: AdminOptions) =>
    withAdmin(o, 'quarantine.manage', async (d) => {
      try {
        return await retryQuarantined(quarantineDeps(d), dossierId);
      } catch (error) {
        if (error instanceof NotQuarantinedError) throw new BadInputError('<dossierId>', error.message);
        throw error;
      }
    }),
};

function quarantineDeps(d: Parameters<Parameters<typeof withAdmin>[2]>[0]) {
  if (!d.quarantine) throw new Error('no quarantine store');
  return { quarantine: d.quarantine, store: d.dossiers, clock: d.clock };
}

/** `dunghan users add|disable|enable|roles`: one person's account, a put of the directory with them changed. */
export const userCommands = {
  add: (username: string, o: AdminOptions & { name: string; email: string; grant: string[]; author?: string }) =>
    withAdmin(o, 'users.manage', (d, actor) =>
      addUser(d, { username, name: o.name, email: o.email, grants: o.grant }, changedBy(actor, o.author)),
    ),
  disable: (username: string, o: AdminOptions & { author?: string }) =>
    withAdmin(o, 'users.manage', (d, actor) => setUserDisabled(d, username, true, changedBy(actor, o.author))),
  enable: (username: string, o: AdminOptions & { author?: string }) =>
    withAdmin(o, 'users.manage', (d, actor) => setUserDisabled(d, username, false, changedBy(actor, o.author))),
  roles: (username: string, o: AdminOptions & { grant?: string[]; revoke?: string[]; author?: string }) =>
    withAdmin(o, 'users.manage', (d, actor) =>
      changeUserGrants(d, username, { grant: o.grant, revoke: o.revoke }, changedBy(actor, o.author)),
    ),
};

function registerUsers(users: Command, io: Io): void {
  const print = printer(io);
  const grants = (value: string, previous: string[] = []) => [...previous, value];
  onStore(
    users
      .command('add')
      .argument('<username>', 'what they sign in with (lower-case letters, digits, . _ -)')
      .requiredOption('--name <name>', 'full name, as letters name them')
      .requiredOption('--email <email>', 'their work e-mail (approval links are bound to it)')
      .requiredOption('--grant <grant>', 'admin or <role>:<unit id>; repeat for several', grants)
      .option('--author <name>', 'who makes the change, for the audit (default: the signed-in person or the OS user)')
      .description('Add a person with their grants; on AWS Cognito mails them a temporary password.'),
  ).action(async (username: string, options) => print(await userCommands.add(username, options)));
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    onStore(
      users
        .command(name)
        .argument('<username>', 'the person')
        .option('--author <name>', 'who makes the change, for the audit')
        .description(
          disabled
            ? 'They can no longer sign in; their sessions end at their next request (on AWS: signed out everywhere).'
            : 'They may sign in again.',
        ),
    ).action(async (username: string, options) => print(await userCommands[name](username, options)));
  }
  onStore(
    users
      .command('roles')
      .argument('<username>', 'the person')
      .option('--grant <grant>', 'a grant to give (repeat)', grants)
      .option('--revoke <grant>', 'a grant to take back (repeat)', grants)
      .option('--author <name>', 'who makes the change, for the audit')
      .description('Give and take back grants.'),
  ).action(async (username: string, options) => print(await userCommands.roles(username, options)));
}

function registerCheckProvisional(calendars: Command, io: Io): void {
  onStore(
    calendars
      .command('check-provisional')
      .description(
        'List the years still derived from the law (provisional) that administrators must confirm: the current ' +
          'year if unofficial, and from --from-date (default 11-01) next year, with the derived days off. Reads the ' +
          'calendar in force in the store (or --aws), or a --calendar file. The detector emails ADMIN_EMAILS the same.',
      )
      .option('--id <calendarId>', 'which stored calendar', 'vn-civil-service')
      .option('--on <date>', 'the day of the check (YYYY-MM-DD, default today in Vietnam)')
      .option('--from-date <MM-DD>', 'from which day of the year next year is checked', '11-01')
      .option('--calendar <file>', 'check a calendar file instead of the stored calendar'),
  ).action(async (options) => printer(io)(await checkProvisionalCommand(options)));
}

/**
 * `dunghan reindex`: moves the rows not closed that a table kept by shard before ADR 0027 to the queue of
 * the unit holding each — once, after upgrading a table with dossiers open (an administrator's change).
 */
export function reindexCommand(options: AdminOptions) {
  return onPlatform(options, { action: 'config.write', target: {} }, (site) =>
    site.platform.table.liveRows.moveLegacyRows(),
  );
}

/** The administrators' commands: the configuration kinds, people, the quarantine and the audit. */
export const registerAdmin: Register = (program, io) => {
  const print = printer(io);
  const kinds = registerConfigKinds(program, io);
  registerCheckProvisional(kinds.get('calendars') as Command, io);
  registerUsers(kinds.get('users') as Command, io);
  const quarantine = program
    .command('quarantine')
    .summary('Dossiers the detector parked: list, retry')
    .description(
      'Dossiers the detector failed on run after run: after 3 runs a dossier is parked (the detector leaves it ' +
        'alone and moves on; administrators are emailed once). Fix the cause, then retry.',
    );
  onStore(
    program
      .command('reindex')
      .summary("Move old open rows into the desks' queues")
      .description(
        "Tables written before the desks' queues (ADR 0027) keep the rows of open dossiers by shard: they " +
          'reach a queue when their dossier is next written. This moves them all now — only two index keys ' +
          'of each record, conditional on its version; running it again finds nothing to move.',
      ),
  ).action(async (options) => print(await reindexCommand(options)));
  onStore(quarantine.command('list').description('The failing and parked dossiers, with the last error.')).action(
    async (options) => print(await quarantineCommands.list(options)),
  );
  onStore(
    quarantine
      .command('retry')
      .argument('<dossierId>', 'the dossier code')
      .description('Release a dossier: the next detector run handles it again.'),
  ).action(async (dossierId: string, options) => print(await quarantineCommands.retry(dossierId, options)));
  onStore(
    program
      .command('audit')
      .summary('Every configuration change, who and why')
      .description(
        'Every configuration change: who, when, what, from which file, on what legal basis, dossiers moved.',
      ),
  ).action(async (options) => print(await withAdmin(options, 'audit.read', listAudit)));
};
