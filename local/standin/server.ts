import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Detective, type DetectiveRegionView, detectiveInvalid } from './detective.ts';
import { type ServiceName, Throttle } from './faults.ts';
import { GuardDuty, type GuardDutyRegionView, guardDutyInvalid } from './guardduty.ts';
import { Organizations } from './organizations.ts';
import { LOCAL_REPORT_BUCKET, S3 } from './s3.ts';
import { SecurityHub, type SecurityHubRegionView, securityHubInvalid } from './security-hub.ts';
import type { CounterSnapshot } from './stats.ts';
import { Sts } from './sts.ts';
import {
  AwsError,
  FAULT_ERRORS,
  Input,
  PROTOCOLS,
  type Reply,
  regionDisabledError,
  renderError,
  renderSuccess,
} from './wire.ts';
import type { ServiceHandler, World } from './world.ts';

/** Everything the stand-in knows, as GET /_standin/inspect and StandIn.inspect() return it. */
export interface Inspection extends CounterSnapshot {
  scenario?: string;
  startedAt: string;
  timeScale: number;
  /** AssumeRole credentials handed out so far. */
  credentialsIssued: number;
  membership: {
    securityhub: Record<string, SecurityHubRegionView>;
    detective: Record<string, DetectiveRegionView>;
    guardduty: Record<string, GuardDutyRegionView>;
  };
}

const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** How each service rejects a malformed field. */
const INVALID: Record<ServiceName, (message: string) => AwsError> = {
  securityhub: securityHubInvalid,
  detective: detectiveInvalid,
  guardduty: guardDutyInvalid,
  organizations: (message) =>
    new AwsError('InvalidInputException', 400, message, { Reason: 'INVALID_INPUT' }),
  sts: (message) => new AwsError('ValidationError', 400, message),
};

/** The request pipeline: identify the caller, count, fail on purpose, hand over to the service, answer when the latency is up. */
export class StandInServer {
  readonly world: World;
  /** The report bucket (LOCAL_REPORT_BUCKET), outside the scenario: it is the stack's, not the organization's. */
  readonly s3 = new S3([LOCAL_REPORT_BUCKET]);
  readonly #server: Server;
  readonly #sts: Sts;
  readonly #securityHub: SecurityHub;
  readonly #detective: Detective;
  readonly #guardDuty: GuardDuty;
  readonly #services: Map<string, ServiceHandler>;
  #throttle: Throttle;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(world: World) {
    this.world = world;
    this.#sts = new Sts(world);
    this.#securityHub = new SecurityHub(world);
    this.#guardDuty = new GuardDuty(world);
    const guardDuty = this.#guardDuty;
    this.#detective = new Detective(world, (accountId, region) => guardDuty.enabled(accountId, region));
    this.#services = new Map<string, ServiceHandler>([
      ['securityhub', this.#securityHub],
      ['detective', this.#detective],
      ['guardduty', this.#guardDuty],
      ['organizations', new Organizations(world)],
      ['sts', this.#sts],
    ]);
    this.#throttle = new Throttle(world.scenario.faults.throttle);
    this.#server = createServer((req, res) => {
      this.#onRequest(req, res).catch((error: unknown) => {
        console.error('stand-in: request failed', error);
        if (!res.headersSent) send(res, { status: 500, headers: {}, body: '' });
      });
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        const address = this.#server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  /** Closes the listener and every keep-alive socket, and cancels pending latency timers. */
  stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** Switches every fault off from now on (World.clearFaults), throttling included. */
  clearFaults(): void {
    this.world.clearFaults();
    this.#throttle = new Throttle(false);
  }

  inspect(): Inspection {
    const world = this.world;
    return {
      ...(world.scenario.name === undefined ? {} : { scenario: world.scenario.name }),
      startedAt: world.iso(world.startedAt),
      timeScale: world.timeScale,
      ...world.stats.snapshot(),
      credentialsIssued: this.#sts.issuedCount,
      membership: {
        securityhub: this.#securityHub.inspect(),
        detective: this.#detective.inspect(),
        guardduty: this.#guardDuty.inspect(),
      },
    };
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // When the call arrived (its headers), before this one process reads its body and gets to it:
    // AWS's bucket and latency count from arrival, and a burst of calls across Regions must not
    // drain a Region's bucket later than it arrived (a later drain leaves it short when muster's
    // next call comes exactly when muster's own bucket has refilled).
    const arrived = performance.now();
    // Every call that arrived with this one is stamped before any call's work is done: the work
    // waits for the event loop's next check phase, after it has read every ready socket.
    await new Promise((resolve) => setImmediate(resolve));
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const raw = await readBody(req);
    const body = raw.toString('utf8');
    if (url.pathname.startsWith('/_standin/')) {
      this.#introspection(req.method ?? 'GET', url.pathname, res);
      return;
    }
    const scope = CREDENTIAL_SCOPE.exec(req.headers.authorization ?? '');
    const [, accessKeyId, region, serviceName] = scope ?? [];
    if (serviceName === 's3' && accessKeyId !== undefined) {
      const contentType = req.headers['content-type'];
      send(res, this.s3.handle(req.method ?? 'GET', url.pathname, raw, contentType));
      return;
    }
    const handler = serviceName === undefined ? undefined : this.#services.get(serviceName);
    if (accessKeyId === undefined || region === undefined || handler === undefined) {
      const error = new AwsError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
      send(res, renderError('restJson', error));
      return;
    }
    const service = handler.name;
    const protocol = PROTOCOLS[service];
    let fields: Record<string, unknown>;
    try {
      fields = parseInput(protocol === 'query', body, url.searchParams);
    } catch {
      send(
        res,
        renderError(protocol, new AwsError('SerializationException', 400, 'The request body is not valid.')),
      );
      return;
    }
    const target = req.headers['x-amz-target'];
    const method = req.method ?? 'GET';
    const operation = handler.operation({
      method,
      path: url.pathname,
      target: typeof target === 'string' ? target : undefined,
      input: fields,
    });
    if (operation === undefined) {
      const error = new AwsError(
        'UnknownOperationException',
        404,
        `The stand-in does not emulate ${method} ${url.pathname}`,
      );
      send(res, renderError(protocol, error));
      return;
    }
    // Keys AssumeRole issued identify that member; any other key is the administrator's own role.
    const caller = this.#sts.accountOf(accessKeyId) ?? this.world.administratorId;
    this.world.stats.call(service, operation, region, caller, caller === this.world.administratorId);
    // The latency counts from arrival and includes the work, as an AWS answer's does.
    const latency = this.#latency(arrived);
    let answer: Reply;
    try {
      this.#faults(service, operation, region, caller, arrived);
      const output = handler.handle(operation, {
        caller,
        accessKeyId,
        region,
        path: url.pathname,
        input: new Input(fields, INVALID[service]),
      });
      answer = renderSuccess(protocol, operation, output);
    } catch (error) {
      // A stand-in bug still answers in the service's own shape, and says so on stderr.
      if (!(error instanceof AwsError)) console.error('stand-in: handler failed', error);
      answer = renderError(protocol, error instanceof AwsError ? error : FAULT_ERRORS[service].internal);
    }
    await latency;
    send(res, answer);
  }

  #faults(service: ServiceName, operation: string, region: string, caller: string, arrived: number): void {
    const world = this.world;
    // Organizations is global; STS's global endpoint signs as us-east-1, which is never an opt-in Region.
    const regional = service !== 'organizations' && !(service === 'sts' && region === 'us-east-1');
    if (regional && !world.regionEnabled(caller, region)) throw regionDisabledError(service);
    const action = `${service}:${operation}`;
    const denied = world.scenario.faults.denied.some(
      (deny) => deny.action === action && (deny.regions === 'all' || deny.regions.includes(region)),
    );
    if (denied && caller === world.administratorId) {
      // An invented text in the shape of AWS's explicit-deny message.
      throw new AwsError(
        'AccessDeniedException',
        403,
        `User: arn:aws:sts::${caller}:assumed-role/muster/step is not authorized to perform: ${action} with an explicit deny in a service control policy`,
      );
    }
    if (!this.#throttle.take(service, caller, region, arrived)) {
      world.stats.throttled(service, operation);
      throw FAULT_ERRORS[service].throttle;
    }
    const errorRate = world.scenario.faults.errorRate;
    if (errorRate > 0 && world.random() < errorRate) {
      world.stats.injectedError(service, operation);
      throw FAULT_ERRORS[service].internal;
    }
  }

  /** The rest of the call's latency, counted from `arrived` (performance.now()). */
  #latency(arrived: number): Promise<void> {
    const setting = this.world.scenario.faults.latencyMs;
    const base =
      typeof setting === 'number' ? setting : setting.min + this.world.random() * (setting.max - setting.min);
    const ms = base * this.world.timeScale - (performance.now() - arrived);
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  #introspection(method: string, path: string, res: ServerResponse): void {
    if (method === 'GET' && path === '/_standin/inspect') {
      send(res, {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(this.inspect()),
      });
    } else if (method === 'POST' && path === '/_standin/reset-counters') {
      this.world.stats.reset();
      send(res, { status: 204, headers: {}, body: '' });
    } else {
      send(res, {
        status: 404,
        headers: { 'content-type': 'application/json' },
        body: '{"message":"not found"}',
      });
    }
  }
}

function parseInput(form: boolean, body: string, query: URLSearchParams): Record<string, unknown> {
  if (form) return Object.fromEntries(new URLSearchParams(body));
  const parsed: unknown = body === '' ? {} : JSON.parse(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('not a JSON object');
  return { ...Object.fromEntries(query), ...parsed };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}
