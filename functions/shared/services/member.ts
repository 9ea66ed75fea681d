import type { ObservedStatus } from '../domain/outcomes.ts';
import type { ServiceName } from '../domain/services.ts';

/** The administrator whose invitation a member accepts, in one Region. */
export interface InvitingAdministrator {
  administratorId: string;
  region: string;
  /** Detective: the administrator's behavior graph in this Region. */
  graphArn?: string;
}

/**
 * The member half of one service, in one member account and Region. Answers the service gives as
 * part of the dance (no invitation yet, another administrator) come back as an outcome; any other
 * error is thrown as the SDK threw it, for the caller to classify.
 */
export interface MemberService {
  readonly service: ServiceName;
  acceptMembership(administrator: InvitingAdministrator): Promise<ObservedStatus>;
}

/** The member-side services of one account, all signed with that account's one session. */
export interface MemberAccount {
  service(name: ServiceName, region: string): MemberService;
  /** Releases the account's clients and their sockets once its work is done. */
  close(): void;
}

export interface Page<Item> {
  items: Item[] | undefined;
  nextToken: string | undefined;
}

/** Every item of a paginated list: follows NextToken until absent (a page may be empty while more remain). */
export async function everyPage<Item>(
  fetchPage: (nextToken: string | undefined) => Promise<Page<Item>>,
): Promise<Item[]> {
  const all: Item[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    all.push(...(page.items ?? []));
    // A service that hands back the token it was given would otherwise loop forever.
    token = page.nextToken === token ? undefined : page.nextToken;
  } while (token);
  return all;
}
