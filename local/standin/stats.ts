import type { MemberService, ServiceName } from './faults.ts';

/**
 * One invitation sent to a member (Security Hub's and GuardDuty's InviteMembers, or Detective's
 * CreateMembers for an invited account).
 */
export interface InvitationRecord {
  service: MemberService;
  operation: string;
  administratorId: string;
  accountId: string;
  region: string;
  at: string;
}

export interface CallStats {
  total: number;
  /** Keys are `service:Operation`, e.g. `securityhub:CreateMembers`. */
  byOperation: Record<string, number>;
  byRegion: Record<string, number>;
  /** The calling account: the administrator, or the member whose assumed-role credentials signed the call. */
  byAccount: Record<string, number>;
}

export interface CounterSnapshot {
  calls: CallStats;
  /** The calls the scenario's administrator made (its own role, not an assumed member role), per operation. */
  administratorCalls: Record<string, number>;
  throttles: { total: number; byOperation: Record<string, number> };
  injectedErrors: { total: number; byOperation: Record<string, number> };
  /** The longest account list any single call carried, per operation (before validation, so 51 shows as 51). */
  largestAccountList: Record<string, number>;
  invitations: InvitationRecord[];
}

class Counter {
  total = 0;
  readonly #counts = new Map<string, number>();

  add(key: string): void {
    this.total += 1;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

/** Counters the tests and the benchmark assert on; O(1) per call. */
export class Stats {
  #byOperation = new Counter();
  #byRegion = new Counter();
  #byAccount = new Counter();
  #byAdministrator = new Counter();
  #throttles = new Counter();
  #injected = new Counter();
  #largest = new Map<string, number>();
  #invitations: InvitationRecord[] = [];

  call(
    service: ServiceName,
    operation: string,
    region: string,
    accountId: string,
    byAdministrator: boolean,
  ): void {
    this.#byOperation.add(`${service}:${operation}`);
    this.#byRegion.add(region);
    this.#byAccount.add(accountId);
    if (byAdministrator) this.#byAdministrator.add(`${service}:${operation}`);
  }

  throttled(service: ServiceName, operation: string): void {
    this.#throttles.add(`${service}:${operation}`);
  }

  injectedError(service: ServiceName, operation: string): void {
    this.#injected.add(`${service}:${operation}`);
  }

  accountList(service: ServiceName, operation: string, length: number): void {
    const key = `${service}:${operation}`;
    if (length > (this.#largest.get(key) ?? 0)) this.#largest.set(key, length);
  }

  invitation(record: InvitationRecord): void {
    this.#invitations.push(record);
  }

  /** Clears the counters; the invitation log is history, not a counter, and stays. */
  reset(): void {
    this.#byOperation = new Counter();
    this.#byRegion = new Counter();
    this.#byAccount = new Counter();
    this.#byAdministrator = new Counter();
    this.#throttles = new Counter();
    this.#injected = new Counter();
    this.#largest = new Map();
  }

  snapshot(): CounterSnapshot {
    return {
      calls: {
        total: this.#byOperation.total,
        byOperation: this.#byOperation.toJSON(),
        byRegion: this.#byRegion.toJSON(),
        byAccount: this.#byAccount.toJSON(),
      },
      administratorCalls: this.#byAdministrator.toJSON(),
      throttles: { total: this.#throttles.total, byOperation: this.#throttles.toJSON() },
      injectedErrors: { total: this.#injected.total, byOperation: this.#injected.toJSON() },
      largestAccountList: Object.fromEntries(this.#largest),
      invitations: [...this.#invitations],
    };
  }
}
