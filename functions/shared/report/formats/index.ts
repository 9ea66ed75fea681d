import { recordsCsv } from './csv.ts';
import { reportHtml } from './html.ts';
import { reportMarkdown } from './markdown.ts';
import type { ReportDocument } from './records.ts';

/** What --output takes: the terminal's text, or one of the file formats (one row per membership). */
export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'md', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The formats whose text depends only on the records; table and json are each command's own. */
export const DOCUMENT_WRITERS: Record<'csv' | 'md' | 'html', (document: ReportDocument) => string> = {
  csv: (document) => recordsCsv(document.records),
  md: reportMarkdown,
  html: reportHtml,
};
