import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTCOMES, PENDING_OUTCOMES, SETTLED_OUTCOMES } from '../../functions/shared/domain/outcomes.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** The Markdown a reader starts from: the README, docs/ and the stand-in's README. */
const DOCS = [
  'README.md',
  'local/standin/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

function read(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** Text outside fenced code blocks, where `[x](y)` is Markdown and not code. */
function prose(text: string): string {
  return text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a Markdown file offers, numbered as GitHub numbers repeated headings. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const match of prose(text).matchAll(/^#{1,6} (.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1] ?? '');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

/** Links to files of the repository (not to the web), as `file:line target`. */
function brokenLinks(file: string): string[] {
  const text = prose(read(file));
  return [...text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].flatMap((match) => {
    const target = match[1] ?? '';
    if (/^[a-z]+:/i.test(target)) return [];
    const [path = '', anchor] = target.split('#');
    const where = `${file}:${text.slice(0, match.index).split('\n').length} ${target}`;
    const resolved = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), path);
    if (!existsSync(resolved)) return [`${where} (no such file)`];
    if (anchor === undefined) return [];
    if (!resolved.endsWith('.md')) return [`${where} (an anchor into a file that is not Markdown)`];
    return anchors(read(relative(ROOT, resolved))).has(anchor) ? [] : [`${where} (no such heading)`];
  });
}

/** Files whose prose or comments may name a section of the docs: Markdown and the code. */
const CITING = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\0')
  .filter(
    (file) => /\.(md|ts)$/.test(file) && !file.startsWith('test/docs/') && existsSync(join(ROOT, file)),
  );

/** Headings and bold lead-ins ("**Member role.**", also of a list item), code marks dropped: what a quoted section name may start. */
function sectionNames(text: string): string[] {
  const names = [
    ...[...prose(text).matchAll(/^#{1,6} (.+?)\s*$/gm)].map((m) => m[1] ?? ''),
    ...[...text.matchAll(/^(?:- )?\*\*([^*]+?)\.?\*\*/gm)].map((m) => m[1] ?? ''),
  ];
  return names.map((name) => name.replaceAll('`', ''));
}

/** `docs/x.md, "Section"` and `README, "Section"` whose file has no heading starting with that name. */
function unknownSections(file: string): string[] {
  const text = read(file);
  return [...text.matchAll(/\b(docs\/[\w-]+\.md|README(?:\.md)?),? ["“]([^"”\n]+)["”]/g)].flatMap((match) => {
    const [, cited = '', section = ''] = match;
    if (cited === 'docs/aws-facts.md') return []; // test/docs/citations.test.ts checks those
    const path = cited.startsWith('README') ? 'README.md' : cited;
    // A README named from local/standin/ may be that folder's own.
    const candidates = [path, relative(ROOT, resolve(ROOT, dirname(file), path))].filter((candidate) =>
      existsSync(join(ROOT, candidate)),
    );
    const name = section.replaceAll('`', '');
    const found = candidates.some((candidate) =>
      sectionNames(read(candidate)).some((heading) => heading.startsWith(name)),
    );
    return found ? [] : [`${file}:${text.slice(0, match.index).split('\n').length} ${cited}, "${section}"`];
  });
}

/** The README's outcome table: each row's outcomes (a row may name two) and its attention column. */
function outcomeRows(): { outcomes: string[]; attention: string; meaning: string }[] {
  const readme = read('README.md');
  const start = readme.indexOf('| outcome | needs attention | meaning | what to do |');
  expect(start).toBeGreaterThan(-1);
  const table = readme.slice(start).split('\n\n')[0] ?? '';
  return table
    .split('\n')
    .slice(2)
    .map((line) => {
      const [name = '', attention = '', meaning = ''] = line
        .split(' | ')
        .map((cell) => cell.replace(/^\|\s*/, ''));
      return { outcomes: [...name.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] ?? ''), attention, meaning };
    });
}

describe('the README and docs/', () => {
  it('reads every Markdown file it checks', () => {
    expect(DOCS).toContain('docs/cli.md');
    expect(DOCS.every((file) => read(file).length > 0)).toBe(true);
  });

  it('link only to files and headings that exist', () => {
    expect(DOCS.flatMap(brokenLinks)).toEqual([]);
  });

  it('name only npm scripts that package.json has', () => {
    const scripts = Object.keys(
      (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts,
    );
    const named = DOCS.flatMap((file) =>
      [...read(file).matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => `${file}: ${m[1]}`),
    );
    expect(named).toContain('README.md: report:demo');
    expect(named.filter((entry) => !scripts.includes(entry.split(': ')[1] ?? ''))).toEqual([]);
  });

  it('are cited only by sections they have', () => {
    expect(CITING.length).toBeGreaterThan(50);
    expect(CITING.flatMap(unknownSections)).toEqual([]);
  });

  it('makes anchors as GitHub does', () => {
    expect(slug('Latest default run (after the parent/child split and the service registry)')).toBe(
      'latest-default-run-after-the-parentchild-split-and-the-service-registry',
    );
    expect(slug('`muster coverage`: a read-only audit')).toBe('muster-coverage-a-read-only-audit');
    expect([...anchors('# A\n## A\n```\n# not a heading\n```\n')]).toEqual(['a', 'a-1']);
  });
});

/** Every outcome named in the first column of a table headed "| outcome |", as `file: OUTCOME`. */
function tabledOutcomes(file: string): string[] {
  const tables = read(file)
    .split(/\n(?=\| outcome \|)/)
    .slice(1);
  return tables.flatMap((table) =>
    (table.split('\n\n')[0] ?? '')
      .split('\n')
      .slice(2)
      .flatMap((line) =>
        [...(line.split(' | ')[0] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => `${file}: ${m[1]}`),
      ),
  );
}

describe('outcome tables in the docs', () => {
  it('name only outcomes the code has', () => {
    const named = DOCS.flatMap(tabledOutcomes);
    expect(named).toContain('docs/member-side.md: MEMBER_ROLE_MISSING');
    const known = new Set<string>(OUTCOMES);
    expect(named.filter((entry) => !known.has(entry.split(': ')[1] ?? ''))).toEqual([]);
  });
});

describe("the README's outcome table", () => {
  const rows = outcomeRows();

  it('names every outcome of the code once, and nothing else', () => {
    const named = rows.flatMap((row) => row.outcomes);
    expect([...named].sort()).toEqual([...OUTCOMES].sort());
  });

  it('says "no" exactly for the outcomes that need no attention', () => {
    const no = rows.filter((row) => row.attention === 'no').flatMap((row) => row.outcomes);
    expect(no.sort()).toEqual([...SETTLED_OUTCOMES].sort());
  });

  it('says that a pending outcome needs attention only if it is still there at the end', () => {
    for (const outcome of PENDING_OUTCOMES) {
      expect(rows.find((row) => row.outcomes.includes(outcome))?.attention).toBe(
        'yes, if still there at the end',
      );
    }
  });

  it('gives each outcome a meaning', () => {
    expect(rows.filter((row) => row.meaning.length < 20)).toEqual([]);
  });
});
