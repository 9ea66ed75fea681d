import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * Keep-alive connections shared by every client of the process, as connections carry no identity (each
 * request is signed on its own): a member account's clients, and each step's, reuse the connections
 * to a Regional endpoint that earlier clients opened instead of each opening (and handshaking) its own.
 * A client's destroy() must not close them under another client's calls: the SDK's
 * handler destroys its agents, so these do nothing on destroy. Idle sockets never keep the process alive
 * (Node unrefs them), and an endpoint may close them when it likes: the SDK retries a reset.
 */
const keep = { destroy() {} };

/** The SDK client's `requestHandler` setting (its NodeHttpHandler's options) with the shared agents. */
export const sharedConnections = {
  httpAgent: Object.assign(new HttpAgent({ keepAlive: true }), keep),
  httpsAgent: Object.assign(new HttpsAgent({ keepAlive: true }), keep),
};
