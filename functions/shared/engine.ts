import { mapWithConcurrency } from './concurrency.ts';
import {
  type AdministratorStepInput,
  type AdministratorStepOutput,
  DEFAULT_MAX_ATTEMPTS,
  type DoneMark,
  type RetryEntry,
} from './contracts.ts';
import type { Account } from './domain/accounts.ts';
import { backoffSeconds } from './domain/backoff.ts';
import { chunk } from './domain/chunk.ts';
import { classifyError, classifyUnprocessed, describeError, type ErrorLike } from './domain/classify.ts';
import type { FailedEntry } from './domain/failures.ts';
import {
  type ObservedStatus,
  type Outcome,
  outcomeOfStatus,
  SERVICE_NOT_OFFERED_REASON,
} from './domain/outcomes.ts';
import { generalizeReason } from './domain/reasons.ts';
import { nextAction } from './domain/reconcile.ts';
import { isServiceNotOffered } from './domain/regions.ts';
import { SERVICE_RULES } from './domain/services.ts';
import { AdministratorDeniedError, InvalidInputError } from './errors.ts';
import type {
  MembershipLocator,
  MembershipReader,
  MembershipTarget,
  UnprocessedAccount,
} from './services/administrator.ts';

/** Metrics the steps emit; the handler binds it to Powertools Metrics. */
export interface Telemetry {
  count(
    metric: 'MembersCreated' | 'MembersInvited' | 'UnprocessedAccounts',
    value: number,
    reason?: string,
  ): void;
}

/**
 * Collects exactly one result per requested account. Settling an account twice or leaving one
 * unsettled is a bug in the step, so it throws rather than report something that is not true.
 */
export class StepResults {
  private readonly pending = new Map<string, Account>();
  private readonly done: Partial<Record<DoneMark, string[]>> = {};
  private readonly retries: RetryEntry[] = [];
  private readonly failures: FailedEntry[] = [];

  private readonly attempt: number;
  private readonly maxAttempts: number;
  /** Each account's place in the input: chunks answer in any order, the output keeps this one. */
  #position: Map<string, number> | undefined;

  /**
   * Works on `input.retry` of `input.accounts` when given, else on all of them. Earlier attempts'
   * failures (`input.failed`) are the create step's to pass on (groupFailures).
   */
  constructor(private readonly input: AdministratorStepInput) {
    this.attempt = input.attempt ?? 1;
    this.maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const { accounts, retry } = input;
    if (retry === undefined) for (const account of accounts) this.pending.set(account.accountId, account);
    else
      for (const [index, accountId] of retry.entries()) {
        const account = accounts[this.position.get(accountId) ?? -1];
        if (account === undefined)
          throw new InvalidInputError(`input.retry[${index}]: "${accountId}" is not one of input.accounts`);
        this.pending.set(accountId, account);
      }
  }

  /**
   * Made when first needed: a step that settles its accounts itself (the check's 34 pairs of 1,000
   * each) never orders an output. A repeated id keeps its last place, as it keeps its last entry.
   */
  private get position(): Map<string, number> {
    if (this.#position === undefined) {
      const { accounts } = this.input;
      this.#position = new Map();
      for (let index = 0; index < accounts.length; index += 1)
        this.#position.set((accounts[index] as Account).accountId, index);
    }
    return this.#position;
  }

  /** Accounts not settled yet, in input order. */
  get unsettled(): Account[] {
    return [...this.pending.values()];
  }

  isPending(accountId: string): boolean {
    return this.pending.has(accountId);
  }

  private take(accountId: string): Account {
    const account = this.pending.get(accountId);
    if (account === undefined) throw new Error(`account ${accountId} settled twice or never requested`);
    this.pending.delete(accountId);
    return account;
  }

  /**
   * Settles an account whose membership the caller reports itself (the check and the invitations
   * say what they read as memberships), so only errors travel through `retry` and `failed`.
   */
  settle(accountId: string): void {
    this.take(accountId);
  }

  succeed(accountId: string, mark: DoneMark): void {
    this.take(accountId);
    const ids = this.done[mark] ?? [];
    ids.push(accountId);
    this.done[mark] = ids;
  }

  retry(accountId: string, reason: string, outcome?: Outcome): void {
    const { email } = this.take(accountId);
    this.retries.push({
      accountId,
      ...(email === undefined ? {} : { email }),
      reason: generalizeReason(reason, accountId, this.input.region),
      ...(outcome === undefined ? {} : { outcome }),
    });
  }

  fail(accountId: string, outcome: Outcome, reason: string): void {
    this.take(accountId);
    this.failures.push({
      accountId,
      outcome,
      reason: generalizeReason(reason, accountId, this.input.region),
    });
  }

  /** The Region and service this step works in, for messages. */
  get pair(): { region: string; service: string } {
    return { region: this.input.region, service: this.input.service };
  }

  /** Settles an account from an error that broke the call it was in. */
  failFromError(accountId: string, error: ErrorLike): void {
    if (isServiceNotOffered(error)) {
      this.fail(accountId, 'SERVICE_NOT_OFFERED', SERVICE_NOT_OFFERED_REASON);
      return;
    }
    const reason = describeError(error);
    const kind = classifyError(error);
    if (kind === 'retry') this.retry(accountId, reason);
    else if (kind === 'quota')
      this.fail(accountId, 'FAILED', `a quota is spent, so it is not retried: ${reason}`);
    else if (kind === 'service-not-enabled') {
      this.fail(
        accountId,
        'SERVICE_NOT_ENABLED',
        `not enabled for the administrator in this Region: ${reason}`,
      );
    } else if (kind === 'region-disabled') {
      this.fail(
        accountId,
        'SERVICE_NOT_ENABLED',
        `this Region is not enabled for the administrator: ${reason}`,
      );
    } else this.fail(accountId, 'FAILED', reason);
  }

  /**
   * Settled items in their accounts' input order: each account is settled once, so each has a slot
   * of its own, and a step's 1,000 need one pass rather than a sort that looks both up each time.
   */
  private inInputOrder<T>(items: readonly T[], accountIdOf: (item: T) => string): T[] {
    if (items.length < 2) return [...items];
    const slots = new Array<T | undefined>(this.input.accounts.length);
    for (const item of items) slots[this.position.get(accountIdOf(item)) ?? 0] = item;
    return slots.filter((item): item is T => item !== undefined);
  }

  /**
   * The step's output. On the last attempt, accounts that would be retried fail instead, keeping
   * the last reason: retries are bounded.
   */
  output(extra: Pick<AdministratorStepOutput, 'home'> = {}): AdministratorStepOutput {
    if (this.pending.size > 0)
      throw new Error(`accounts left without a result: ${[...this.pending.keys()].join(', ')}`);
    const lastAttempt = this.attempt >= this.maxAttempts;
    // In input order whatever order the chunks answered in: the same result in two Regions must
    // read the same, or the report keeps their groups apart.
    const retries = this.inInputOrder(this.retries, ({ accountId }) => accountId);
    const failures = this.inInputOrder(this.failures, ({ accountId }) => accountId);
    const done: Partial<Record<DoneMark, string[]>> = {};
    for (const [mark, ids] of Object.entries(this.done) as [DoneMark, string[]][])
      done[mark] = this.inInputOrder(ids, (accountId) => accountId);
    const retry = lastAttempt ? [] : retries;
    const gaveUp = lastAttempt
      ? retries.map(({ accountId, reason, outcome }) => ({
          accountId,
          outcome: outcome ?? ('FAILED' as const),
          reason: `still failing after ${this.attempt} attempt${this.attempt === 1 ? '' : 's'}: ${reason}`,
        }))
      : [];
    return {
      region: this.input.region,
      service: this.input.service,
      ...extra,
      done,
      retry,
      failed: [...failures, ...gaveUp],
      attempt: this.attempt,
      retryAfterSeconds: retry.length > 0 ? backoffSeconds(this.attempt) : 0,
    };
  }
}

/**
 * A denied call is about the administrator, not the accounts in it: every chunk, and usually every
 * Region, would be denied alike, and listing each account would overflow the state at scale. The
 * run stops with what to allow; a re-run picks up from there.
 */
function deniedError(results: StepResults, error: ErrorLike): AdministratorDeniedError {
  const { region, service } = results.pair;
  return new AdministratorDeniedError(
    `the administrator was denied a ${service} call in ${region} (${describeError(error)}): allow it for muster's functions, then run again`,
    { cause: error },
  );
}

/**
 * Chunks of one step in flight at once: as many as the client's rate limiter lets start in a
 * second at the default CALLS_PER_SECOND (10), so a step is paced by the limiter, not by round
 * trips. With a lower setting the extra chunks wait in the limiter.
 */
export const CHUNKS_IN_FLIGHT = 10;

/**
 * Calls `call` once per chunk of at most 50, up to CHUNKS_IN_FLIGHT at a time (the client's rate
 * limiter spaces them). A chunk whose call throws settles its accounts from the error; the others
 * go on. A denied call stops the step (deniedError) once the chunks in flight have settled.
 */
export async function forEachChunk<T extends { accountId: string } | string>(
  items: readonly T[],
  results: StepResults,
  call: (chunk: T[]) => Promise<void>,
): Promise<void> {
  await mapWithConcurrency(chunk(items), CHUNKS_IN_FLIGHT, async (part) => {
    try {
      await call(part);
    } catch (error) {
      if (classifyError(error as ErrorLike) === 'access-denied')
        throw deniedError(results, error as ErrorLike);
      for (const item of part) {
        const accountId = typeof item === 'string' ? item : item.accountId;
        if (results.isPending(accountId)) results.failFromError(accountId, error as ErrorLike);
      }
    }
  });
}

export type Observation = Map<string, ObservedStatus>;

/**
 * Reads the current status of `accountIds` (GetMembers, 50 at a time). Accounts the service does
 * not return are NOT_A_MEMBER, unless it said why and the reason is transient: those are settled
 * as retry, like accounts whose GetMembers call failed.
 */
export async function observe(
  adapter: MembershipReader,
  target: MembershipTarget,
  accountIds: readonly string[],
  results: StepResults,
): Promise<Observation> {
  const observation: Observation = new Map();
  await forEachChunk(accountIds, results, async (ids) => {
    const { members, unprocessed } = await adapter.getMembers(target, ids);
    for (const member of members) {
      observation.set(
        member.accountId,
        outcomeOfStatus(adapter.service, member.status, member.disabledReason),
      );
    }
    for (const { accountId, reason } of unprocessed) {
      if (observation.has(accountId) || !results.isPending(accountId)) continue;
      if (classifyUnprocessed(reason).kind === 'retry') results.retry(accountId, reason ?? 'unprocessed');
    }
    for (const id of ids) {
      if (!observation.has(id) && results.isPending(id)) observation.set(id, { outcome: 'NOT_A_MEMBER' });
    }
  });
  return observation;
}

/**
 * Settles an account whose observed outcome needs no action from this step: finished or pending
 * ones are done; outcomes that only a person can resolve (conflict, verification failure) fail.
 */
export function settleObserved(results: StepResults, accountId: string, observed: ObservedStatus): void {
  if (nextAction(observed.outcome) === 'report') {
    results.fail(accountId, observed.outcome, observed.reason ?? `the membership is ${observed.outcome}`);
  } else results.succeed(accountId, observed.outcome);
}

/** The service's home as the plan found it: the first step already looked, once per Region. */
function fromPlan(
  region: string,
  located: NonNullable<AdministratorStepInput['located']>,
): MembershipTarget | undefined {
  if (!located.enabled) return undefined;
  return located.home === undefined ? { region } : { region, home: located.home };
}

/**
 * Finds the service's home in the Region, from the plan when it says, else by asking. When the
 * administrator has not enabled the service there, or the lookup fails, every account is settled
 * and undefined is returned.
 */
async function locateTarget(
  adapter: MembershipLocator,
  region: string,
  located: AdministratorStepInput['located'],
  results: StepResults,
): Promise<MembershipTarget | undefined> {
  if (located?.offered === false) {
    for (const { accountId } of results.unsettled)
      results.fail(accountId, 'SERVICE_NOT_OFFERED', SERVICE_NOT_OFFERED_REASON);
    return undefined;
  }
  try {
    const target = located === undefined ? await adapter.locate(region) : fromPlan(region, located);
    if (target !== undefined) return target;
    const reason = SERVICE_RULES[adapter.service].notEnabledReason;
    for (const { accountId } of results.unsettled) results.fail(accountId, 'SERVICE_NOT_ENABLED', reason);
  } catch (error) {
    if (classifyError(error as ErrorLike) === 'access-denied') throw deniedError(results, error as ErrorLike);
    for (const { accountId } of results.unsettled) results.failFromError(accountId, error as ErrorLike);
  }
  return undefined;
}

/** Settles one UnprocessedAccounts entry of a create or invite call. */
export function settleUnprocessed(
  results: StepResults,
  entry: UnprocessedAccount,
  telemetry: Telemetry,
): 'already-member' | undefined {
  if (!results.isPending(entry.accountId)) return undefined;
  const { kind, reason } = classifyUnprocessed(entry.reason);
  telemetry.count('UnprocessedAccounts', 1, kind);
  switch (kind) {
    case 'already-member':
      return 'already-member';
    case 'retry':
      results.retry(entry.accountId, reason);
      return undefined;
    default:
      results.fail(entry.accountId, 'FAILED', reason);
      return undefined;
  }
}

/**
 * How a step that writes without reading first begins: locate the service's home in the Region.
 * Undefined when the service is not there (every account is then settled already).
 */
export async function locateStep(
  input: AdministratorStepInput,
  adapter: MembershipLocator,
): Promise<{ results: StepResults; target?: MembershipTarget }> {
  const results = new StepResults(input);
  const target = await locateTarget(adapter, input.region, input.located, results);
  return target === undefined ? { results } : { results, target };
}

/** How a step that reads begins: locate the service's home, then observe every account. */
export async function beginStep(
  input: AdministratorStepInput,
  adapter: MembershipReader,
): Promise<{ results: StepResults; target?: MembershipTarget; observed: Map<string, ObservedStatus> }> {
  const { results, target } = await locateStep(input, adapter);
  if (target === undefined) return { results, observed: new Map() };
  const ids = results.unsettled.map(({ accountId }) => accountId);
  return { results, target, observed: await observe(adapter, target, ids, results) };
}

/** The observed status of an account; one the service did not return is not a member. */
export function statusOf(observed: Map<string, ObservedStatus>, accountId: string): ObservedStatus {
  return observed.get(accountId) ?? { outcome: 'NOT_A_MEMBER' };
}
