import { Command, CommanderError, Option } from 'commander';
import { LOCAL_SYNC_SYSTEM } from '../local/local-runtime.ts';
import {
  auditCommand,
  calendarCommands,
  checkProvisionalCommand,
  quarantineCommands,
  rulesCommands,
  unitCommands,
  userCommands,
} from './admin-commands.ts';
import { runApprovals, runApprove, runServe } from './desk-commands.ts';
import { runDue } from './due-command.ts';
import { BadInputError, RuntimeFailure } from './errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { PASSWORD_ENV } from './identity.ts';
import { runImport } from './import-command.ts';
import { runReconcile } from './reconcile-command.ts';
import { runReport } from './report-command.ts';
import { runStart } from './start-command.ts';
import {
  runDeadLetters,
  runDetect,
  runDossier,
  runDossierSlip,
  runReceiptSlip,
  runReplay,
  runSeed,
} from './store-commands.ts';
import { runSync } from './sync-command.ts';
import { runVerify } from './verify-command.ts';

/** `--as <user name>`: act as that person, signed in at the local provider (ADR 0023). */
function asOption(): Option {
  return new Option(
    '--as <username>',
    `act as this person, signed in at the local sign-in server (password from ${PASSWORD_ENV} or asked); default: the operator of the data directory`,
  );
}

/** Builds the `dunghan` command tree; `io` lets tests capture output. */
export function buildProgram(io: { out: (text: string) => void; err: (text: string) => void }): Command {
  const program = new Command('dunghan')
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (text, write) => write(`dunghan: ${text.replace(/^error: /, '')}`),
    })
    .description(
      'Đúng Hạn — deadline monitor for the dossiers of Vietnamese administrative procedures.\n' +
        'Exit codes: 0 ok, 1 runtime failure, 2 bad input (with a message naming the argument).',
    )
    .showHelpAfterError(false)
    .exitOverride();

  program
    .command('due')
    .summary('The legal due date of one dossier')
    .description(
      'Compute the legal due date of a dossier on the Vietnamese working-day calendar and print one JSON object ' +
        '{receivedAt, effectiveReceiptDate, dueAt, duration, cutoff, calendar, provisional[, explanation]}.',
    )
    .requiredOption('--received <iso>', 'receipt instant, ISO-8601 with offset (e.g. 2024-02-07T16:30:00+07:00)')
    .requiredOption('--duration <n>', 'time limit: <N>wd working days, <N>wh working hours, <N>d calendar days')
    .option(
      '--cutoff <HH:MM>',
      'receipts at or after this time count from the next working day (default: office closing 17:00)',
    )
    .option('--calendar <file>', 'calendar file (JSON or YAML) instead of the built-in civil-service calendar')
    .addOption(new Option('--explain', 'add the explanation: effective receipt day, each day skipped and why'))
    .addHelpText(
      'after',
      '\nExample:\n  dunghan due --received 2024-02-07T16:30:00+07:00 --duration 5wd --cutoff 15:00 --explain',
    )
    .action(async (options) => {
      io.out(`${JSON.stringify(await runDue(options), null, 2)}\n`);
    });

  const dataDir = () => new Option('--data-dir <dir>', 'local store (dynalite on disk)').default('.dunghan');
  const print = (value: unknown) => io.out(`${JSON.stringify(value, null, 2)}\n`);

  program
    .command('seed')
    .summary('Validate and load rules, calendars, units')
    .description(
      'Validate the deadline rules, calendars and the directory of units (every problem listed; nothing written if ' +
        'any) and load them ' +
        'into the store: the local one under --data-dir, or with --aws the table named by TABLE_NAME.',
    )
    .option('--rules <dir>', 'rules directory (*.yaml, *.json)', 'config/rules')
    .option('--calendars <dir>', 'calendars directory (*.yaml, *.json)', 'config/calendars')
    .option('--units <file>', 'the directory of units (YAML or JSON)', 'config/units.yaml')
    .option('--aws', 'write to the AWS table named by TABLE_NAME (credentials from the environment)')
    .option('--author <name>', 'who loads it, for the audit (default: $DUNGHAN_AUTHOR or the OS user)')
    .addOption(dataDir())
    .action(async (options) => print(await runSeed(options)));

  program
    .command('replay')
    .summary('Feed an events file through the ingest')
    .argument('<events.jsonl>', 'EventBridge envelopes, one per line')
    .description(
      'Feed an export of dossier events through the ingest function on the local store; prints\n{ingested, duplicates, deadLettered, unrouted}. Replaying the same file twice changes nothing.',
    )
    .addOption(dataDir())
    .action(async (file: string, options) => print(await runReplay(file, options)));

  program
    .command('dossier')
    .summary('Print one dossier, or its control slip')
    .argument('<dossierId>', 'the dossier code')
    .description(
      'Print a dossier from the local store as JSON (status, stage, due dates, steps, the unit responsible for a ' +
        'delay, result, violations); with --slip, its process-control slip (phiếu kiểm soát quá trình giải quyết).',
    )
    .option('--slip', 'the process-control slip instead of the JSON')
    .option(
      '--receipt',
      "the receipt slip (giấy tiếp nhận, Mẫu 01) with the QR code of the citizens' status page, HTML",
    )
    .option(
      '--base-url <url>',
      "the public pages' base URL for --receipt (default: $APPROVAL_BASE_URL, else the local page)",
    )
    .option('--format <format>', 'slip format: html or docx', 'html')
    .option('--out <file>', 'write the slip to this file (docx default: phieu-kiem-soat-<id>.docx)')
    .addOption(dataDir())
    .addOption(asOption())
    .action(async (dossierId: string, options) => {
      if (options.receipt) {
        const receipt = await runReceiptSlip(dossierId, options);
        if (!receipt)
          throw new BadInputError(
            '<dossierId>',
            `no received dossier ${JSON.stringify(dossierId)} in ${options.dataDir}`,
          );
        if (receipt.html) io.out(receipt.html);
        else print({ file: receipt.file });
        return;
      }
      if (options.slip) {
        const slip = await runDossierSlip(dossierId, options);
        if (!slip)
          throw new BadInputError('<dossierId>', `no dossier ${JSON.stringify(dossierId)} in ${options.dataDir}`);
        if (slip.html) io.out(slip.html);
        else print({ file: slip.file });
        return;
      }
      const dossier = await runDossier(dossierId, options);
      if (!dossier)
        throw new BadInputError('<dossierId>', `no dossier ${JSON.stringify(dossierId)} in ${options.dataDir}`);
      print(dossier);
    });

  program
    .command('dead-letters')
    .summary('The events the local pipeline rejected')
    .description('List the events the local pipeline rejected, with the reason (the local dead-letter queue).')
    .addOption(dataDir())
    .action(async (options) => print(await runDeadLetters(options)));

  program
    .command('start')
    .summary('The whole pipeline locally (npm start)')
    .description(
      'Run the whole pipeline locally with no AWS account (npm start): dynalite and the SES emulator on loopback, ' +
        'a year of sample dossiers shaped after the seed report replayed through the same handlers on a simulated ' +
        'clock, the detector every working day, simulated officials approving apologies on the approval page; ' +
        'then a summary per field, and the inbox and approval page stay up until Ctrl-C.',
    )
    .option('--seed <n>', 'sample data seed (same seed, same data)', '2022')
    .option('--days <n>', 'days to simulate', '365')
    .option('--from <date>', 'first simulated day (YYYY-MM-DD)', '2022-01-01')
    .option('--speed <days/s>', 'simulated days per second; 0 = as fast as possible', '0')
    .option('--scale <x>', 'dossier volume relative to the seed report (1 = a district and three communes)', '1')
    .option('--approval-rate <0..1>', 'share of drafted apologies the simulated officials approve', '0.6')
    .option('--once', 'exit after the summary')
    .option('--json', 'print the result as JSON instead of the table')
    .option(
      '--data-dir <dir>',
      'where the simulated data stays for the other commands (emptied at each start)',
      '.dunghan',
    )
    .option('--keep-data', 'continue on the data already in --data-dir instead of starting afresh')
    .option('--in-memory', 'keep nothing on disk')
    .option('--dynamo-port <port>', 'dynalite port (0 = any free port)', '8000')
    .option('--ses-port <port>', 'SES emulator and web inbox port', '8005')
    .option('--api-port <port>', 'approval page port', '8080')
    .action(async (options) => runStart(options, io));

  const store = (command: Command) =>
    command
      .addOption(dataDir())
      .option('--aws', 'work on the AWS table named by TABLE_NAME (credentials from the environment)')
      .addOption(asOption());

  const rules = program
    .command('rules')
    .summary('Deadline rules: list, check, preview, put')
    .description(
      'Deadline rules: versioned by effective date, validated whole (every problem listed, nothing applied if any), ' +
        'previewed ("what moves?") and applied to the open dossiers, audited. Files: YAML or JSON, `rules:` list; ' +
        'a directory stands for its *.yaml and *.json files.',
    );
  store(rules.command('list').description('Every stored rule version, by scope and effective date.')).action(
    async (options) => print(await rulesCommands.list(options)),
  );
  store(
    rules
      .command('get')
      .argument('<id>', 'a scope (PROC#1.004227, FIELD#đất đai, GLOBAL) or one version (…@2025-07-01)')
      .description('The versions of one rule scope, or one version.'),
  ).action(async (id: string, options) => print(await rulesCommands.get(id, options)));
  store(
    rules
      .command('validate')
      .argument('<files...>', 'rules files or directories')
      .description('Validate rules files against the stored versions; exit 2 listing every problem.'),
  ).action(async (files: string[], options) => print(await rulesCommands.validate(files, options)));
  store(
    rules
      .command('diff')
      .argument('<files...>', 'rules files or directories')
      .description(
        'Which versions the files add, repeat (identical) or contradict (refused: versions are never rewritten).',
      ),
  ).action(async (files: string[], options) => print(await rulesCommands.diff(files, options)));
  store(
    rules
      .command('preview')
      .argument('<files...>', 'rules files or directories')
      .description('The open dossiers whose due dates or stage would change, old → new; writes nothing.'),
  ).action(async (files: string[], options) => print(await rulesCommands.preview(files, options)));
  store(
    rules
      .command('put')
      .argument('<files...>', 'rules files or directories')
      .option('--author <name>', 'who makes the change, for the audit (default: $DUNGHAN_AUTHOR or the OS user)')
      .description(
        'Store the new versions and recompute the open dossiers they govern (each records the change in its ' +
          'history); putting the same files again writes nothing and completes an interrupted recompute.',
      ),
  ).action(async (files: string[], options) => print(await rulesCommands.put(files, options)));

  const calendars = program
    .command('calendars')
    .summary('Working-day calendars: list, check, put')
    .description(
      'Working-day calendars: versioned, validated (make-up days on weekends, compensating days for holidays on ' +
        'weekends…), previewed and applied to the open dossiers, audited.',
    );
  store(calendars.command('list').description('The calendars in force, with version and provisional years.')).action(
    async (options) => print(await calendarCommands.list(options)),
  );
  store(
    calendars
      .command('get')
      .argument('<id>', 'calendar id (vn-civil-service)')
      .description('A calendar in force and its versions.'),
  ).action(async (id: string, options) => print(await calendarCommands.get(id, options)));
  store(
    calendars
      .command('validate')
      .argument('<file>', 'calendar file (YAML or JSON)')
      .description('Validate a calendar file; exit 2 listing every problem.'),
  ).action(async (file: string, options) => print(await calendarCommands.validate(file, options)));
  store(
    calendars
      .command('diff')
      .argument('<file>', 'calendar file (YAML or JSON)')
      .description('Settings and days (working ↔ day off) that differ from the calendar in force.'),
  ).action(async (file: string, options) => print(await calendarCommands.diff(file, options)));
  store(
    calendars
      .command('preview')
      .argument('<file>', 'calendar file (YAML or JSON)')
      .description(
        '"What moves if I apply this?": the open dossiers whose due dates or stage would change; writes nothing.',
      ),
  ).action(async (file: string, options) => print(await calendarCommands.preview(file, options)));
  store(
    calendars
      .command('put')
      .argument('<file>', 'calendar file (YAML or JSON)')
      .option('--legal-basis <text>', 'the decision or notice the change implements (required)')
      .option('--effective-from <date>', 'YYYY-MM-DD the version takes effect (default: today)')
      .option('--author <name>', 'who makes the change, for the audit (default: $DUNGHAN_AUTHOR or the OS user)')
      .description(
        'Store a new version and recompute the open dossiers a changed day touches (stages reached stay; one made ' +
          'overdue is handled by the next detector run).',
      ),
  ).action(async (file: string, options) => print(await calendarCommands.put(file, options)));
  store(
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
  ).action(async (options) => print(await checkProvisionalCommand(options)));

  const units = program
    .command('units')
    .summary('The directory of units: list, check, put')
    .description(
      'The directory of units (ADR 0015): each unit with its parent, place, desk officials (who get its alerts) ' +
        'and head; and who issues the apology of an inter-agency dossier (apologyIssuer). Versioned, validated whole ' +
        '(every problem listed, nothing applied if any), previewed, audited.',
    );
  store(units.command('list').description('The units in force, with the directory version.')).action(async (options) =>
    print(await unitCommands.list(options)),
  );
  store(
    units
      .command('get')
      .argument('<id>', 'unit id (H21.65.01, VPDKDD-KP)')
      .description('A unit in force and the directory versions it appears in.'),
  ).action(async (id: string, options) => print(await unitCommands.get(id, options)));
  store(
    units
      .command('validate')
      .argument('<file>', 'directory file (YAML or JSON)')
      .description('Validate a directory file; exit 2 listing every problem.'),
  ).action(async (file: string, options) => print(await unitCommands.validate(file, options)));
  store(
    units
      .command('diff')
      .argument('<file>', 'directory file (YAML or JSON)')
      .description('Units added, removed and changed (which fields) against the directory in force.'),
  ).action(async (file: string, options) => print(await unitCommands.diff(file, options)));
  store(
    units
      .command('preview')
      .argument('<file>', 'directory file (YAML or JSON)')
      .description(
        '"Whose alerts change?": the open dossiers at a unit the file adds, alters or removes, and the units they ' +
          'name that the file lacks; writes nothing.',
      ),
  ).action(async (file: string, options) => print(await unitCommands.preview(file, options)));
  store(
    units
      .command('put')
      .argument('<file>', 'directory file (YAML or JSON)')
      .option('--author <name>', 'who makes the change, for the audit (default: $DUNGHAN_AUTHOR or the OS user)')
      .description('Store a new version of the directory (the next detector run uses it); audited.'),
  ).action(async (file: string, options) => print(await unitCommands.put(file, options)));

  const users = program
    .command('users')
    .summary('People who sign in and their roles')
    .description(
      'The people who sign in and their grants (ADR 0023): admin, or <role>:<unit id> with role official (cán bộ), ' +
        'head (lãnh đạo), supervisor (giám sát: the unit and the units below it). Versioned, validated, audited; with ' +
        '--aws also mirrored into the Cognito user pools (STAFF_USER_POOL_ID, ADMIN_USER_POOL_ID).',
    );
  const grants = (value: string, previous: string[] = []) => [...previous, value];
  store(users.command('list').description('The people in force, with their grants.')).action(async (options) =>
    print(await userCommands.list(options)),
  );
  store(
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
    store(
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
  store(
    users
      .command('roles')
      .argument('<username>', 'the person')
      .option('--grant <grant>', 'a grant to give (repeat)', grants)
      .option('--revoke <grant>', 'a grant to take back (repeat)', grants)
      .option('--author <name>', 'who makes the change, for the audit')
      .description('Give and take back grants.'),
  ).action(async (username: string, options) => print(await userCommands.roles(username, options)));
  store(
    users
      .command('put')
      .argument('<file>', 'user directory (YAML or JSON), as config/users.yaml')
      .option('--author <name>', 'who makes the change, for the audit')
      .description('Store a whole user directory as the next version (validated against the units; audited).'),
  ).action(async (file: string, options) => print(await userCommands.put(file, options)));

  const quarantine = program
    .command('quarantine')
    .summary('Dossiers the detector parked: list, retry')
    .description(
      'Dossiers the detector failed on run after run: after 3 runs a dossier is parked (the detector leaves it ' +
        'alone and moves on; administrators are emailed once). Fix the cause, then retry.',
    );
  store(quarantine.command('list').description('The failing and parked dossiers, with the last error.')).action(
    async (options) => print(await quarantineCommands.list(options)),
  );
  store(
    quarantine
      .command('retry')
      .argument('<dossierId>', 'the dossier code')
      .description('Release a dossier: the next detector run handles it again.'),
  ).action(async (dossierId: string, options) => print(await quarantineCommands.retry(dossierId, options)));

  store(
    program
      .command('audit')
      .summary('Every configuration change, who and why')
      .description(
        'Every configuration change: who, when, what, from which file, on what legal basis, dossiers moved.',
      ),
  ).action(async (options) => print(await auditCommand(options)));

  store(
    program
      .command('report')
      .summary('The annex tables of a period')
      .description(
        'Count a period from the report index (never a Scan): the annex tables of the seed report by field, ' +
          'unit or month (received, carried over, resolved early / on time / late, in progress), overdue by unit, ' +
          'apology compliance and late hand-overs per responsible unit, the monthly trend; the QĐ 766 timeliness ' +
          'indicator per unit (rate, points, the end-of-period forecast and the open dossiers that would cost the ' +
          'most if late), on time counted against the legal due date and after the one lawful re-appointment, ' +
          'side by side. Vietnamese headers.',
      )
      .requiredOption('--from <YYYY-MM-DD>', 'first day of the period (Vietnam time)')
      .requiredOption('--to <YYYY-MM-DD>', 'last day of the period, included')
      .option('--unit <id>', 'only this unit (agency id) and the units under it')
      .option('--by <grouping>', 'rows of the main table: field, unit or month', 'field')
      .option('--format <format>', 'md, csv, xlsx, html (a dashboard page with charts) or json', 'md')
      .option('--out <file>', 'write to this file instead of stdout (required for xlsx)')
      .option(
        '--timeliness <file>',
        'counting rules of the QĐ 766 timeliness indicator (YAML; see config/timeliness.yaml, ADR 0020)',
      ),
  ).action(async (options) => runReport(options, io.out));

  store(
    program
      .command('verify')
      .summary('Check the audit trail against its anchors')
      .description(
        'Tamper evidence (ADR 0021): walk the audit trail of every dossier changed in the range, check each ' +
          "entry's hash and link, that each stored record is the one its last entry recorded, that its report row " +
          'follows from it and its event log still refolds to it; rehash each day against its anchor. Prints how many ' +
          'dossiers were verified and how many failed, naming each and what does not follow; exit 1 if any. A plain ' +
          'verify goes on from the last clean one (kept beside the anchors) and, when clean, records how far it got.',
      )
      .option(
        '--from <YYYY-MM-DD>',
        'first day of changes to verify (Vietnam time; default: the day after the last clean verification, or the first day)',
      )
      .option('--to <YYYY-MM-DD>', 'last day, included (default: the last day with changes, at most today)')
      .option('--all', 'verify from the first day, not from the last clean verification')
      .option('--format <format>', 'text (Vietnamese) or json', 'text'),
  ).action(async (options) => {
    await runVerify(options, io.out);
  });

  program
    .command('approvals')
    .summary('The apologies awaiting approval')
    .description('The drafted apologies awaiting approval on the local store (or --aws), the oldest draft first.')
    .addOption(dataDir())
    .option('--aws', 'read the AWS table named by TABLE_NAME (credentials from the environment)')
    .addOption(asOption())
    .action(async (options) => print(await runApprovals(options)));

  program
    .command('approve')
    .summary("Approve a dossier's apology from the desk")
    .argument('<dossierId>', 'the dossier code')
    .description(
      'Approve a dossier’s apology from the desk, through the same rules as the approval page: the reason, the ' +
        'one new return date (after the legal due date, a working day, not past), signed in as a head of the issuing ' +
        'unit (--as; only a head signs, ADR 0023). The letter is sent at once ' +
        'where the delivery function runs (AWS, `dunghan serve`, `npm start`), else at the next detector pass.',
    )
    .requiredOption('--reason <text>', 'the reason for the delay, as the letter states it')
    .requiredOption('--new-date <date>', 'the new return date, dd/mm/yyyy or YYYY-MM-DD')
    .addOption(asOption())
    .option(
      '--now <iso>',
      'the instant of the approval on the local store, ISO-8601 with offset (a replayed past; default: now, ' +
        'or the last simulated instant while `npm start` serves the data directory)',
    )
    .addOption(dataDir())
    .option('--aws', 'work on the AWS table named by TABLE_NAME (credentials from the environment)')
    .action(async (dossierId: string, options) => print(await runApprove(dossierId, options)));

  program
    .command('import')
    .summary('Import an exported dossier list')
    .argument(
      '<file>',
      'a dossier list exported from a one-stop system, one row per dossier: .xlsx, .xls (also an HTML table or Excel 2003 XML saved so) or .csv',
    )
    .description(
      'Import an exported dossier list through the sync feed’s mapping and the ingest (ADR 0017): each row is ' +
        'read as the portal’s DongBoHoSoMC item (receipt, appointment, result), so importing again, or a later ' +
        'export that overlaps, adds only what is new. --mapping names the columns, date formats and status ' +
        'wording (default config/import/danh-sach-ho-so.yaml). Prints {rows, dossiers, events, applied, ' +
        'duplicates, refused, problems}; exit 1 when a row could not be imported (row, column and reason).',
    )
    .option('--mapping <file.yaml>', 'how to read this system’s export')
    .option('--dry-run', 'read and map every row, list what cannot be imported, write nothing')
    .addOption(dataDir())
    .addOption(asOption())
    .option('--aws', 'put the events on the deployed bus (EVENT_BUS_NAME, TABLE_NAME) instead of the local store')
    .action(async (file: string, options) => print(await runImport(file, options, { err: process.stderr })));

  program
    .command('reconcile')
    .summary('Compare two sources of the same period')
    .argument(
      '<sources...>',
      'two sources: `store` (the local store, or with --aws the deployed table) or an export file',
    )
    .description(
      'Compare two sources of the same period per unit and month — the store and an export or the desk’s ' +
        'register kept as a spreadsheet, or two exports: counts on each side, the gap, the dossiers in one and ' +
        'not the other (by code), and for the store how many came through the portal sync feed. Files are read ' +
        'with --mapping (one per file, in order; default config/import/danh-sach-ho-so.yaml).',
    )
    .requiredOption('--from <date>', 'first day of receipt (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'last day of receipt (YYYY-MM-DD)')
    .option(
      '--mapping <file.yaml>',
      'how to read a file (repeat for the second file)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--format <format>', 'md, csv, xlsx (with --out), html or json', 'md')
    .option('--out <file>', 'write to a file')
    .addOption(dataDir())
    .option('--aws', 'read the deployed table (TABLE_NAME) as the store')
    .action(async (sources: string[], options) => {
      const result = await runReconcile(sources, options);
      if (typeof result === 'string') process.stdout.write(result);
      else print(result);
    });

  program
    .command('sync')
    .summary('Send a signed national portal sync request')
    .argument(
      '<payload.json>',
      'a sync-feed request: {"service": "DongBoHoSoMC" | "CapNhatTienDoHoSoMC", "data": [...]}',
    )
    .description(
      'Send a request of the national portal sync feed to POST /sync, signed as the sending system signs it ' +
        '(ADR 0017), and print the answer. Default target: the `npm start` or `dunghan serve` serving --data-dir, ' +
        'with its local key; for a deployed API pass --url and set DUNGHAN_SYNC_SECRET to the system key. Exit 1 ' +
        'when an item was refused (each listed with its field and reason), 2 for a request that is not one.',
    )
    .option('--url <url>', 'the API to send to (default: the local servers of --data-dir)')
    .option('--system <id>', 'the sending system id (a key of the SyncSecrets secret)', LOCAL_SYNC_SYSTEM)
    .addOption(dataDir())
    .action(async (file: string, options) => print(await runSync(file, options)));

  program
    .command('serve')
    .summary('Keep the approval page and the inbox up')
    .description(
      'Keep the approval page and the SES emulator up on the local store until Ctrl-C: the links in the digests ' +
        '`dunghan detect` sends open here, and an approval is delivered at once; it also takes the portal sync ' +
        'feed at POST /sync (`dunghan sync`).',
    )
    .option('--api-port <port>', 'approval page port', '8080')
    .option('--ses-port <port>', 'SES emulator port', '8005')
    .addOption(dataDir())
    .action(async (options) => runServe(options, io));

  program
    .command('detect')
    .summary('Run one detector pass')
    .description(
      'Run one detector pass at --now on the local store: move dossiers through their stages, send the digests ' +
        'and apologies to the SES endpoint in AWS_ENDPOINT_URL_SES (or, while `npm start` or `dunghan serve` ' +
        'serves the data directory, to its emulator), print the run report as JSON. Exit 1 when a dossier ' +
        'failed (the others are handled; what was not sent stays owed for the next pass).',
    )
    .requiredOption('--now <iso>', 'the instant of the pass, ISO-8601 with offset')
    .option(
      '--approval-base-url <url>',
      'where the approval links in the digests point (default: the page of the `npm start` or `dunghan serve` ' +
        'serving the data directory, else http://127.0.0.1:8080, where `dunghan serve` listens)',
    )
    .addOption(dataDir())
    .action(async (options) => print(await runDetect(options)));

  return program;
}

/** Runs the command line with this output and returns the exit code (in-process: the tests' matrix). */
export async function run(
  argv: string[],
  io: { out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; everything else commander rejects is bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    const result = error instanceof RuntimeFailure || error instanceof BadInputError ? error.result : undefined;
    if (result !== undefined) io.out(`${JSON.stringify(result, null, 2)}\n`);
    io.err(`dunghan: ${(error as Error).message ?? String(error)}\n`);
    return exitCodeFor(error);
  }
}

/** Runs the command line on this process's output and returns the exit code (bin/dunghan.js). */
export function main(argv: string[]): Promise<number> {
  return run(argv, { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
}
