import type { $SchemaRef, StaticOperationSchema } from '@smithy/types';
import type { SdkClient } from './rate-limit.ts';

/**
 * The answers muster reads many times and whose timestamps it never reads, by SDK client and
 * operation. The SDK checks and converts every timestamp of an answer into a Date: for 50 members
 * that is over half of its CPU for the call. `test/shared/aws/unread-timestamps.test.ts` fails when
 * a file sending one of these commands names one of the left-out fields.
 */
export const UNREAD_TIMESTAMPS: Readonly<Record<string, readonly string[]>> = {
  SecurityHubClient: ['GetMembers', 'ListMembers'],
  DetectiveClient: ['CreateMembers', 'GetMembers', 'ListMembers'],
  OrganizationsClient: ['ListAccounts', 'ListAccountsForParent', 'DescribeAccount'],
};

/** A timestamp, left out of the answer. */
const LEFT_OUT = Symbol('left out');
type Stripped = $SchemaRef | typeof LEFT_OUT;

/**
 * `ref` (a schema in the SDK's static form: a simple type's number, a member's [schema, traits], or a
 * [kind, namespace, name, traits, ...] array) without the timestamps at any depth: a struct loses those
 * members, as the SDK's own body schemas lose the members bound to headers. Unchanged parts stay the
 * same objects; `seen` stops at a schema that refers back to itself.
 */
function stripTimestamps(ref: $SchemaRef, seen: Map<unknown, Stripped>): Stripped {
  const schema: unknown = typeof ref === 'function' ? ref() : ref;
  if (typeof schema === 'number') return schema >= 4 && schema <= 7 ? LEFT_OUT : ref;
  if (!Array.isArray(schema)) return ref;
  if (seen.has(schema)) return seen.get(schema) as Stripped;
  seen.set(schema, ref);
  let stripped: Stripped = ref;
  const [kind, namespace, name, traits, names, members, required] = schema as [
    number,
    string,
    string,
    unknown,
    string[],
    $SchemaRef[],
    number?,
  ];
  if (kind === 3 && schema.length > 2) {
    const kept: [string, $SchemaRef, number][] = [];
    members.forEach((member, index) => {
      const inner = stripTimestamps(member, seen);
      if (inner !== LEFT_OUT) kept.push([names[index] ?? '', inner, index]);
    });
    if (kept.length < members.length || kept.some(([, inner], at) => inner !== members[at]))
      stripped = [
        3,
        namespace,
        name,
        traits,
        kept.map(([member]) => member),
        kept.map(([, inner]) => inner),
        // The first `required` members are the required ones: as many as are kept.
        ...(required ? [kept.filter(([, , index]) => index < required).length] : []),
      ] as $SchemaRef;
  } else {
    // What a member, a simple type's alias, a list's items or a map's values hold decides.
    const at = schema.length === 2 ? 0 : kind === 2 ? 5 : kind === 0 || kind === 1 ? 4 : -1;
    const inner = at < 0 ? ref : stripTimestamps(schema[at], seen);
    if (inner === LEFT_OUT) stripped = LEFT_OUT;
    else if (at >= 0 && inner !== schema[at])
      stripped = schema.map((part, index) => (index === at ? inner : part)) as $SchemaRef;
  }
  seen.set(schema, stripped);
  return stripped;
}

const lean = new WeakMap<StaticOperationSchema, StaticOperationSchema>();

/** The operation's schema with an answer read without timestamps; its request is left as it is. */
export function withoutTimestamps(operation: StaticOperationSchema): StaticOperationSchema {
  let leaner = lean.get(operation);
  if (leaner === undefined) {
    const output = stripTimestamps(operation[5], new Map());
    const [kind, namespace, name, traits, input] = operation;
    leaner =
      output === LEFT_OUT || output === operation[5]
        ? operation
        : [kind, namespace, name, traits, input, output];
    lean.set(operation, leaner);
    lean.set(leaner, leaner);
  }
  return leaner;
}

/**
 * Makes `client` read the answers of UNREAD_TIMESTAMPS without their timestamps: the SDK reads an
 * answer by the operation schema in the command's context, which this swaps for the lean one.
 */
export function skipUnreadTimestamps<C extends SdkClient>(client: C): C {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const smithy = context.__smithy_context as { operationSchema?: StaticOperationSchema } | undefined;
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      if (
        smithy?.operationSchema !== undefined &&
        UNREAD_TIMESTAMPS[String(context.clientName)]?.includes(operation) === true
      )
        smithy.operationSchema = withoutTimestamps(smithy.operationSchema);
      return next(args);
    },
    { step: 'initialize', name: 'musterSkipUnreadTimestamps' },
  );
  return client;
}
