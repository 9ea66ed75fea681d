import type {
  AdministratorStepInput,
  AdministratorStepOutput,
  CreateStepOutput,
  DoneMark,
} from '#shared/contracts.ts';
import type { Account } from '#shared/domain/accounts.ts';
import { classifyUnprocessed } from '#shared/domain/classify.ts';
import { groupFailures } from '#shared/domain/failures.ts';
import { outcomeOfStatus } from '#shared/domain/outcomes.ts';
import { createProblem } from '#shared/domain/services.ts';
import {
  forEachChunk,
  locateStep,
  type StepResults,
  settleObserved,
  settleUnprocessed,
  type Telemetry,
} from '#shared/engine.ts';
import type {
  CreateOptions,
  MembershipCreator,
  MembershipInviter,
  MembershipLocator,
  MembershipTarget,
} from '#shared/services/administrator.ts';

export interface CreateMembersDeps {
  /**
   * With an inviter (Security Hub, GuardDuty), members it creates are invited too where the plan says
   * all are invitation-based, and elsewhere those the plan lists outside the organization.
   */
  adapter: MembershipLocator & MembershipCreator & Partial<MembershipInviter>;
  options: CreateOptions;
  telemetry: Telemetry;
}

/**
 * Makes every account a member of the administrator in one Region for one service, 50 per call,
 * without reading first (a sweep skips those its plan's member list showed enabled): CreateMembers
 * answers an existing member as "already a member" and changes nothing (docs/aws-facts.md, Security
 * Hub; Amazon Detective), so a retried or duplicated step is safe. Where every account is
 * invitation-based it also invites what it has just created, and elsewhere what it has just created of
 * the accounts the plan lists outside the organization. Accounts come out CREATED (the check
 * reads them), PENDING_ACCEPTANCE when invited here, or with the status Detective reports.
 */
export async function createMembers(
  input: AdministratorStepInput,
  deps: CreateMembersDeps,
): Promise<AdministratorStepOutput> {
  const { adapter, options, telemetry } = deps;
  const { results, target } = await locateStep(input, adapter);
  if (target === undefined) return results.output();

  // Where the plan says every account is invitation-based, the members this step has just created
  // are invited at once, from CreateMembers' own answer: no read is needed to know they are Created
  // (docs/aws-facts.md, Security Hub). Elsewhere so are the accounts the plan lists outside the
  // organization: only an invitation makes them members.
  const invite = adapter.inviteMembers?.bind(adapter);
  const listed = new Set(input.invitedAccountIds ?? []);
  const invites = (accountId: string) =>
    invite !== undefined && (input.located?.inviteCreated === true || listed.has(accountId));
  // A sweep's plan read every member here: the accounts it showed enabled need no call.
  const create = input.located?.create === undefined ? undefined : new Set(input.located.create);
  const toCreate: Account[] = [];
  for (const account of results.unsettled) {
    const problem = createProblem(adapter.service, account.email);
    if (create !== undefined && !create.has(account.accountId)) results.succeed(account.accountId, 'ENABLED');
    // Were it a member already, the check's read (ENABLED) outranks this record.
    else if (problem !== undefined) results.fail(account.accountId, 'FAILED', problem);
    else toCreate.push(account);
  }

  await forEachChunk(toCreate, results, async (part) => {
    const { members, unprocessed } = await adapter.createMembers(target, part, options);
    for (const entry of unprocessed) {
      if (settleUnprocessed(results, entry, telemetry) === 'already-member')
        results.succeed(entry.accountId, 'CREATED');
    }
    const reported = new Map((members ?? []).map((member) => [member.accountId, member]));
    const created = part.filter(({ accountId }) => results.isPending(accountId));
    telemetry.count('MembersCreated', created.length);
    const toInvite: string[] = [];
    for (const { accountId } of created) {
      const member = reported.get(accountId);
      if (member !== undefined)
        settleObserved(
          results,
          accountId,
          outcomeOfStatus(adapter.service, member.status, member.disabledReason),
        );
      else if (invites(accountId)) toInvite.push(accountId);
      else results.succeed(accountId, 'CREATED');
    }
    if (invite !== undefined && toInvite.length > 0)
      await inviteCreated(invite, target, toInvite, deps, results);
  });
  return results.output(target.home === undefined ? {} : { home: target.home });
}

/**
 * Invites members CreateMembers has just created (its answer, not a read, says they are new, so
 * none of them was invited before). A retried or duplicated step gets "already a member" from
 * CreateMembers instead and invites nothing here: the check reads those and the invite step,
 * which reads right before inviting, sends what is missing. So anything this call leaves undone,
 * an error or an unprocessed account, is left CREATED for that path, never retried here.
 */
async function inviteCreated(
  invite: NonNullable<MembershipInviter['inviteMembers']>,
  target: MembershipTarget,
  accountIds: string[],
  deps: CreateMembersDeps,
  results: StepResults,
): Promise<void> {
  let unprocessed: ReadonlySet<string>;
  try {
    const answer = await invite(target, accountIds, deps.options);
    unprocessed = new Set(answer.unprocessed.map(({ accountId }) => accountId));
    for (const { reason } of answer.unprocessed)
      deps.telemetry.count('UnprocessedAccounts', 1, classifyUnprocessed(reason).kind);
  } catch {
    unprocessed = new Set(accountIds);
  }
  const invited = accountIds.filter((accountId) => !unprocessed.has(accountId));
  deps.telemetry.count('MembersInvited', invited.length);
  for (const accountId of accountIds)
    results.succeed(accountId, unprocessed.has(accountId) ? 'CREATED' : 'PENDING_ACCEPTANCE');
}

/**
 * What the create step hands the state machine: this attempt's failures merged into the earlier
 * attempts' (`input.failed`), grouped and bounded, the ids to retry (the reasons are in the log),
 * so a pair's share of the state stays small, and whether every account it did not fail is invited
 * by its own calls (a Detective member INVITED by CreateMembers, or one it invited after creating):
 * of all the pair's accounts (`allInvited`), and of those the plan lists outside the organization
 * (`invitedListed`).
 */
export function stateOutput(
  input: AdministratorStepInput,
  output: AdministratorStepOutput,
): CreateStepOutput {
  const doneMarks = Object.keys(output.done) as DoneMark[];
  const listed = new Set(input.invitedAccountIds ?? []);
  const otherwiseDone = Object.entries(output.done).flatMap(([mark, ids]) =>
    mark === 'PENDING_ACCEPTANCE' ? [] : (ids ?? []),
  );
  return {
    ...output,
    failed: groupFailures(input.failed ?? [], output.failed),
    retry: output.retry.map(({ accountId }) => accountId),
    allInvited: input.allInvited !== false && doneMarks.every((mark) => mark === 'PENDING_ACCEPTANCE'),
    invitedListed:
      listed.size > 0 &&
      input.invitedListed !== false &&
      !otherwiseDone.some((accountId) => listed.has(accountId)),
  };
}
