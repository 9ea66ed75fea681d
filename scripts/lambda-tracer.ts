// Bundled in place of @aws-lambda-powertools/tracer and its middleware (scripts/build.ts). Powertools
// Tracer loads the X-Ray SDK: about 125 KB with semver and cls-hooked, CommonJS that esbuild cannot
// shake, a quarter of a function's bundle. Lambda's active tracing (template.yaml, `Tracing: Active`)
// still records every invocation without it
// (docs/aws-facts.md, Lambda: active tracing without the X-Ray SDK);
// what is lost is each AWS call's subsegment and the handler's own subsegment with its annotations
// (README, "Tracing"). muster's code keeps Tracer's interface, so tests and local runs are unchanged.

/** Tracer's constructor and the one method muster calls: each client is used as it is, untraced. */
export class Tracer {
  constructor(readonly options: { serviceName?: string } = {}) {}

  captureAWSv3Client<Client>(client: Client): Client {
    return client;
  }
}

/**
 * The handler's middleware in place of Powertools' captureLambdaHandler: it opens no subsegment
 * (Lambda's own Invocation subsegment times the handler). middy needs one hook, so it has an empty one.
 */
export function captureLambdaHandler(_tracer: Tracer): { before: () => void } {
  return { before: () => {} };
}
