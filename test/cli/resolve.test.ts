/**
 * Goal: every client spec resolves to a ClientFactory or fails with a UsageError that says
 * what is wrong and what would work. Method: resolve each kind of spec (reference, its
 * coalescing variants, mutants, modules with default and named exports) and each kind of
 * mistake (unknown mutant, missing or broken module, wrong shape, process: specs).
 */
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../src/client/mutants/index.ts';
import { builtInClientSpecs, declaredInvariant, factoryProblem, resolveClient } from '../../src/client/resolve.ts';
import { UsageError } from '../../src/kernel/errors.ts';

const fixture = (name: string) => `test/cli/fixtures/${name}.ts`;

async function usageError(spec: string): Promise<string> {
  const error = await resolveClient(spec).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UsageError);
  const message = (error as UsageError).message;
  expect(message.startsWith('[syncstorm] ')).toBe(true);
  expect(message).not.toContain('\n');
  return message;
}

describe('resolveClient', () => {
  it('resolves the reference client and its coalescing variants', async () => {
    expect((await resolveClient('reference')).name).toBe('reference');
    expect((await resolveClient(' reference ')).name).toBe('reference');
    expect((await resolveClient('reference:none')).name).toBe('reference:none');
    expect((await resolveClient('reference:per-field')).name).toBe('reference:per-field');
    expect(await usageError('reference:sometimes')).toContain(
      "unknown coalescing 'sometimes'. Known: none, per-record, per-field.",
    );
  });

  it('resolves every mutant and names the known ones for a typo', async () => {
    for (const mutant of MUTANTS) {
      expect(await resolveClient(`mutant:${mutant.name}`)).toBe(mutant.client);
      expect(declaredInvariant(`mutant:${mutant.name}`)).toBe(mutant.invariant);
    }
    const message = await usageError('mutant:no-idempotency');
    expect(message).toContain("no mutant named 'no-idempotency'");
    expect(message).toContain('no-idempotency-key');
    expect(builtInClientSpecs()).toContain(`mutant:${MUTANTS[0]?.name}`);
  });

  it('imports modules exporting a client by default or as `client`', async () => {
    expect((await resolveClient(fixture('default-client'))).name).toBe('fixture-default');
    expect((await resolveClient(`./${fixture('named-client')}`)).name).toBe('fixture-named');
  });

  it('says what is wrong with a module', async () => {
    expect(await usageError(fixture('missing'))).toMatch(/Client module '.*missing\.ts' not found/);
    expect(await usageError(fixture('throws-on-import'))).toContain('failed to load: database driver missing');
    expect(await usageError(fixture('no-client'))).toContain(
      "exports no client: expected a default export or an export named 'client' (it exports something)",
    );
    expect(await usageError(fixture('bad-policy-client'))).toContain(
      'has policy.default "newest-wins"; expected one of manual, lww, set-union, counter',
    );
  });

  it('rejects a process client that does not start, unknown words and empty specs', async () => {
    expect(await usageError('process:./no-such-client')).toContain("Process client './no-such-client' exited");
    expect(await usageError('process:')).toContain('names no command');
    expect(await usageError('referense')).toContain("Unknown client 'referense'");
    expect(await usageError('  ')).toContain('empty');
  });

  it('checks the shape of a factory', () => {
    expect(factoryProblem(null)).toBe('is null, not an object');
    expect(factoryProblem({ name: 'x', policy: { default: 'manual' } })).toBe('has no `start(env)` function');
    expect(
      factoryProblem({
        name: 'x',
        start() {},
        policy: { default: 'manual', fields: { a: 'lww' } },
        collections: ['notes'],
      }),
    ).toBeUndefined();
    expect(factoryProblem({ name: 'x', start() {}, policy: { default: 'manual' }, collections: 'notes' })).toContain(
      'collections',
    );
  });
});
