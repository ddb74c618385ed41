/**
 * Goal: junit.xml is strictly well-formed whatever the strings, with the right counts and
 * failures that say how to replay. Method: render the fixture campaign, run the strict
 * checker (which is itself shown to reject broken XML), and read attributes back.
 */
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.ts';
import { campaign, HOSTILE, REPRO_PATH, REPROS, RUN_NAME } from './fixtures.ts';
import { checkXml } from './xml-check.ts';

describe('the strict XML checker', () => {
  it('rejects broken documents', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>';
    expect(checkXml(`${head}<a><b></a>`).errors).not.toEqual([]);
    expect(checkXml(`${head}<a x="<"/>`).errors).not.toEqual([]);
    expect(checkXml(`${head}<a>&nbsp;</a>`).errors).not.toEqual([]);
    expect(checkXml(`${head}<a>\u0001</a>`).errors).not.toEqual([]);
    expect(checkXml(`${head}<a/><b/>`).errors).not.toEqual([]);
    expect(checkXml(`${head}<a x=1/>`).errors).not.toEqual([]);
    expect(checkXml(`${head}<a x="1" x="2"/>`).errors).not.toEqual([]);
    expect(checkXml(`${head}<a>x ]]> y</a>`).errors).not.toEqual([]);
    expect(checkXml(`${head}<a b="&#10;">&lt;ok&gt;</a>`).errors).toEqual([]);
  });
});

describe('renderJunit', () => {
  const xml = renderJunit(campaign(), { repros: REPROS, startedAt: '2025-01-02T03:04:05' });
  const check = checkXml(xml);

  it('is well-formed', () => {
    expect(check.errors).toEqual([]);
  });

  it('has one testcase per run and the right counts', () => {
    expect(check.elements.get('testcase')).toBe(5);
    expect(check.elements.get('failure')).toBe(2);
    expect(check.elements.get('error')).toBe(1);
    const root = check.tags.find((tag) => tag.name === 'testsuites')!;
    expect(Object.fromEntries(root.attributes)).toMatchObject({ tests: '5', failures: '2', errors: '1' });
    const suites = check.tags.filter((tag) => tag.name === 'testsuite');
    // Drawn runs (seed-*) form the fuzz suite; the named scenario its own.
    expect(suites.map((suite) => suite.attributes.get('tests'))).toEqual(['4', '1']);
    expect(suites[0]!.attributes.get('timestamp')).toBe('2025-01-02T03:04:05');
  });

  it('names the invariant, the message, the repro and the replay command', () => {
    const failure = check.tags.find((tag) => tag.name === 'failure')!;
    expect(failure.attributes.get('type')).toBe('convergence,no-silent-loss');
    expect(failure.attributes.get('message')).toContain(`convergence: device bob ${HOSTILE.svg}`);
    const testcase = check.tags.find((tag) => tag.attributes.get('name') === RUN_NAME);
    expect(testcase).toBeDefined();
    const body = xml.slice(xml.indexOf('<failure'), xml.indexOf('</failure>'));
    expect(body).toContain(
      `repro: ${REPRO_PATH.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')} (7 steps)`,
    );
    expect(body).toContain("replay: syncstorm run 'reports/r1/repro/it'\\''s");
    expect(xml).toContain('expected violation did not occur: no-duplicates');
  });

  it('never lets a hostile string through raw', () => {
    for (const text of Object.values(HOSTILE)) if (/[<>]/.test(text)) expect(xml).not.toContain(text);
  });
});
