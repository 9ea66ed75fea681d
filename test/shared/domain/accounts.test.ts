import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emailProblem,
  maskEmail,
  maskEmails,
  selectAccounts,
} from '../../../functions/shared/domain/accounts.ts';
import { InvalidInputError } from '../../../functions/shared/errors.ts';

const ADMIN = '999999999999';

describe('selectAccounts', () => {
  it('returns unique accounts and sets the administrator aside', () => {
    const selection = selectAccounts(
      [
        { accountId: '111111111111', email: 'a@example.com' },
        { accountId: ADMIN },
        { accountId: '111111111111' },
        '222222222222',
      ],
      ADMIN,
      'accounts',
    );
    expect(selection.accounts).toEqual([
      { accountId: '111111111111', email: 'a@example.com' },
      { accountId: '222222222222' },
    ]);
    expect(selection.skipped).toEqual([
      expect.objectContaining({ accountId: ADMIN, outcome: 'SKIPPED_ADMINISTRATOR' }),
    ]);
  });

  it('keeps an email given only by a later duplicate', () => {
    const { accounts } = selectAccounts(
      [{ accountId: '111111111111' }, { accountId: '111111111111', email: 'a@example.com' }],
      ADMIN,
      'accounts',
    );
    expect(accounts).toEqual([{ accountId: '111111111111', email: 'a@example.com' }]);
  });

  it('rejects every bad entry at once, naming values and positions', () => {
    let error: unknown;
    try {
      selectAccounts(
        [
          { accountId: '444455556666.0' },
          { accountId: '111111111111' },
          { accountId: 44445555666 },
          { accountId: '1', email: 'x' },
        ],
        ADMIN,
        'accounts',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems).toEqual([
      'accounts[0].accountId: "444455556666.0" is not an account id (exactly 12 digits, as text)',
      'accounts[2].accountId: the number 44445555666 (account ids must be strings) is not an account id',
      'accounts[3].accountId: "1" has 1 digits; an account id has exactly 12 (a lost leading zero?)',
    ]);
  });

  it('rejects one account given with two different emails', () => {
    expect(() =>
      selectAccounts(
        [
          { accountId: '111111111111', email: 'a@example.com' },
          { accountId: '111111111111', email: 'b@example.com' },
        ],
        ADMIN,
        'accounts',
      ),
    ).toThrow('accounts[1]: account 111111111111 appears again with a different email');
  });

  it('rejects an email that is not one, naming the account and not the address', () => {
    const select = () =>
      selectAccounts([{ accountId: '111111111111', email: 'nobody@example' }], ADMIN, 'accounts');

    expect(select).toThrow(
      'accounts[0].email: account 111111111111: the email is not an address Detective accepts',
    );
    expect(select).not.toThrow(/nobody/);
  });
});

describe('emailProblem', () => {
  it.each([
    'alice@example.com',
    'aws+111111111111@example.co.uk',
    'first.last@sub-domain.example.museum',
    'a b@example.com',
  ])("accepts %j, which matches Detective's EmailAddress pattern", (email) => {
    expect(emailProblem(email)).toBeUndefined();
  });

  it.each([
    ['no top-level domain', 'alice@example', 'not an address Detective accepts'],
    ['a one-letter top-level domain', 'alice@example.c', 'not an address Detective accepts'],
    ['a numeric top-level domain', 'alice@example.123', 'not an address Detective accepts'],
    ['a label starting with a hyphen', 'alice@-example.com', 'not an address Detective accepts'],
    ['an underscore in the domain', 'alice@ex_ample.com', 'not an address Detective accepts'],
    ['no local part', '@example.com', 'not an address Detective accepts'],
    ['a trailing line break', 'alice@example.com\n', 'a control character or a line break'],
    ['a line break inside', 'alice\r\n@example.com', 'a control character or a line break'],
    ['a line separator', 'alice\u2028@example.com', 'a control character or a line break'],
    ['a NUL', 'alice\u0000@example.com', 'a control character or a line break'],
    ['a tab', 'alice\t@example.com', 'a control character or a line break'],
    ['an escape sequence', '\u001b[31malice@example.com', 'a control character or a line break'],
    ['a right-to-left override', 'alice\u202e@example.com', 'a control character or a line break'],
    [
      '65 characters',
      `${'a'.repeat(53)}@example.com`,
      'the email has 65 characters; Detective takes at most 64',
    ],
    ['1 MB', `${'a'.repeat(1_000_000)}@example.com`, 'the email has 1000012 characters'],
  ])('rejects an email with %s, without repeating it', (_, email, words) => {
    const problem = emailProblem(email);

    expect(problem).toContain(words);
    expect(problem).not.toContain('alice');
  });

  it.each([
    [42, 'the number 42 is not an email address'],
    [null, 'null is not an email address'],
  ])('rejects %j, which is not text', (value, message) => {
    expect(emailProblem(value)).toBe(message);
  });
});

describe('maskEmail', () => {
  it.each([
    ['alice@example.com', 'a***@example.com'],
    ['@example.com', '***'],
    [undefined, undefined],
  ])('masks %s as %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });
});

describe('maskEmails', () => {
  it.each([
    ['invited root+111111111111@example.com and a@b.io', 'invited r***@example.com and a***@b.io'],
    ['no address here', 'no address here'],
    ['"x@example.org"', '"x***@example.org"'],
    ['a@b.c@d.e', 'a***@b.c@d.e'],
    ['a@b@c.d', 'a@b***@c.d'],
    ['a@.b x@y. @z.w', 'a@.b x@y. @z.w'],
    ['a@b.c.', 'a***@b.c.'],
  ])('masks every address in %j', (text, masked) => {
    expect(maskEmails(text)).toBe(masked);
  });

  it('masks what the regular expression it replaces masked, for any text', () => {
    const previous = /[^@\s"'<>,;:]+@[^@\s"'<>,;:]+\.[^@\s"'<>,;:]+/g;
    const characters = fc.constantFrom('a', 'b', '@', '.', ' ', '"', ',', ':', '\n', '\u00a0', 'é');
    fc.assert(
      fc.property(fc.array(characters, { maxLength: 40 }), (chars) => {
        const text = chars.join('');
        expect(maskEmails(text)).toBe(text.replace(previous, (email) => maskEmail(email) ?? '***'));
      }),
      { numRuns: 2000 },
    );
  });

  // The regular expression it replaced backtracked quadratically: 1 MB took over ten minutes.
  it.each([
    ['one 1 MB word', 'a'.repeat(1_000_000), 'a'.repeat(1_000_000)],
    ['1 MB of @', 'a@'.repeat(500_000), 'a@'.repeat(500_000)],
    ['a 1 MB domain without a dot', `x@${'b'.repeat(1_000_000)}`, `x@${'b'.repeat(1_000_000)}`],
    ['1 MB of addresses', 'ab@c.de '.repeat(125_000), 'a***@c.de '.repeat(125_000)],
  ])('masks %s in one pass', (_, text, masked) => {
    expect(maskEmails(text)).toBe(masked);
  });
});
