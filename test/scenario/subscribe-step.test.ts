/**
 * Goal: the `subscribe` step loads with a subscription or null, and a malformed subscription
 * is one located UsageError naming the step, the rule and what is wrong, as for other steps.
 * Method: parse the mutant's scenario, then variants with broken subscriptions.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/kernel/errors.ts';
import { parseScenario } from '../../src/scenario/load.ts';

const TEXT = readFileSync('scenarios/mutants/widen-keeps-checkpoint.json', 'utf8');

function withSubscription(subscription: unknown): string {
  const scenario = JSON.parse(TEXT);
  scenario.steps[4].subscription = subscription;
  return JSON.stringify(scenario);
}

function message(text: string): string {
  try {
    parseScenario(text, 'x.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('subscribe step', () => {
  it('loads a subscription and null', () => {
    const steps = parseScenario(TEXT, 'x.json').steps;
    expect(steps.filter((step) => step.do === 'subscribe')).toHaveLength(2);
    expect(parseScenario(withSubscription(null), 'x.json').steps[4]).toMatchObject({ subscription: null });
  });

  it('names the step, the rule and the problem of a malformed subscription', () => {
    expect(message(withSubscription([{ collection: 'tasks', field: 'done' }]))).toMatch(
      /x\.json:\d+:\d+ \/steps\/4\/subscription\/0: steps\[4\]\.subscription\[0\] field and values go together/,
    );
    expect(message(withSubscription('tasks'))).toMatch(/steps\[4\]\.subscription must be a list/);
    expect(message(withSubscription([{ collection: 'Tasks' }]))).toMatch(/must be a collection name/);
    expect(message(withSubscription([{ collection: 'tasks', field: 'done', values: [] }]))).toMatch(
      /steps\[4\]\.subscription\[0\]\.values/,
    );
  });
});
