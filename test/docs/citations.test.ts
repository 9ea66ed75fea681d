import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const FACTS_FILE = 'docs/aws-facts.md';
const THIS_FILE = relative(ROOT, import.meta.filename);

/** Tracked and new (not ignored) files: what a commit or a fresh clone would hold. */
function repositoryFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '' && file !== THIS_FILE);
}

/** Text files only; a file deleted but not yet staged is skipped. */
function readText(file: string): string | undefined {
  try {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return text.includes('\0') ? undefined : text;
  } catch {
    return undefined;
  }
}

const texts = repositoryFiles().flatMap((file) => {
  const text = readText(file);
  return text === undefined ? [] : [{ file, text }];
});

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** References to material that lives outside the repository, on the machine it was written on. */
const OUTSIDE: readonly { what: string; pattern: RegExp }[] = [
  { what: 'the reference notes, not part of the repository', pattern: /(?<![\w-])FACTS\.md/g },
  { what: 'a seed document of the reference notes', pattern: /(?<![\w-])seeds\/\d{3}/g },
  { what: 'the shared reference folder', pattern: /shared\/reference/g },
  { what: 'an absolute path of the machine', pattern: /(?<![\w.-])\/work\//g },
];

/** `../` chains that, from the file's own folder, leave the repository. */
function escapingPaths(file: string, text: string): string[] {
  return [...text.matchAll(/(?:\.\.\/)+[\w.@-]*/g)].flatMap((match) => {
    const target = relative(ROOT, resolve(ROOT, dirname(file), match[0]));
    return target.startsWith('..') || isAbsolute(target)
      ? [`${file}:${lineOf(text, match.index)} ${match[0]}`]
      : [];
  });
}

/** `## ` and `### ` headings of docs/aws-facts.md: the names a citation may use. */
function factSections(): string[] {
  return [...readFileSync(join(ROOT, FACTS_FILE), 'utf8').matchAll(/^#{2,3} (.+?)\s*$/gm)].map(
    (m) => m[1] ?? '',
  );
}

/** What follows each "docs/aws-facts.md, " in `text`, comment markers of wrapped lines removed. */
function citations(text: string): { index: number; cited: string }[] {
  const marker = `${FACTS_FILE},`;
  const found: { index: number; cited: string }[] = [];
  for (let index = text.indexOf(marker); index !== -1; index = text.indexOf(marker, index + 1)) {
    const cited = text
      .slice(index + marker.length, index + marker.length + 300)
      .replace(/\s*\n\s*(?:\/\/|\*|#)?\s*/g, ' ');
    found.push({ index, cited });
  }
  return found;
}

/** True when `cited` starts with a section name, quoted or not, and the name ends there. */
function citesSection(cited: string, sections: readonly string[]): boolean {
  const name = cited.replace(/^\s*["“']?/, '');
  return sections.some((section) => name.startsWith(section) && !/^[\w-]/.test(name.slice(section.length)));
}

describe('the repository', () => {
  it('finds the files it checks', () => {
    expect(texts.map(({ file }) => file)).toContain(FACTS_FILE);
    expect(texts.length).toBeGreaterThan(50);
  });

  it('points at nothing outside itself', () => {
    const found = texts.flatMap(({ file, text }) => [
      ...OUTSIDE.flatMap(({ what, pattern }) =>
        [...text.matchAll(pattern)].map((m) => `${file}:${lineOf(text, m.index)} ${m[0]} (${what})`),
      ),
      ...escapingPaths(file, text),
    ]);
    expect(found).toEqual([]);
  });

  it('cites only sections that docs/aws-facts.md has', () => {
    const sections = factSections();
    expect(sections).toContain('Security Hub');
    const cited = texts.flatMap(({ file, text }) =>
      citations(text).map(({ index, cited }) => ({ where: `${file}:${lineOf(text, index)}`, cited })),
    );
    expect(cited.length).toBeGreaterThan(0);
    const unknown = cited
      .filter(({ cited }) => !citesSection(cited, sections))
      .map(({ where, cited }) => `${where} "${cited.slice(0, 60)}"`);
    expect(unknown).toEqual([]);
  });

  it('tells a section from a longer name that starts like it', () => {
    const sections = ['Security Hub', 'Step Functions'];
    expect(citesSection('Security Hub). More text', sections)).toBe(true);
    expect(citesSection(' "Step Functions": 256 KiB', sections)).toBe(true);
    expect(citesSection(' Step Functions: 256 KiB', sections)).toBe(true);
    expect(citesSection('Security Hubs', sections)).toBe(false);
    expect(citesSection('Security Hub-ish', sections)).toBe(false);
    expect(citesSection('Regions', sections)).toBe(false);
  });
});
