import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readingClient } from '../../cli/commands/coverage.ts';
import { turns } from '../../cli/turns.ts';

describe('turns', () => {
  it('gives each waiter a turn of its own, and handles what arrived during a turn before the next one', async () => {
    const take = turns();
    const order: string[] = [];
    // A message port's message is delivered when Node polls for I/O, as a socket's answer is.
    const { port1, port2 } = new MessageChannel();
    port2.on('message', (text: string) => order.push(text));
    try {
      await Promise.all(
        ['first', 'second', 'third'].map(async (name) => {
          await take();
          order.push(name);
          if (name === 'first') port1.postMessage('an answer sent during the first turn');
        }),
      );
    } finally {
      port1.close();
      port2.close();
    }

    expect(order).toEqual(['first', 'an answer sent during the first turn', 'second', 'third']);
  });
});

/**
 * A loopback server that holds every request until `expected` have come, then answers them all at
 * once, the member pages first: as many answers waiting together as coverage's 34 lists make.
 */
async function heldAnswers(expected: number) {
  const held: { organizations: boolean; res: ServerResponse }[] = [];
  const members = Array.from({ length: 50 }, (_, n) => ({
    AccountId: String(100000000000 + n),
    MemberStatus: 'Enabled',
  }));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      held.push({ organizations: req.headers['x-amz-target'] !== undefined, res });
      if (held.length < expected) return;
      held.sort((a, b) => Number(a.organizations) - Number(b.organizations));
      for (const { organizations, res: answer } of held) {
        const body = organizations
          ? JSON.stringify({ Accounts: [{ Id: '100000000000', State: 'ACTIVE' }] })
          : JSON.stringify({ Members: members });
        answer.writeHead(200, {
          'content-type': organizations ? 'application/x-amz-json-1.1' : 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        answer.end(body);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('readingClient with turns', () => {
  let stop: () => Promise<void> = async () => undefined;

  beforeEach(() => {
    stop = async () => undefined;
  });
  afterEach(() => stop());

  it("parses the organization's answer before the member pages that arrived with it", async () => {
    const pages = 10;
    const { server, endpoint } = await heldAnswers(pages + 1);
    stop = async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    };
    const config = {
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    };
    const calls: Record<string, number> = {};
    const take = turns();
    const order: string[] = [];
    const memberPages = Array.from({ length: pages }, async (_, n) => {
      const client = readingClient(new SecurityHubClient(config), 'securityhub', calls, take);
      const { Members } = await client.send(new ListMembersCommand({ OnlyAssociated: false }));
      order.push(`members ${n} (${Members?.length})`);
    });
    const organizations = readingClient(new OrganizationsClient(config), 'organizations', calls);
    const listing = organizations.send(new ListAccountsCommand({})).then(({ Accounts }) => {
      order.push(`organizations (${Accounts?.length})`);
    });
    await Promise.all([...memberPages, listing]);

    // Sent last and answered last, it is parsed first: no member page's parse stands before it.
    expect(order[0]).toBe('organizations (1)');
    expect(order.slice(1).sort()).toEqual(
      Array.from({ length: pages }, (_, n) => `members ${n} (50)`).sort(),
    );
    expect(calls).toEqual({ 'securityhub:ListMembers': pages, 'organizations:ListAccounts': 1 });
  });
});
