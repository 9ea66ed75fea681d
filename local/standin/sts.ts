import { createHash, randomBytes } from 'node:crypto';
import { AwsError } from './wire.ts';
import type { Call, RouteRequest, ServiceHandler, World } from './world.ts';

const OPERATIONS = new Set(['AssumeRole', 'GetCallerIdentity']);
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

interface IssuedCredentials {
  accountId: string;
  roleName: string;
  sessionName: string;
}

function validation(message: string): AwsError {
  return new AwsError('ValidationError', 400, message);
}

/** AssumeRole issues keys that identify the member account; the server maps them back on every later call. */
export class Sts implements ServiceHandler {
  readonly name = 'sts' as const;
  readonly #world: World;
  readonly #issued = new Map<string, IssuedCredentials>();

  constructor(world: World) {
    this.#world = world;
  }

  /** The account an access key id belongs to, if AssumeRole issued it. */
  accountOf(accessKeyId: string): string | undefined {
    return this.#issued.get(accessKeyId)?.accountId;
  }

  get issuedCount(): number {
    return this.#issued.size;
  }

  operation({ method, path, input }: RouteRequest): string | undefined {
    const action = input.Action;
    return method === 'POST' && path === '/' && typeof action === 'string' && OPERATIONS.has(action)
      ? action
      : undefined;
  }

  handle(operation: string, call: Call): object {
    return operation === 'AssumeRole' ? this.#assumeRole(call) : this.#callerIdentity(call);
  }

  #assumeRole(call: Call): object {
    const world = this.#world;
    const roleArn = call.input.string('RoleArn');
    const sessionName = call.input.string('RoleSessionName');
    const match = ROLE_ARN.exec(roleArn);
    const accountId = match?.[1];
    const roleName = match?.[2];
    if (accountId === undefined || roleName === undefined) throw validation(`${roleArn} is invalid`);
    if (!SESSION_NAME.test(sessionName)) {
      throw validation(
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: ` +
          'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64',
      );
    }
    const externalId = call.input.optionalString('ExternalId');
    if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
      throw validation(
        `1 validation error detected: Value '${externalId}' at 'externalId' failed to satisfy constraint: ` +
          'Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]* and have length between 2 and 1224',
      );
    }
    const duration = call.input.optionalInt('DurationSeconds', 900, 43_200) ?? 3600;
    // The Lambda's own credentials come from a role, so this is role chaining: one hour at most
    // (docs/aws-facts.md, Getting into member accounts (STS)).
    if (duration > 3600) {
      throw validation(
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    if (!this.#roleExists(accountId, roleName) || !this.#trusts(accountId, externalId)) {
      throw new AwsError(
        'AccessDenied',
        403,
        `User: ${this.#arnOf(call)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    const sequence = this.#issued.size + 1;
    const accessKeyId = `ASIA${sequence.toString(36).toUpperCase().padStart(16, '0')}`;
    this.#issued.set(accessKeyId, { accountId, roleName, sessionName });
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: randomBytes(30).toString('base64'),
        SessionToken: Buffer.from(
          `standin-session:${accessKeyId}:${randomBytes(24).toString('hex')}`,
        ).toString('base64'),
        Expiration: world.iso(world.now() + duration * 1000),
      },
      AssumedRoleUser: {
        AssumedRoleId: `${roleId(accountId, roleName)}:${sessionName}`,
        Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      },
    };
  }

  /** The member role exists unless the scenario says it is missing, not there yet, or named differently. */
  #roleExists(accountId: string, roleName: string): boolean {
    const world = this.#world;
    if (accountId === world.administratorId) return true;
    const account = world.accounts.get(accountId);
    if (account === undefined || !world.active(accountId) || account.memberRoleMissing) return false;
    const expected = world.scenario.memberRoleName;
    if (expected !== undefined && roleName !== expected) return false;
    const appearsAfter = account.memberRoleAppearsAfterSeconds;
    return appearsAfter === undefined || world.now() >= world.after(appearsAfter, world.startedAt);
  }

  /** The member role's trust policy demands the scenario's external id, when it has one. */
  #trusts(accountId: string, externalId: string | undefined): boolean {
    const expected = this.#world.scenario.memberRoleExternalId;
    return accountId === this.#world.administratorId || expected === undefined || externalId === expected;
  }

  #arnOf(call: Call): string {
    const issued = this.#issued.get(call.accessKeyId);
    return issued === undefined
      ? `arn:aws:sts::${call.caller}:assumed-role/standin-administrator/standin`
      : `arn:aws:sts::${issued.accountId}:assumed-role/${issued.roleName}/${issued.sessionName}`;
  }

  #callerIdentity(call: Call): object {
    const issued = this.#issued.get(call.accessKeyId);
    return {
      UserId:
        issued === undefined
          ? `AROASTANDINADMIN:standin`
          : `${roleId(issued.accountId, issued.roleName)}:${issued.sessionName}`,
      Account: call.caller,
      Arn: this.#arnOf(call),
    };
  }
}

function roleId(accountId: string, roleName: string): string {
  return `AROA${createHash('md5').update(`${accountId}/${roleName}`).digest('hex').slice(0, 17).toUpperCase()}`;
}
