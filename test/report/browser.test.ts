/**
 * Goal: report.html opens in a real browser with hostile strings shown as text, nothing
 * injected running or existing, and a swimlane per device; junit.xml parses in the browser's
 * strict XML parser. Method: write the fixture campaign, open report.html from disk in
 * headless Debian Chromium through playwright-core, and inspect the live DOM.
 * Skips only when /usr/bin/chromium is absent and CI is unset (CI must install it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../src/report/write.ts';
import {
  CLIENT,
  campaign,
  DEVICE_A,
  DEVICE_B,
  HOSTILE,
  MESSAGE,
  PROFILE,
  REPRO_PATH,
  REPROS,
  RUN_NAME,
} from './fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const skip = !existsSync(CHROMIUM) && !process.env.CI;

describe.skipIf(skip)(
  `report.html in Chromium${skip ? ` (skipped: ${CHROMIUM} absent and CI unset; apt-get install -y chromium)` : ''}`,
  () => {
    let base = '';
    let context: BrowserContext;
    let page: Page;
    const dialogs: string[] = [];
    const pageErrors: string[] = [];
    const blocked: string[] = [];
    let junit = '';

    beforeAll(async () => {
      base = mkdtempSync(join(tmpdir(), 'syncstorm-browser-'));
      const written = writeReports(join(base, 'reports'), campaign(), { runId: 'r1', repros: REPROS });
      junit = readFileSync(join(written.dir, 'junit.xml'), 'utf8');
      // launchPersistentContext is playwright's way to pass a fresh --user-data-dir.
      context = await chromium.launchPersistentContext(join(base, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
      });
      page = await context.newPage();
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (/Content Security Policy|Refused/.test(message.text())) blocked.push(message.text());
      });
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) blocked.push(`request to ${request.url()}`);
      });
      await page.goto(pathToFileURL(join(base, 'reports', 'latest', 'report.html')).href);
      await page.waitForSelector('body[data-rendered="true"]', { timeout: 300_000 }); // a hang guard (issue 19)
      // Let any injected handler (onerror, onload) get its chance to fire.
      await page.waitForTimeout(200);
    });

    afterAll(async () => {
      await context?.close();
      if (base !== '') rmSync(base, { recursive: true, force: true });
    });

    it('runs its own script without errors, loads nothing, and nothing injected runs', async () => {
      expect(pageErrors).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(blocked).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    });

    it('has no injected element or handler attribute', async () => {
      const found = await page.evaluate(() => ({
        injected: document.querySelectorAll('main img, main svg, main iframe, main object, main embed, main script')
          .length,
        scripts: document.querySelectorAll('script').length,
        handlers: Array.from(document.querySelectorAll('*')).flatMap((node) =>
          Array.from(node.attributes)
            .filter((attribute) => /^on/i.test(attribute.name))
            .map((attribute) => attribute.name),
        ),
      }));
      expect(found).toEqual({ injected: 0, scripts: 2, handlers: [] });
    });

    it('shows every hostile string as text', async () => {
      const text = (await page.textContent('main')) ?? '';
      const flat = (value: string) => value.replace(/\s+/g, ' ');
      const shown = flat(text);
      for (const value of [
        RUN_NAME,
        DEVICE_B,
        CLIENT,
        PROFILE,
        REPRO_PATH,
        HOSTILE.script,
        HOSTILE.img,
        HOSTILE.close,
        HOSTILE.svg,
      ]) {
        expect(shown).toContain(flat(value));
      }
      expect(shown).toContain(flat(MESSAGE));
      expect(shown).toContain(`client threw ${HOSTILE.img}`);
      expect(shown).toContain(`syncstorm run 'reports/r1/repro/it'\\''s`);
    });

    it('draws a swimlane per device plus the server for each drawn run', async () => {
      const lanes = await page.$$eval('#run-0 .lane', (nodes) =>
        nodes.map((node) => node.querySelector('.lane-name')?.textContent),
      );
      expect(lanes).toEqual([DEVICE_A, DEVICE_B, 'Server']);
      expect(await page.locator('#run-0 .ev').count()).toBeGreaterThan(10);
      expect(await page.locator('#run-0 .ev.witness').count()).toBe(3);
      expect(await page.locator('#run-0 .span').count()).toBe(4);
      expect(await page.locator('#run-0 td.diff').count()).toBe(2);
      const box = await page.locator('#run-0 .lane').first().boundingBox();
      expect(box?.height).toBeGreaterThan(20);
    });

    it('opens each timeline on the violation: every witness inside the visible part of the timeline', async () => {
      const outside = await page.$$eval('#run-0 .ev.witness', (markers) => {
        const scroller = markers[0]?.closest('.timeline');
        if (!scroller) return ['no timeline'];
        const view = scroller.getBoundingClientRect();
        // The sticky lane labels cover the first 160 px of the scroller.
        return markers.flatMap((marker) => {
          const box = marker.getBoundingClientRect();
          return box.left >= view.left + 160 && box.right <= view.right ? [] : [marker.getAttribute('data-seq')];
        });
      });
      expect(outside).toEqual([]);
    });

    it('shows an event in the detail panel when its marker is clicked', async () => {
      await page.click('#run-0 .seq-link >> nth=0');
      const detail = (await page.textContent('#run-0 pre.detail')) ?? '';
      expect(detail).toContain('KILL at after-send');
      expect(detail).toContain('"type":"device.kill"');
    });

    it('zooms on a linear axis: zoom + doubles the distance between two markers, fit all shows them all', async () => {
      const gap = async () =>
        page.$$eval('#run-0 .ev', (markers) => {
          const lefts = markers.map((marker) => Number.parseFloat((marker as HTMLElement).style.left));
          return Math.max(...lefts) - Math.min(...lefts);
        });
      await page.click('#run-0 button[data-zoom="all"]');
      const before = await gap();
      await page.click('#run-0 button[data-zoom="in"]');
      const after = await gap();
      // Fan-out of same-instant markers is fixed; the rest scales by 2.
      expect(after).toBeGreaterThan(1.8 * before - 64);
      expect(after).toBeLessThanOrEqual(2 * before + 1);
      await page.click('#run-0 button[data-zoom="witnesses"]');
    });

    it('summarises what the runs were exercised against', async () => {
      const text = (await page.textContent('p.exercised')) ?? '';
      expect(text).toMatch(/\d+ faults injected · \d+ kills · \d+ conflicts \(409\) · \d+ requests/);
    });

    it('parses junit.xml with the browser strict XML parser', async () => {
      const result = await page.evaluate((xml) => {
        const doc = new DOMParser().parseFromString(xml, 'application/xml');
        return {
          errors: doc.getElementsByTagName('parsererror').length,
          testcases: doc.getElementsByTagName('testcase').length,
        };
      }, junit);
      expect(result).toEqual({ errors: 0, testcases: 5 });
    });
  },
);
