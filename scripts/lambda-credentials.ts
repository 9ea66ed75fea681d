// Bundled in place of @aws-sdk/credential-provider-node (scripts/build.ts): in Lambda the SDK's
// default chain always ends at its first link, the execution role's keys in the environment
// (docs/aws-facts.md, Lambda: the execution role's credentials), so the other links (profiles, SSO,
// web identity, container and instance metadata, with their own SDK clients) are left out.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
