/**
 * Shared scenario fixtures for the scenario and CLI tests: a small valid scenario, and a
 * generator of malformed variants, each with the JSON path its error must name.
 */
import type { Scenario } from '../../src/scenario/schema.ts';

export function validScenario(): Scenario {
  return {
    name: 'fixture',
    description: 'A phone creates a note offline and syncs it.',
    devices: [{ id: 'phone' }, { id: 'laptop' }],
    profile: 'calm',
    steps: [
      { at: 0, do: 'offline', device: 'phone' },
      { at: 1000, do: 'create', device: 'phone', collection: 'notes', ref: 'note', fields: ['title'] },
      { at: 2000, do: 'update', device: 'phone', ref: 'note', ops: [{ op: 'set', field: 'title' }] },
      { at: 5000, do: 'online', device: 'phone' },
      { at: 20000, do: 'sync', device: 'laptop' },
      { at: 60000, do: 'heal' },
    ],
    networkRules: [{ match: { device: 'phone', path: '/sync/*', nth: 1 }, verdict: { type: 'drop-response' } }],
    serverRules: [{ match: { route: 'op', nth: 2 }, fault: { type: '429', retryAfterS: 5 } }],
    expect: { violations: [] },
  };
}

type Json = Record<string, unknown>;

export interface Malformed {
  label: string;
  /** The file's text. */
  text: string;
  /** What the message must contain (a JSON path, or a line:column for syntax errors). */
  mentions: string[];
}

function edited(label: string, mentions: string[], edit: (scenario: Json) => void): Malformed {
  const scenario = validScenario() as unknown as Json;
  edit(scenario);
  return { label, text: JSON.stringify(scenario, null, 2), mentions };
}

const steps = (scenario: Json) => scenario.steps as Json[];

/** Hand-picked malformations, one per kind of mistake. */
export function malformedScenarios(): Malformed[] {
  return [
    { label: 'empty file', text: '', mentions: ['invalid JSON', 'x.json:1:1 '] },
    { label: 'not JSON', text: 'name: x\n', mentions: ['invalid JSON', 'x.json:1:1 '] },
    { label: 'trailing comma', text: '{\n  "name": "x",\n}\n', mentions: ['invalid JSON', 'x.json:3:1 '] },
    { label: 'unquoted key', text: '{\n  "name": "x",\n  devices: []\n}', mentions: ['x.json:3:3 '] },
    { label: 'unterminated string', text: '{\n  "name": "x\n}', mentions: ['invalid JSON', 'x.json:2:'] },
    { label: 'array root', text: '[]', mentions: ['(root) must be an object'] },
    edited('missing name', ['name is missing'], (s) => delete s.name),
    edited('missing expect', ['expect is missing'], (s) => delete s.expect),
    edited('name is a number', ['name must be a string'], (s) => (s.name = 42)),
    edited('devices is a string', ['devices must be a list'], (s) => (s.devices = 'phone')),
    edited('no devices', ['devices must have at least 1 item'], (s) => (s.devices = [])),
    edited('unknown profile', ['profile must be one of'], (s) => (s.profile = 'stormy')),
    edited('unknown top-level key', ["unknown property 'netwrokRules'"], (s) => (s.netwrokRules = [])),
    edited(
      'unknown step kind',
      ['steps[2].do', 'explode', 'not a known step kind'],
      (s) => (steps(s)[2] = { at: 3, do: 'explode', device: 'phone' }),
    ),
    edited('step without do', ['steps[0].do is missing'], (s) => delete steps(s)[0]?.do),
    edited('negative time', ['steps[3].at must be >= 0'], (s) => ((steps(s)[3] as Json).at = -5)),
    edited('fractional time', ['steps[3].at must be an integer'], (s) => ((steps(s)[3] as Json).at = 1.5)),
    edited('time as string', ['steps[4].at must be a number'], (s) => ((steps(s)[4] as Json).at = '20s')),
    edited(
      'undeclared device',
      ["steps[4].device 'tablet' is not declared. Declare it under devices."],
      (s) => ((steps(s)[4] as Json).device = 'tablet'),
    ),
    edited(
      'duplicate device',
      ["devices[1].id 'phone' is already declared"],
      (s) => (s.devices = [{ id: 'phone' }, { id: 'phone' }]),
    ),
    edited(
      'ref never created',
      ["steps[2].ref 'nope' is not created by any step"],
      (s) => ((steps(s)[2] as Json).ref = 'nope'),
    ),
    edited(
      'ref used before create',
      ["steps[2].ref 'note' is used at 500 ms, before steps[1] creates it"],
      (s) => ((steps(s)[2] as Json).at = 500),
    ),
    edited(
      'ref created twice',
      ["steps[2].ref 'note' is already created by steps[1]"],
      (s) => (steps(s)[2] = { at: 1500, do: 'create', device: 'phone', collection: 'notes', ref: 'note', fields: [] }),
    ),
    edited('step after heal', ['steps[6].at 70000 comes after the heal step'], (s) =>
      steps(s).push({ at: 70000, do: 'sync', device: 'phone' }),
    ),
    edited('two heals', ['steps[6] is a second heal step'], (s) => steps(s).push({ at: 60000, do: 'heal' })),
    edited(
      'extra step field',
      ["steps[4] has unknown property 'collection'"],
      (s) => ((steps(s)[4] as Json).collection = 'notes'),
    ),
    edited(
      'bad field op',
      ['steps[2].ops[0].op', 'not a known field op'],
      (s) => ((steps(s)[2] as Json).ops = [{ op: 'multiply', field: 'title' }]),
    ),
    edited(
      'inc without by',
      ['steps[2].ops[0].by is missing'],
      (s) => ((steps(s)[2] as Json).ops = [{ op: 'inc', field: 'likes' }]),
    ),
    edited(
      'bad partition direction',
      ['steps[0].direction must be one of'],
      (s) => (steps(s)[0] = { at: 0, do: 'partition', device: 'phone', direction: 'sideways' }),
    ),
    edited(
      'bad verdict type',
      ['networkRules[0].verdict.type', 'not a known type'],
      (s) => (((s.networkRules as Json[])[0] as Json).verdict = { type: 'explode' }),
    ),
    edited(
      'bad path',
      ['networkRules[0].match.path'],
      (s) => ((((s.networkRules as Json[])[0] as Json).match as Json).path = 'sync'),
    ),
    edited(
      'probability above 1',
      ['networkRules[0].match.probability must be <= 1'],
      (s) => ((((s.networkRules as Json[])[0] as Json).match as Json).probability = 2),
    ),
    edited(
      'rule on undeclared device',
      ["networkRules[0].match.device 'tablet' is not declared"],
      (s) => ((((s.networkRules as Json[])[0] as Json).match as Json).device = 'tablet'),
    ),
    edited(
      'bad server route',
      ['serverRules[0].match.route must be one of'],
      (s) => ((((s.serverRules as Json[])[0] as Json).match as Json).route = 'ops'),
    ),
    edited(
      '429 without Retry-After',
      ['serverRules[0].fault.retryAfterS is missing'],
      (s) => (((s.serverRules as Json[])[0] as Json).fault = { type: '429' }),
    ),
    edited('empty window', ['serverRules[0].match.untilMs 10 is before fromMs 20'], (s) => {
      const match = ((s.serverRules as Json[])[0] as Json).match as Json;
      match.fromMs = 20;
      match.untilMs = 10;
    }),
    edited(
      'unknown invariant',
      ['expect.violations[0] must be one of'],
      (s) => (s.expect = { violations: ['no-dupes'] }),
    ),
    edited('expect as list', ['expect must be an object'], (s) => (s.expect = ['no-duplicates'])),
    edited('seed as boolean', ['seed has the wrong shape'], (s) => (s.seed = true)),
  ];
}
