/**
 * @module cli/commands/list
 * `syncstorm list clients|mutants|faults|invariants|profiles|servers`: the catalogues, as a table
 * (or JSON with --json).
 */
import { INVARIANTS } from '../../check/index.ts';
import { MUTANTS } from '../../client/mutants/index.ts';
import { builtInClientSpecs } from '../../client/resolve.ts';
import { UsageError } from '../../kernel/errors.ts';
import { SERVER_MUTANTS } from '../../server/mutants/index.ts';
import { builtInServerSpecs } from '../../server/resolve.ts';
import { PROFILES } from '../../sim/profiles.ts';
import { DEVICE_FAULTS, LINK_FAULTS, NETWORK_FAULTS, SERVER_FAULTS } from '../catalog.ts';
import type { CliIo } from '../io.ts';

export const LISTS = ['clients', 'mutants', 'faults', 'invariants', 'profiles', 'servers'] as const;
export type ListName = (typeof LISTS)[number];

type Row = [string, string];

function rowsFor(what: ListName): { title: string; rows: Row[] }[] {
  switch (what) {
    case 'clients':
      return [
        {
          title: 'clients (--client; or a path to a .ts/.js module exporting a ClientFactory)',
          rows: builtInClientSpecs().map((spec): Row => [spec, clientNote(spec)]),
        },
      ];
    case 'mutants':
      return [
        {
          title: 'mutants (--client mutant:<name>)',
          rows: MUTANTS.map((m): Row => [m.name, `${m.invariant}: ${m.description}`]),
        },
      ];
    case 'invariants':
      return [{ title: 'invariants', rows: INVARIANTS.map((spec): Row => [spec.name, spec.description]) }];
    case 'profiles':
      return [
        { title: 'profiles (--profile)', rows: Object.values(PROFILES).map((p): Row => [p.name, p.description]) },
      ];
    case 'faults':
      return [
        { title: 'network faults (networkRules[].verdict.type)', rows: Object.entries(NETWORK_FAULTS) },
        { title: 'server faults (serverRules[].fault.type)', rows: Object.entries(SERVER_FAULTS) },
        { title: 'device faults (steps[].do)', rows: Object.entries(DEVICE_FAULTS) },
        { title: 'link faults (set by the profile)', rows: Object.entries(LINK_FAULTS) },
      ];
    case 'servers':
      return [
        {
          title:
            'servers (--server, or a scenario\'s "server"; or a path to a server hooks module, docs/server-hooks.md)',
          rows: builtInServerSpecs().map((spec): Row => [spec, serverNote(spec)]),
        },
      ];
  }
}

function serverNote(spec: string): string {
  const mutant = SERVER_MUTANTS.find((m) => `mutant:${m.name}` === spec);
  if (mutant === undefined) return 'the reference server (docs/protocol.md)';
  const caught = mutant.invariant ?? 'not caught by the simulator with a correct client';
  return `${caught}: ${mutant.description}`;
}

function clientNote(spec: string): string {
  if (spec === 'reference') return 'the reference client (per-record coalescing)';
  if (spec.startsWith('reference:')) return `the reference client with ${spec.slice('reference:'.length)} coalescing`;
  const mutant = MUTANTS.find((m) => `mutant:${m.name}` === spec);
  return mutant === undefined ? '' : `mutant, breaks ${mutant.invariant}`;
}

export function listCommand(what: string, flags: { json?: boolean }, io: CliIo): number {
  const name = LISTS.find((known) => known === what);
  if (name === undefined) throw new UsageError(`list: unknown catalogue '${what}'. Choose one of ${LISTS.join(', ')}.`);
  const sections = rowsFor(name);
  if (flags.json) {
    const data = Object.fromEntries(
      sections.map((section) => [section.title.split(' (')[0], Object.fromEntries(section.rows)]),
    );
    io.out(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  for (const [index, section] of sections.entries()) {
    if (index > 0) io.out('\n');
    io.out(`${section.title}\n`);
    const width = Math.max(...section.rows.map(([key]) => key.length));
    for (const [key, description] of section.rows)
      io.out(`  ${key.padEnd(width)}  ${description}\n`.replace(/ +\n$/, '\n'));
  }
  return 0;
}
