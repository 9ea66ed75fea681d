import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commaList, loadInput, manualInput } from '../../cli/input.ts';
import { parseTrigger } from '../../functions/resolve-accounts/triggers.ts';

const fixtures = new URL('fixtures/', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;
/** Standard input for calls that must not read it. */
const noStdin = {
  readAll: () => Promise.reject(new Error('standard input was read')),
};

describe('commaList', () => {
  it('returns trimmed items without empties, added to earlier ones when the option repeats', () => {
    expect(commaList(' 111111111111, ,222222222222 ', undefined)).toEqual(['111111111111', '222222222222']);
    expect(commaList('333333333333', ['111111111111'])).toEqual(['111111111111', '333333333333']);
  });
});

describe('manualInput', () => {
  it('returns a document parseTrigger reads as a manual input when accounts and options are given', () => {
    const input = manualInput([{ accountId: '012345678901' }], {
      regions: ['eu-west-1'],
      services: ['detective'],
      dryRun: true,
    });
    expect(input).toEqual({
      accounts: [{ accountId: '012345678901' }],
      regions: ['eu-west-1'],
      services: ['detective'],
      dryRun: true,
    });
    expect(parseTrigger(input)).toMatchObject({ trigger: 'manual', dryRun: true, regions: ['eu-west-1'] });
  });

  it('returns allAccounts without the options that were not given', () => {
    expect(manualInput('all', { dryRun: false })).toEqual({ allAccounts: true });
  });
});

describe('loadInput', () => {
  it('returns undefined when no option names accounts', async () => {
    expect(await loadInput({ regions: ['eu-west-1'] }, fixtures, noStdin)).toBeUndefined();
  });

  it('returns the accounts of a CSV file with the other options', async () => {
    expect(
      await loadInput({ csv: 'console-export.csv', services: ['securityhub'] }, fixtures, noStdin),
    ).toEqual({
      accounts: [
        { accountId: '200000000001', email: 'aws+200000000001@example.com' },
        { accountId: '200000000002', email: 'aws+200000000002@example.com' },
        { accountId: '200000000003' },
      ],
      services: ['securityhub'],
    });
  });

  it('returns an --input event exactly as written', async () => {
    const event = await loadInput(
      { input: 'events/triggers/create-account-result-succeeded.json' },
      root,
      noStdin,
    );
    expect(event).toMatchObject({
      source: 'aws.organizations',
      'detail-type': 'AWS Service Event via CloudTrail',
    });
  });

  it('throws InvalidInputError naming the file when it is missing or not JSON', async () => {
    await expect(loadInput({ input: 'missing.json' }, fixtures, noStdin)).rejects.toThrow(
      'missing.json: no such file',
    );
    await expect(loadInput({ input: 'console-export.csv' }, fixtures, noStdin)).rejects.toThrow(
      /console-export\.csv: not a JSON document/,
    );
  });

  it.each([
    ['null', 'holds null, not a JSON object'],
    ['[]', 'holds a list of 0 items, not a JSON object'],
    ['42', 'holds the number 42, not a JSON object'],
    ['"x"', 'holds "x", not a JSON object'],
    ['true', 'holds the boolean true, not a JSON object'],
  ])('throws InvalidInputError naming the value when --input holds %s', async (text, message) => {
    const folder = mkdtempSync(join(tmpdir(), 'muster-input-'));
    try {
      writeFileSync(join(folder, 'input.json'), text);

      await expect(loadInput({ input: 'input.json' }, folder, noStdin)).rejects.toThrow(
        `input.json: ${message}`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('loadInput from standard input', () => {
  const stdin = (text: string) => ({ readAll: async () => text });

  it('returns the accounts of a CSV read from standard input when --csv is -', async () => {
    expect(
      await loadInput({ csv: '-' }, fixtures, stdin('Account ID,Email\n200000000001,one@example.com\n')),
    ).toEqual({ accounts: [{ accountId: '200000000001', email: 'one@example.com' }] });
  });

  it('returns the document read from standard input when --input is -', async () => {
    expect(await loadInput({ input: '-' }, fixtures, stdin('{"allAccounts": true}'))).toEqual({
      allAccounts: true,
    });
  });

  it('throws naming standard input when what it holds is not a CSV of accounts', async () => {
    await expect(loadInput({ csv: '-' }, fixtures, stdin('200000000001\n'))).rejects.toThrow(
      /^standard input line 1: expected the header/,
    );
  });
});
