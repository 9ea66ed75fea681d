import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Answer {
  status: number;
  /** JSON, or a string sent as it is (with its content-type in `headers`). */
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface Loopback {
  url: string;
  /** Each request's method, path and Authorization header, in the order they came. */
  requests: { method: string; path: string; authorization: string }[];
  /** TCP connections opened to it. */
  connections: () => number;
  close: () => Promise<void>;
}

/** A loopback AWS endpoint that answers each request as `answer` says, and counts connections. */
export async function loopback(
  answer: (request: IncomingMessage, index: number, body: string) => Answer,
): Promise<Loopback> {
  const requests: Loopback['requests'] = [];
  let connections = 0;
  const server: Server = createServer((request, response) => {
    const index = requests.length;
    requests.push({
      method: request.method ?? '',
      path: request.url ?? '',
      authorization: request.headers.authorization ?? '',
    });
    let received = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      received += chunk;
    });
    request.on('end', () => {
      const { status, body, headers = {}, delayMs = 0 } = answer(request, index, received);
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(typeof body === 'string' ? body : JSON.stringify(body));
      }, delayMs);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        // Idle keep-alive connections of the shared agent would otherwise hold the server open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
