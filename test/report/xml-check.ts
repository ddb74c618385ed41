/**
 * A strict XML 1.0 well-formedness check, enough for the documents the reports write:
 * declaration, one root, balanced and matching tags, quoted and unique attributes with no
 * raw `<`, only the five predefined entities and valid character references, no character
 * XML forbids, no `]]>` in text. Returns the problems found (empty when well-formed), and
 * the element count per name so tests can count testcases.
 */

export interface XmlCheck {
  errors: string[];
  elements: Map<string, number>;
  /** Attributes of every element, in document order. */
  tags: { name: string; attributes: Map<string, string> }[];
}

const NAME = /[A-Za-z_:][A-Za-z0-9._:-]*/y;
const SPACE = /[ \t\r\n]*/y;

function validChar(codePoint: number): boolean {
  if (codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd) return true;
  if (codePoint >= 0x20 && codePoint <= 0xd7ff) return true;
  if (codePoint >= 0xe000 && codePoint <= 0xfffd) return true;
  return codePoint >= 0x10000 && codePoint <= 0x10ffff;
}

/** Decodes references in text or attribute values; reports bad ones. */
function decode(text: string, where: string, errors: string[]): string {
  if (text.includes('<')) errors.push(`raw '<' in ${where}`);
  return text.replace(/&([^;]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) {
      errors.push(`unterminated reference in ${where}`);
      return '';
    }
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (body in named) return named[body]!;
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (numeric === null) {
      errors.push(`unknown entity &${body}; in ${where}`);
      return '';
    }
    const codePoint = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
    if (!validChar(codePoint)) errors.push(`reference to invalid character ${codePoint} in ${where}`);
    return validChar(codePoint) ? String.fromCodePoint(codePoint) : '';
  });
}

function match(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  const found = re.exec(text);
  return found === null ? undefined : found[0];
}

export function checkXml(xml: string): XmlCheck {
  const errors: string[] = [];
  const elements = new Map<string, number>();
  const tags: XmlCheck['tags'] = [];
  for (const char of xml) {
    if (!validChar(char.codePointAt(0)!)) errors.push(`invalid character U+${char.codePointAt(0)!.toString(16)}`);
  }
  let at = 0;
  const decl = /^<\?xml version="1\.0"( encoding="UTF-8")?\?>/.exec(xml);
  if (decl === null) errors.push('missing XML declaration');
  else at = decl[0].length;
  const stack: string[] = [];
  let roots = 0;
  while (at < xml.length) {
    const next = xml.indexOf('<', at);
    const text = xml.slice(at, next < 0 ? xml.length : next);
    if (stack.length === 0 && text.trim() !== '')
      errors.push(`text outside the root: ${JSON.stringify(text.slice(0, 40))}`);
    if (text.includes(']]>')) errors.push("']]>' in text");
    decode(text, 'text', errors);
    if (next < 0) break;
    at = next;
    if (xml.startsWith('<!--', at)) {
      const end = xml.indexOf('-->', at + 4);
      if (end < 0 || xml.slice(at + 4, end).includes('--')) errors.push('bad comment');
      at = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', at)) {
      const end = xml.indexOf(']]>', at);
      if (end < 0 || stack.length === 0) errors.push('bad CDATA section');
      at = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (xml.startsWith('</', at)) {
      const name = match(NAME, xml, at + 2);
      const after = name === undefined ? at + 2 : at + 2 + name.length;
      const space = match(SPACE, xml, after) ?? '';
      if (name === undefined || xml[after + space.length] !== '>') errors.push(`bad end tag at ${at}`);
      const open = stack.pop();
      if (open !== name) errors.push(`end tag </${name}> closes <${open}>`);
      at = after + space.length + 1;
      continue;
    }
    const name = match(NAME, xml, at + 1);
    if (name === undefined) {
      errors.push(`bad tag at ${at}`);
      break;
    }
    if (stack.length === 0) roots += 1;
    elements.set(name, (elements.get(name) ?? 0) + 1);
    const attributes = new Map<string, string>();
    at += 1 + name.length;
    for (;;) {
      const space = match(SPACE, xml, at) ?? '';
      at += space.length;
      if (xml.startsWith('/>', at)) {
        at += 2;
        break;
      }
      if (xml[at] === '>') {
        stack.push(name);
        at += 1;
        break;
      }
      const attribute = match(NAME, xml, at);
      if (attribute === undefined || space === '') {
        errors.push(`bad attribute in <${name}> at ${at}`);
        at = xml.length;
        break;
      }
      at += attribute.length;
      const quote = xml[at + 1];
      if (xml[at] !== '=' || (quote !== '"' && quote !== "'")) {
        errors.push(`unquoted attribute ${attribute} in <${name}>`);
        at = xml.length;
        break;
      }
      const end = xml.indexOf(quote, at + 2);
      if (end < 0) {
        errors.push(`unterminated attribute ${attribute}`);
        at = xml.length;
        break;
      }
      if (attributes.has(attribute)) errors.push(`duplicate attribute ${attribute} in <${name}>`);
      attributes.set(attribute, decode(xml.slice(at + 2, end), `attribute ${attribute}`, errors));
      at = end + 1;
    }
    tags.push({ name, attributes });
  }
  if (stack.length > 0) errors.push(`unclosed elements: ${stack.join(', ')}`);
  if (roots !== 1) errors.push(`expected one root element, found ${roots}`);
  return { errors, elements, tags };
}
