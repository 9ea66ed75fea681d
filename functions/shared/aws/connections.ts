import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * Keep-alive connections shared by the clients that use them (member accounts' clients, and the
 * CLI's): a request's identity is its own SigV4 signature, not the connection's (docs/aws-facts.md,
 * Getting into member accounts (STS)), so each member account's clients reuse the connections to a
 * Regional endpoint that earlier clients opened instead of each opening (and handshaking) its own. The SDK's handler
 * destroys its agents with the client, which must not close them under another client's calls: here
 * destroy does nothing. Idle sockets never keep the process alive (Node unrefs them); one the
 * endpoint closed meanwhile fails with a reset that the SDK retries.
 */
const keep = { destroy() {} };

/** The SDK client's `requestHandler` setting (its NodeHttpHandler's options) with the shared agents. */
export const sharedConnections = {
  httpAgent: Object.assign(new HttpAgent({ keepAlive: true }), keep),
  httpsAgent: Object.assign(new HttpsAgent({ keepAlive: true }), keep),
};
