import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dunghan } from '../support/run-cli.ts';

describe('dunghan due (as a process)', () => {
  it('prints one JSON object with the receipt, the effective receipt date and the due date at +07:00', async () => {
    const { code, stdout } = await dunghan(
      'due',
      '--received',
      '2024-02-07T16:30:00+07:00',
      '--duration',
      '5wd',
      '--cutoff',
      '15:00',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      receivedAt: '2024-02-07T16:30:00+07:00',
      effectiveReceiptDate: '2024-02-15',
      dueAt: '2024-02-22T17:00:00+07:00',
      duration: '5wd',
      cutoff: '15:00',
      calendar: 'vn-civil-service',
      provisional: false,
    });
  });

  it('adds the explanation with --explain and normalises a UTC receipt to Vietnamese time', async () => {
    const { code, stdout } = await dunghan(
      'due',
      '--received',
      '2024-02-07T09:30:00Z',
      '--duration',
      '5wd',
      '--explain',
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.receivedAt).toBe('2024-02-07T16:30:00+07:00');
    expect(out.dueAt).toBe('2024-02-21T17:00:00+07:00');
    expect(out.explanation.skippedDays).toHaveLength(9);
    expect(out.explanation.text.at(-1)).toBe('Hạn trả kết quả: 17:00 Thứ Tư, 21/02/2024.');
  });

  it('uses a calendar file given with --calendar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunghan-cli-'));
    const file = join(dir, 'cal.yaml');
    writeFileSync(
      file,
      'id: weekends-only\nname: Chỉ nghỉ cuối tuần\ntimeZone: Asia/Ho_Chi_Minh\nprovisionalRule: none\n',
    );
    const { code, stdout } = await dunghan(
      'due',
      '--received',
      '2024-02-07T10:00:00+07:00',
      '--duration',
      '2wd',
      '--calendar',
      file,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      calendar: 'weekends-only',
      dueAt: '2024-02-09T17:00:00+07:00',
      provisional: true,
    });
  });

  it.each([
    [
      ['--received', '2024-02-07T16:30:00', '--duration', '5wd'],
      /^dunghan: --received: must be ISO-8601 with an offset/,
    ],
    [
      ['--received', '2024-02-30T10:00:00+07:00', '--duration', '5wd'],
      /^dunghan: --received: is not a real date and time/,
    ],
    [['--received', '2024-02-07T10:00:00+07:00', '--duration', '5weeks'], /^dunghan: --duration: must be <N>wd/],
    [['--received', '2024-02-07T10:00:00+07:00', '--duration', '-5wd'], /^dunghan: --duration: must not be negative/],
    [
      ['--received', '2024-02-07T10:00:00+07:00', '--duration', '5wd', '--cutoff', '15h'],
      /^dunghan: --cutoff: must be HH:MM/,
    ],
    [
      ['--received', '2024-02-07T10:00:00+07:00', '--duration', '5wd', '--cutoff', '24:00'],
      /^dunghan: --cutoff: must be HH:MM/,
    ],
    [
      ['--received', '2024-02-07T10:00:00+07:00', '--duration', '5wd', '--calendar', '/nonexistent/cal.yaml'],
      /^dunghan: --calendar: \/nonexistent\/cal.yaml: \(root\): cannot read the file/,
    ],
    [['--duration', '5wd'], /^dunghan: required option '--received <iso>' not specified/],
  ])('exits 2 with one line naming the argument for %j', async (args, message) => {
    const { code, stdout, stderr } = await dunghan('due', ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('rejects an invalid calendar file, counting its problems', async () => {
    const file = new URL('../fixtures/calendars/invalid-many-problems.yaml', import.meta.url).pathname;
    const { code, stderr } = await dunghan(
      'due',
      '--received',
      '2024-02-07T10:00:00+07:00',
      '--duration',
      '5wd',
      '--calendar',
      file,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/^dunghan: --calendar: .*invalid-many-problems.yaml: id: .*\(and \d+ more problems\)\n$/);
  });

  it('documents every option in --help and exits 0', async () => {
    const top = await dunghan('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('due [options]');
    const help = await dunghan('due', '--help');
    expect(help.code).toBe(0);
    for (const option of ['--received', '--duration', '--cutoff', '--calendar', '--explain']) {
      expect(help.stdout).toContain(option);
    }
  });

  it('reads as a terminal shows it: one line per command, descriptions wrapped once at 80 columns', async () => {
    const top = (await dunghan('--help')).stdout;
    const commands = top
      .slice(top.indexOf('Commands:\n') + 'Commands:\n'.length)
      .trimEnd()
      .split('\n');
    expect(commands.length).toBeGreaterThan(15);
    for (const line of commands) expect(line, line).toMatch(/^ {2}[a-z-]+ .{3,}$/);
    for (const command of ['report', 'verify', 'import', 'detect', 'start']) {
      const help = (await dunghan(command, '--help')).stdout;
      const start = help.indexOf('\n\n') + 2;
      const paragraph = help.slice(start, help.indexOf('\n\n', start)).split('\n');
      expect(paragraph.length, command).toBeGreaterThan(1);
      for (const line of help.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
      // A source line break inside a description would leave a short line in the middle of the paragraph.
      for (const line of paragraph.slice(0, -1)) expect(line.length, `${command}: ${line}`).toBeGreaterThan(55);
    }
  });

  it('exits 2 for an unknown command', async () => {
    const { code, stderr } = await dunghan('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^dunghan: unknown command 'frobnicate'/);
  });
});
