// Bundled in place of @smithy/core/event-streams (scripts/build.ts). Only S3's SelectObjectContent
// streams events among the clients muster bundles, and muster never calls it: the report store only
// puts and gets objects. The S3 client still wires an event-stream marshaller when it is made, so
// this one exists, and says what happened if an operation ever reached it.

function notBundled(): never {
  throw new Error(
    'event streams are not bundled into the Lambda functions (scripts/lambda-event-streams.ts): no muster call streams events',
  );
}

const marshaller = { serialize: notBundled, deserialize: notBundled };

export const eventStreamSerdeProvider = () => marshaller;

export function resolveEventStreamSerdeConfig<T extends object>(
  input: T,
): T & { eventStreamMarshaller: typeof marshaller } {
  return Object.assign(input, { eventStreamMarshaller: marshaller });
}

/** What the SDK's protocols load (a dynamic import) only for an operation with an event stream. */
export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}
