/**
 * Errors the state machine matches by `name` (ErrorEquals). Names are literal strings so that
 * minification cannot rename them (test/template/build.test.ts finds each in the bundles).
 */

/**
 * The one base of muster's errors: each subclass sets its literal `name` (what an ErrorEquals
 * matches) and keeps the error it came from as `cause`, so a rethrow never loses the trail.
 */
export abstract class MusterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The input names a bad value: an account id, a Region, a service. Nothing was changed. */
export class InvalidInputError extends MusterError {
  constructor(
    message: string,
    readonly problems: readonly string[] = [message],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InvalidInputError';
  }
}

/** The deployment is misconfigured: a missing environment variable, a bad parameter value. */
export class ConfigurationError extends MusterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** The administrator account may not do what muster needs (no delegated admin, missing permission). */
export class AdministratorAccessError extends MusterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdministratorAccessError';
  }
}

/** The request would exceed a service's membership limit; refused before any change. */
export class MemberLimitExceededError extends MusterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MemberLimitExceededError';
  }
}

/**
 * The administrator was denied a membership call mid-run (a service control policy or permission
 * boundary denying CreateMembers, say). What earlier calls changed stands; a re-run picks up.
 */
export class AdministratorDeniedError extends MusterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdministratorDeniedError';
  }
}

/** Errors by which the workflow refuses a request before changing anything. */
export const REJECTION_NAMES = [
  'InvalidInputError',
  'ConfigurationError',
  'AdministratorAccessError',
  'MemberLimitExceededError',
] as const;

/** Every error name a state machine may match; a test checks the ASL against this list. */
export const ERROR_NAMES = [...REJECTION_NAMES, 'AdministratorDeniedError'] as const;

/** The report bucket could not be written or read (a missing bucket or object, a denied call). */
export class ReportStoreError extends MusterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReportStoreError';
  }
}
