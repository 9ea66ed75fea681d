import { describe, expect, it } from 'vitest';
import {
  accountIdProblem,
  describeValue,
  parseAccountId,
} from '../../../functions/shared/domain/account-id.ts';
import { InvalidInputError } from '../../../functions/shared/errors.ts';

describe('parseAccountId', () => {
  it.each(['444455556666', '012345678901', '000000000000'])(
    'returns %s unchanged when it is 12 digits',
    (id) => {
      expect(parseAccountId(id, 'accounts[0]')).toBe(id);
    },
  );

  it.each([
    [444455556666, 'the number 444455556666 (account ids must be strings)'],
    ['444455556666.0', '"444455556666.0" is not an account id'],
    ['4.44456E+11', '"4.44456E+11" is not an account id'],
    ['44445555666', 'has 11 digits'],
    ['4444555566667', 'has 13 digits'],
    ['', 'an empty value'],
    ['   ', 'an empty value'],
    [' 444455556666', 'is not an account id'],
    ['444455556666\n', 'is not an account id'],
    [null, 'null is not an account id'],
    [undefined, 'nothing is not an account id'],
    [{ id: '444455556666' }, 'an object is not an account id'],
    [['444455556666'], 'a list of 1 item is not an account id'],
  ])('rejects %j naming the value and its position', (value, words) => {
    expect(() => parseAccountId(value, 'accounts[3].accountId')).toThrow(InvalidInputError);
    expect(() => parseAccountId(value, 'accounts[3].accountId')).toThrow(`accounts[3].accountId: `);
    expect(accountIdProblem(value)).toContain(words);
  });
});

describe('describeValue', () => {
  it.each([
    [{}, 'an object'],
    [[], 'a list of 0 items'],
    [[1, 2], 'a list of 2 items'],
    [42, 'the number 42'],
    [true, 'the boolean true'],
    [null, 'null'],
    [undefined, 'nothing'],
    ['x', '"x"'],
    ['a\nb', '"a\\nb"'],
  ])('renders %j as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it('clips a long string to its first 64 characters and says how long it is', () => {
    const text = describeValue('a'.repeat(204_800));

    expect(text).toBe(`"${'a'.repeat(64)}"... (204800 characters)`);
  });
});
