import { Agent, type ClientRequest } from 'node:http';
import { Socket } from 'node:net';

/**
 * Regions where a stand-in's scenario says AWS does not offer a service. In AWS the endpoint's host
 * name does not exist there, and the SDK fails with Node's DNS error before any byte is sent
 * (docs/aws-facts.md, Regions and partitions). An HTTP server cannot answer with that, so the
 * stand-in makes the client's own connection fail instead: a request to the stand-in, signed for
 * such a service and Region, is given the error Node's getaddrinfo gives for a name that does not
 * exist (`<service>.<region>.invalid`, RFC 6761), built here rather than looked up, so no DNS query
 * leaves the machine. Only clients in the process that started the stand-in see it.
 */
const notOffered = new Map<number, ReadonlySet<string>>();

// Node internals that @types/node does not declare.
interface AgentInternals {
  addRequest(request: ClientRequest, options: { port?: unknown }, ...rest: unknown[]): void;
}
interface RequestInternals {
  onSocket(socket: Socket, error?: Error): void;
}

/** The SigV4 credential scope: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
const SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const agent = Agent.prototype as unknown as AgentInternals;
  const addRequest = agent.addRequest;
  agent.addRequest = function (this: AgentInternals, request, options, ...rest) {
    const missing = notOffered.get(Number(options?.port));
    const [, region, service] = SCOPE.exec(String(request.getHeader('authorization') ?? '')) ?? [];
    if (missing === undefined || !missing.has(`${service} ${region}`)) {
      addRequest.call(this, request, options, ...rest);
      return;
    }
    const socket = new Socket();
    process.nextTick(() =>
      (request as unknown as RequestInternals).onSocket(socket, hostNotFound(`${service}.${region}.invalid`)),
    );
  };
}

/**
 * The error Node's DNS lookup (getaddrinfo) gives for a host name that does not exist, as the SDK
 * surfaces it for a Region without the service's endpoint: built, so no query is sent.
 */
export function hostNotFound(hostname: string): NodeJS.ErrnoException & { hostname: string } {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    errno: -3008,
    code: 'ENOTFOUND',
    syscall: 'getaddrinfo',
    hostname,
  });
}

/** From now on, clients in this process fail DNS for these `service region` pairs of the stand-in on `port`. */
export function withholdEndpoints(port: number, pairs: readonly { service: string; region: string }[]): void {
  if (pairs.length === 0) return;
  install();
  notOffered.set(port, new Set(pairs.map(({ service, region }) => `${service} ${region}`)));
}

/** The stand-in on `port` stopped: its port may be reused by another. */
export function releaseEndpoints(port: number): void {
  notOffered.delete(port);
}
