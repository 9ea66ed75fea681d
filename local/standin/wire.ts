import { randomUUID } from 'node:crypto';
import type { ServiceName } from './faults.ts';

/**
 * The three wire protocols muster's clients speak (docs/aws-facts.md, Security Hub, Amazon Detective, AWS
 * Organizations, STS: "Wire protocol").
 */
type Protocol = 'restJson' | 'awsJson' | 'query';

/** An AWS error; the server renders it in the protocol of the service that raised it. */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fields: Record<string, string>;

  constructor(code: string, status: number, message: string, fields: Record<string, string> = {}) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
    this.fields = fields;
  }
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function renderSuccess(protocol: Protocol, operation: string, output: object | undefined): Reply {
  const requestId = randomUUID();
  switch (protocol) {
    case 'restJson':
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
        body: output === undefined ? '' : JSON.stringify(output),
      };
    case 'awsJson':
      return {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        body: JSON.stringify(output ?? {}),
      };
    case 'query':
      return {
        status: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `<${operation}Response xmlns="${STS_NS}"><${operation}Result>${toXml(output ?? {})}</${operation}Result>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
      };
  }
}

export function renderError(protocol: Protocol, error: AwsError): Reply {
  const requestId = randomUUID();
  switch (protocol) {
    case 'restJson':
      return {
        status: error.status,
        headers: {
          'content-type': 'application/json',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': error.code,
        },
        body: JSON.stringify({ message: error.message, ...error.fields }),
      };
    case 'awsJson':
      return {
        status: error.status,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: error.code, message: error.message, ...error.fields }),
      };
    case 'query':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `<ErrorResponse xmlns="${STS_NS}"><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
          `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}

function toXml(value: object): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}>${typeof v === 'object' && v !== null ? toXml(v) : escapeXml(String(v))}</${k}>`)
    .join('');
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The protocol each service speaks. */
export const PROTOCOLS: Record<ServiceName, Protocol> = {
  securityhub: 'restJson',
  detective: 'restJson',
  guardduty: 'restJson',
  organizations: 'awsJson',
  sts: 'query',
};

/**
 * Throttling and internal-error codes as each service names them (docs/aws-facts.md, Security Hub, Amazon
 * Detective, AWS Organizations, STS).
 */
export const FAULT_ERRORS: Record<ServiceName, { throttle: AwsError; internal: AwsError }> = {
  securityhub: {
    throttle: new AwsError('LimitExceededException', 429, 'Rate exceeded'),
    internal: new AwsError('InternalException', 500, 'Internal service error'),
  },
  detective: {
    throttle: new AwsError('TooManyRequestsException', 429, 'Rate exceeded'),
    internal: new AwsError(
      'InternalServerException',
      500,
      'The request was unsuccessful because of an internal error.',
    ),
  },
  // GuardDuty's model names only BadRequestException and InternalServerErrorException; throttling is
  // AWS's common ThrottlingException (docs/aws-facts.md, Amazon GuardDuty, "GuardDuty's wire protocol and errors").
  guardduty: {
    throttle: new AwsError('ThrottlingException', 400, 'Rate exceeded'),
    internal: new AwsError('InternalServerErrorException', 500, 'Internal server error.', {
      __type: 'InternalException',
    }),
  },
  organizations: {
    throttle: new AwsError(
      'TooManyRequestsException',
      400,
      'You have sent too many requests in too short a period of time.',
    ),
    internal: new AwsError(
      'ServiceException',
      500,
      'AWS Organizations can\u2019t complete your request because of an internal service error.',
    ),
  },
  sts: {
    throttle: new AwsError('Throttling', 400, 'Rate exceeded'),
    internal: new AwsError(
      'InternalFailure',
      500,
      'The request processing has failed because of an unknown error.',
    ),
  },
};

/**
 * The error AWS returns for calls signed in a Region the caller's account has not enabled
 * (docs/aws-facts.md, Regions and partitions).
 */
export function regionDisabledError(service: ServiceName): AwsError {
  return service === 'sts'
    ? new AwsError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.')
    : new AwsError(
        'UnrecognizedClientException',
        403,
        'The security token included in the request is invalid.',
      );
}

/** Readers for request fields: a wrong type is the service's validation error, as AWS would answer. */
export class Input {
  readonly #data: Record<string, unknown>;
  readonly #invalid: (message: string) => AwsError;

  constructor(data: Record<string, unknown>, invalid: (message: string) => AwsError) {
    this.#data = data;
    this.#invalid = invalid;
  }

  fail(message: string): AwsError {
    return this.#invalid(message);
  }

  optionalString(name: string): string | undefined {
    const v = this.#data[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw this.#invalid(`${name} must be a string`);
    return v;
  }

  string(name: string): string {
    const v = this.optionalString(name);
    if (v === undefined || v === '') throw this.#invalid(`${name} is required`);
    return v;
  }

  optionalInt(name: string, min: number, max: number): number | undefined {
    const raw = this.#data[name];
    if (raw === undefined || raw === null || raw === '') return undefined;
    const v = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw this.#invalid(
        `1 validation error detected: Value '${String(raw)}' at '${lowerFirst(name)}' failed to satisfy constraint: ` +
          `Member must have value between ${min} and ${max}`,
      );
    }
    return v;
  }

  optionalBoolean(name: string): boolean | undefined {
    const v = this.#data[name];
    if (v === undefined || v === null) return undefined;
    if (v === 'true' || v === true) return true;
    if (v === 'false' || v === false) return false;
    throw this.#invalid(`${name} must be a boolean`);
  }

  list(name: string): unknown[] {
    const v = this.#data[name];
    if (!Array.isArray(v)) throw this.#invalid(`${name} is required and must be a list`);
    return v;
  }

  stringList(name: string): string[] {
    const list = this.list(name);
    if (!list.every((x) => typeof x === 'string')) throw this.#invalid(`${name} must be a list of strings`);
    return list as string[];
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export const ACCOUNT_ID = /^\d{12}$/;

/** Opaque pagination tokens: the offset into the listing. */
export function encodeToken(offset: number): string {
  return Buffer.from(`standin:${offset}`).toString('base64url');
}

export function decodeToken(token: string | undefined, invalid: () => AwsError): number {
  if (token === undefined) return 0;
  const match = /^standin:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (match?.[1] === undefined) throw invalid();
  return Number(match[1]);
}

/** One page of a listing, with the token for the next page if more remain. */
export function page<T>(items: T[], offset: number, size: number): { items: T[]; nextToken?: string } {
  const end = offset + size;
  return end < items.length
    ? { items: items.slice(offset, end), nextToken: encodeToken(end) }
    : { items: items.slice(offset) };
}
