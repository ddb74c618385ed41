/**
 * Goal: every escaper neutralises the characters its format chokes on and keeps the text.
 * Method: feed hostile strings (markup, quotes, control characters, lone surrogates,
 * Mermaid's special characters) and check the output character by character.
 */
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  escapeMermaid,
  escapeXmlAttribute,
  escapeXmlText,
  fileStem,
  jsonForScript,
  shellQuote,
} from '../../src/report/escape.ts';
import { HOSTILE } from './fixtures.ts';
import { checkXml } from './xml-check.ts';

const ALL = Object.values(HOSTILE);

describe('escapeHtml', () => {
  it('leaves no markup character raw', () => {
    for (const text of ALL) expect(escapeHtml(text)).not.toMatch(/[<>"']/);
    expect(escapeHtml(`a&b<c>"d'`)).toBe('a&amp;b&lt;c&gt;&quot;d&#39;');
  });
});

describe('XML escaping', () => {
  it('yields well-formed documents for hostile text, control characters and lone surrogates', () => {
    const nasty = `${ALL.join(' ')} \u0000\u0001\u001f \ud800 x \udfff \uffff ok 🎉`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?><a b="${escapeXmlAttribute(nasty)}">${escapeXmlText(nasty)}</a>`;
    const check = checkXml(xml);
    expect(check.errors).toEqual([]);
    expect(escapeXmlText('\u0001')).toBe('\\u0001');
    expect(check.tags[0]!.attributes.get('b')).toContain(HOSTILE.script);
    expect(check.tags[0]!.attributes.get('b')).toContain('🎉');
  });

  it('keeps line breaks in attributes as references', () => {
    expect(escapeXmlAttribute('a\nb\tc\r')).toBe('a&#10;b&#9;c&#13;');
  });
});

describe('jsonForScript', () => {
  it('has no < > & left and parses back to the same value', () => {
    const value = { all: ALL, nested: [{ key: HOSTILE.close, sep: '\u2028\u2029' }] };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => jsonForScript(undefined)).toThrow(/not JSON/);
  });
});

describe('escapeMermaid', () => {
  it('writes every special character as an entity code, on one line', () => {
    for (const text of ALL) {
      const out = escapeMermaid(text, 500);
      const bare = out.replace(/#\d+;/g, '');
      expect(bare).not.toMatch(/[#;:"'<>%`{}\n\r&]/);
      expect(out).not.toContain('\n');
    }
    expect(escapeMermaid('a;b')).toBe('a#59;b');
    expect(escapeMermaid('<x>')).toBe('#60;x#62;');
    expect(escapeMermaid('état 日本')).toBe('état 日本');
  });

  it('cuts long text', () => {
    expect(Array.from(escapeMermaid('x'.repeat(500), 20))).toHaveLength(20);
  });
});

describe('shellQuote and fileStem', () => {
  it('quotes only when needed, and quotes single quotes', () => {
    expect(shellQuote('reports/a/repro/seed-1.json')).toBe('reports/a/repro/seed-1.json');
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
  });

  it('makes safe file stems', () => {
    expect(fileStem(`seed-7 ${HOSTILE.script}`)).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(fileStem('../../etc/passwd')).not.toContain('/');
    expect(fileStem('...')).toBe('run');
  });
});
