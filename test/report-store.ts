import { ReportStoreError } from '../functions/shared/errors.ts';
import type { ReportStore } from '../functions/shared/report/store.ts';

/** A ReportStore in memory, for use-case tests. */
export function memoryReportStore(bucket = 'memory'): ReportStore & { objects: Map<string, string> } {
  const objects = new Map<string, string>();
  return {
    bucket,
    objects,
    async put(key, body) {
      objects.set(key, body);
    },
    async get(key) {
      const body = objects.get(key);
      if (body === undefined) throw new ReportStoreError(`could not read s3://${bucket}/${key}: NoSuchKey`);
      return body;
    },
  };
}
