/**
 * Test files not listed in test/isolated.ts run one after another in a worker that keeps Node's
 * modules loaded (vitest `isolate: false`): importing the AWS SDK once per worker instead of once per
 * file is most of what that saves. What one file may leave behind is put back here after it, so the
 * next file starts as it would in a process of its own.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, vi } from 'vitest';

const environment = { ...process.env };

afterAll(() => {
  // aws-sdk-client-mock's mockClient(Client) stubs the class's prototype, which outlives the file.
  for (const client of [
    CloudFormationClient,
    DetectiveClient,
    GuardDutyClient,
    OrganizationsClient,
    S3Client,
    SecurityHubClient,
    SFNClient,
    STSClient,
  ]) {
    const send: unknown = Object.getOwnPropertyDescriptor(client.prototype, 'send')?.value;
    if (typeof send === 'function' && 'restore' in send && typeof send.restore === 'function') send.restore();
  }
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
  // The project's own modules load again for the next file (the SDK's stay loaded): module state such
  // as cached clients or settings read at import starts fresh.
  vi.resetModules();
});
