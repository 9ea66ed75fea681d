import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { advance, type Progress, startProgress } from '../../cli/history.ts';
import { main } from '../../cli/main.ts';
import { progressLine } from '../../cli/progress.ts';
import { phasesText, planText, reportText } from '../../cli/render.ts';
import { terminalJson, terminalLines, terminalSafe, terminalText } from '../../cli/terminal.ts';
import { memoryIo, samplePlan, sampleReport } from './helpers.ts';

const plain = pc.createColors(false);
const ACCOUNT = '200000000001';

// What a hostile email, name, reason or AWS text could carry to drive or deceive a terminal.
const HOSTILE = {
  clearScreen: '\u001b[2J\u001b[H',
  title: '\u001b]0;pwned\u0007',
  hyperlink: '\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\',
  c1Csi: '\u009b31m',
  del: 'a\u007fb',
  rightToLeft: 'moc.elpmaxe@\u202etoor',
  isolates: '\u2066\u2067\u2068\u2069',
  marks: '\u200e\u200f\u061c',
  embeddings: '\u202a\u202b\u202c\u202d',
  carriageReturn: 'ok\rENABLED',
  lineBreak: 'one\ntwo',
};

// Every character a printer must not pass on raw: C0 (but LF), DEL, C1 and the bidi controls.
const BIDI = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
const rawControls = (text: string) =>
  [...text]
    .map((character) => character.codePointAt(0) ?? 0)
    .filter((code) => code !== 0x0a && (code < 0x20 || (code >= 0x7f && code <= 0x9f) || BIDI.includes(code)))
    .map((code) => code.toString(16));

describe('terminalText', () => {
  it.each([
    ['\u001b[2J', '\\u001b[2J'],
    ['\u009b31m', '\\u009b31m'],
    ['a\u007fb', 'a\\u007fb'],
    ['moc.elpmaxe@\u202etoor', 'moc.elpmaxe@\\u202etoor'],
    ['\u2066x\u2069', '\\u2066x\\u2069'],
    ['\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['ok\rENABLED', 'ok\\u000dENABLED'],
    ['one\ntwo\t', 'one\\u000atwo\\u0009'],
  ])('returns %j as %s', (text, shown) => {
    expect(terminalText(text)).toBe(shown);
  });

  it('returns letters, accents, emoji and other scripts unchanged', () => {
    const text = 'Zoë 日本 𝔘 🙂 مرحبا a\u00a0b';
    expect(terminalText(text)).toBe(text);
  });
});

describe('terminalLines', () => {
  it('returns a message with its line breaks, everything else escaped', () => {
    expect(terminalLines('bad id "\u202e1"\n  line 2: \u001b[31m')).toBe(
      'bad id "\\u202e1"\n  line 2: \\u001b[31m',
    );
  });
});

describe('terminalSafe', () => {
  it('returns every string of nested objects and arrays escaped, keys included, other values as they are', () => {
    expect(terminalSafe({ a: ['\u001b', { '\u202e': 1, b: null, c: true }] })).toEqual({
      a: ['\\u001b', { '\\u202e': 1, b: null, c: true }],
    });
  });
});

describe('terminalJson', () => {
  it('returns a document without raw controls that parses back to the same value', () => {
    const value = { ...HOSTILE, list: Object.values(HOSTILE) };

    const text = terminalJson(value);

    expect(rawControls(text)).toEqual([]);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('the text printers', () => {
  const hostileValues = Object.values(HOSTILE).join('|');

  it('print the plan with hostile emails, reasons and notes escaped', () => {
    const plan = samplePlan({
      accounts: [{ accountId: '200000000001', email: hostileValues }],
      skipped: [
        { accountId: '\u202e11111111111', outcome: 'SKIPPED_ACCOUNT_INACTIVE', reason: hostileValues },
      ],
      note: hostileValues,
    });

    const text = planText(plan, plain);

    expect(rawControls(text)).toEqual([]);
    expect(text).toContain('200000000001  \\u001b[2J\\u001b[H|\\u001b]0;pwned\\u0007|');
    expect(text).toContain('\\u202e11111111111  SKIPPED_ACCOUNT_INACTIVE');
  });

  it('print the report and the phases with hostile reasons, errors and causes escaped, the cause keeping its lines', () => {
    const report = sampleReport();
    const progress: Progress = {
      ...startProgress(),
      plan: samplePlan(),
      status: 'FAILED',
      error: `Bad\u001b[8m${HOSTILE.rightToLeft}`,
      cause: `first line ${HOSTILE.clearScreen}\nsecond line ${HOSTILE.c1Csi}`,
      report: {
        ...report,
        notEnabled: report.notEnabled.map((group) => ({ ...group, reason: hostileValues })),
      },
    };

    const text = `${reportText(progress, plain)}${phasesText(progress, plain)}`;

    expect(rawControls(text)).toEqual([]);
    expect(text).toContain('Bad\\u001b[8mmoc.elpmaxe@\\u202etoor');
    expect(text).toContain('first line \\u001b[2J\\u001b[H\nsecond line \\u009b31m');
  });

  it('print progress lines with a hostile error escaped', () => {
    const progress = advance(startProgress(), { type: 'ended', status: 'FAILED', error: HOSTILE.title });

    expect(progressLine(progress, { type: 'ended', status: 'FAILED', error: HOSTILE.title })).toBe(
      'finished FAILED (\\u001b]0;pwned\\u0007)',
    );
  });

  it('print errors naming a hostile value escaped', async () => {
    const io = memoryIo();

    const code = await main(['plan', '--accounts', `\u202e${'1'.repeat(11)}\u001b[2J`, '--local'], io);

    expect(code).toBe(2);
    expect(rawControls(io.stderr.text)).toEqual([]);
    expect(io.stderr.text).toContain('\\u202e11111111111');
  });

  it('refuse a CSV with a hostile email naming the account, with no raw control and not the address', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'muster-terminal-'));
    try {
      const file = join(folder, 'accounts.csv');
      writeFileSync(file, `Account ID,Email\n${ACCOUNT},"root\u202e@example.com\u001b[2J"\n`);
      const io = memoryIo();

      const code = await main(['plan', '--local', '--csv', file], io);

      expect(code).toBe(2);
      expect(io.stderr.text).toContain(ACCOUNT);
      expect(io.stderr.text).not.toContain('root');
      expect(rawControls(io.stderr.text)).toEqual([]);
      expect(io.stdout.text).toBe('');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
