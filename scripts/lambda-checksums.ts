// Stand-in for S3's flexible checksums (@aws-sdk/checksums/flexible-checksums and /sha) in the
// Lambda bundles: 18 KB that only compute and check CRC32 and SHA-1 checksums of objects. Without
// it, PutObject carries no x-amz-checksum-crc32 and GetObject's answer is not checked against the
// stored one. PutObject's body stays covered by SigV4: the signer hashes the string body with
// SHA-256 into x-amz-content-sha256, and S3 refuses a body that does not match it (docs/aws-facts.md,
// S3: what protects a report object without the SDK's checksums). A command S3 requires a checksum
// for fails before it is sent.

const WHEN_REQUIRED = 'WHEN_REQUIRED';
const NOT_BUNDLED =
  'S3 flexible checksums are not bundled into the Lambda functions (scripts/lambda-checksums.ts): muster only calls PutObject and GetObject';

const whenRequired = async () => WHEN_REQUIRED;

export const resolveFlexibleChecksumsConfig = <Input extends object>(input: Input) =>
  Object.assign(input, {
    requestChecksumCalculation: whenRequired,
    responseChecksumValidation: whenRequired,
    requestStreamBufferSize: 0,
    checksumAlgorithms: {},
  });

const fromNowhere = { environmentVariableSelector: () => undefined, configFileSelector: () => undefined };
export const NODE_REQUEST_CHECKSUM_CALCULATION_CONFIG_OPTIONS = { ...fromNowhere, default: WHEN_REQUIRED };
export const NODE_RESPONSE_CHECKSUM_VALIDATION_CONFIG_OPTIONS = { ...fromNowhere, default: WHEN_REQUIRED };

interface Stack {
  add(middleware: () => () => never, options: { step: 'initialize'; name: string }): void;
}

export const getFlexibleChecksumsPlugin = (
  _config: unknown,
  { requestChecksumRequired }: { requestChecksumRequired?: boolean },
) => ({
  applyToStack(stack: Stack) {
    if (requestChecksumRequired)
      stack.add(
        () => () => {
          throw new Error(NOT_BUNDLED);
        },
        { step: 'initialize', name: 'checksumsNotBundled' },
      );
  },
});

/** Only the checksums above would hash with SHA-1. */
export class Sha1 {
  constructor() {
    throw new Error(NOT_BUNDLED);
  }
}
