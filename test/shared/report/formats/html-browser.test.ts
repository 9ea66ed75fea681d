/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportHtml } from '../../../../functions/shared/report/formats/html.ts';
import type { ReportRecord } from '../../../../functions/shared/report/formats/records.ts';

// Debian's chromium package; .ci/run installs it. CHROMIUM_PATH points elsewhere on other systems.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const HOSTILE_NAME = '<img src=x onerror="document.title=\'owned\'">';
const record = (
  accountId: string,
  region: string,
  service: ReportRecord['service'],
  outcome: ReportRecord['outcome'],
  reason = '',
): ReportRecord => ({
  accountId,
  accountName: accountId === '200000000002' ? HOSTILE_NAME : `name-${accountId.slice(-1)}`,
  region,
  service,
  outcome,
  reason,
});

// Three accounts × 2 Regions × 2 services: one fully enabled, one needing attention, one pending.
const RECORDS: ReportRecord[] = [
  ...['us-east-1', 'eu-west-1'].flatMap((region) => [
    record('200000000001', region, 'securityhub', 'ENABLED'),
    record('200000000001', region, 'detective', 'ENABLED'),
    record('200000000002', region, 'securityhub', 'ENABLED'),
    record('200000000003', region, 'securityhub', 'ENABLED'),
  ]),
  record('200000000002', 'us-east-1', 'detective', 'REMOVED', 'the member left <b>on its own</b>'),
  record('200000000002', 'eu-west-1', 'detective', 'SERVICE_NOT_OFFERED'),
  record('200000000003', 'us-east-1', 'detective', 'MEMBER_ROLE_MISSING', 'no role yet'),
  record('200000000003', 'eu-west-1', 'detective', 'ENABLED'),
];

describe('reportHtml in headless Chromium', () => {
  let browser: Browser;
  let folder: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: this test opens the HTML report in a real browser. Install Debian's chromium (apt-get install -y chromium; .ci/run does it) or set CHROMIUM_PATH.`,
      );
    }
    folder = await mkdtemp(join(tmpdir(), 'muster-html-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      args: [...FLAGS, `--user-data-dir=${join(folder, 'profile')}`],
      headless: true,
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it('shows every membership as a coloured cell, counts the outcomes, filters to what needs attention, and requests nothing', async () => {
    const file = join(folder, 'report.html');
    await writeFile(
      file,
      reportHtml({ title: 'Coverage <test>', status: 'NEEDS_ATTENTION', records: RECORDS }),
    );
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => {
      requests.push(request.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

    expect(await page.title()).toBe('Coverage <test>');
    const cells = await page.$$eval('#matrix tbody td[data-outcome]', (tds) =>
      tds.map((td) => [
        td.getAttribute('data-outcome'),
        getComputedStyle(td).backgroundColor,
        td.getAttribute('title'),
      ]),
    );
    expect(cells).toHaveLength(RECORDS.length);
    const colourOf = (outcome: string) => cells.find(([o]) => o === outcome)?.[1];
    expect(
      new Set([
        colourOf('ENABLED'),
        colourOf('REMOVED'),
        colourOf('MEMBER_ROLE_MISSING'),
        colourOf('SERVICE_NOT_OFFERED'),
      ]).size,
    ).toBe(4);
    expect(cells.find(([o]) => o === 'REMOVED')?.[2]).toBe('REMOVED: the member left <b>on its own</b>');

    const legend = await page.$$eval('.legend li', (items) =>
      items.map((li) => [li.getAttribute('data-outcome'), li.querySelector('.count')?.textContent]),
    );
    expect(Object.fromEntries(legend)).toEqual({
      ENABLED: '9',
      MEMBER_ROLE_MISSING: '1',
      REMOVED: '1',
      SERVICE_NOT_OFFERED: '1',
    });
    const accounts = await page.$$eval('#matrix tbody td.account', (tds) => tds.map((td) => td.textContent));
    expect(accounts).toEqual([
      '200000000001 (name-1)',
      `200000000002 (${HOSTILE_NAME})`,
      '200000000003 (name-3)',
    ]);
    // The name is text: its markup made no element and ran nothing.
    expect(await page.$$eval('#matrix img', (images) => images.length)).toBe(0);

    await page.click('#filter');
    const visible = await page.$$eval('#matrix tbody tr', (rows) =>
      rows
        .filter((row) => (row as HTMLElement).offsetParent !== null)
        .map((row) => row.querySelector('td')?.textContent),
    );
    expect(visible).toEqual([`200000000002 (${HOSTILE_NAME})`, '200000000003 (name-3)']);
    expect(await page.$eval('#shown', (span) => span.textContent)).toBe('2');
    await page.click('#filter');
    const screenshot = join(process.env.MUSTER_SCREENSHOT_DIR ?? folder, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    // A PNG file (its signature), kept where MUSTER_SCREENSHOT_DIR says (else removed with the folder).
    expect((await readFile(screenshot)).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );

    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  }, 60_000);
});
