/**
 * @module scenario/schema
 * The one definition of a scenario file. The TypeScript types are inferred from it and the
 * JSON Schema editors use (`schema/scenario.schema.json`) is generated from it, so the two
 * cannot drift. Steps mirror sim/plan.ts, network rules net/types.ts and server rules the
 * server's own schema; schema-checks.ts proves at compile time that they stay equal.
 */
import { z } from 'zod';
import { INVARIANT_NAMES } from '../check/index.ts';
import { queryMatchSchema } from '../server/fault-rules.ts';
import { serverFaultRuleSchema, serverFaultSchema } from '../server/index.ts';
import { subscriptionSchema } from '../server/subscription.ts';
import { CLIENT_ERROR_KINDS } from '../sim/client-errors.ts';

/** The catch-all kind of client error (the others: sim/client-errors.ts). */
export const CLIENT_ERROR = 'client-error';

const name = z.string().min(1);
const virtualMs = z.number().int().min(0).describe('Virtual milliseconds from the start of the run.');
const deviceName = name.describe('A device id declared under `devices`.');
/** Records travel as JSON objects through every client; in JavaScript a `__proto__` field set by assignment is lost. */
const fieldName = name
  .regex(/^(?!__proto__$)/, "must not be '__proto__' (a record's fields are a JSON object, where that key is lost)")
  .describe('A record field name.');
const refName = name.describe('Symbolic name of a record, given by the create step that makes it.');

export const stepFieldOpSchema = z
  .discriminatedUnion('op', [
    z
      .strictObject({ op: z.literal('set'), field: fieldName })
      .describe('Set a text field to a value unique to this step.'),
    z.strictObject({ op: z.literal('toggle'), field: fieldName }).describe('Flip a boolean field.'),
    z
      .strictObject({ op: z.literal('add'), field: fieldName })
      .describe('Add a value unique to this step to a set field.'),
    z
      .strictObject({ op: z.literal('remove'), field: fieldName })
      .describe('Remove the smallest value the device sees in a set field.'),
    z
      .strictObject({ op: z.literal('inc'), field: fieldName, by: z.number().int() })
      .describe('Increment a counter field.'),
  ])
  .meta({ id: 'FieldOp' });

function step<K extends string, S extends z.ZodRawShape>(kind: K, shape: S, description: string) {
  return z.strictObject({ at: virtualMs, do: z.literal(kind), ...shape }).describe(description);
}

const device = { device: deviceName };
const instanceNumber = z
  .number()
  .int()
  .min(1)
  .describe("Which instance of the device's app: 1 (default) is the app itself, 2, 3 ... instances opened beside it.");
/** A user step on one instance of the device's app. */
const onInstance = { ...device, instance: instanceNumber.optional() };
const furtherInstance = { ...device, instance: instanceNumber.min(2) };

export const stepSchema = z
  .discriminatedUnion('do', [
    step(
      'create',
      { ...onInstance, collection: name, ref: refName, fields: z.array(fieldName) },
      'The user creates a record with these fields set.',
    ),
    step(
      'update',
      { ...onInstance, ref: refName, ops: z.array(stepFieldOpSchema) },
      'The user edits a record the device shows.',
    ),
    step('delete', { ...onInstance, ref: refName }, 'The user deletes a record the device shows.'),
    step(
      'resolve',
      { ...onInstance, choice: z.enum(['keep-local', 'keep-remote', 'merged']) },
      "The user resolves the device's first open conflict.",
    ),
    step('sync', onInstance, 'The user pulls to refresh (one sync run).'),
    step('offline', device, 'The device loses connectivity (the OS reports offline).'),
    step('online', device, 'The device gets connectivity back.'),
    step(
      'partition',
      { ...device, direction: z.enum(['both', 'outbound', 'inbound']) },
      'The server becomes unreachable while the OS still reports online.',
    ),
    step('repair', device, 'Ends a partition of the device.'),
    step('background', device, 'The app goes to the background.'),
    step('foreground', device, 'The app comes back to the foreground.'),
    step(
      'kill',
      {
        ...onInstance,
        point: name.optional().describe("A crash point name, or '*' for the next one the client reaches."),
      },
      'The app is killed: at once, or at a named crash point. Instance 1 (the default) is the whole device, every instance included; instance 2, 3 ... only that one.',
    ),
    step('restart', device, 'A killed app is started again from its storage.'),
    step('skew', { ...device, ms: z.number().int() }, "Sets the device's clock skew (ms added to its wall clock)."),
    step('server-write', { ref: refName, ops: z.array(stepFieldOpSchema) }, 'A server-side automation edits a record.'),
    step('heal', {}, 'Ends the chaos phase: faults stop, every device is restarted and brought online.'),
    step(
      'open-instance',
      furtherInstance,
      "Opens a further instance of the device's app on the same storage (a second tab, a share extension); only for clients with capabilities.instances.",
    ),
    step('close-instance', furtherInstance, 'Closes a further instance of the app (it dies as in a kill).'),
    step(
      'subscribe',
      {
        ...onInstance,
        subscription: subscriptionSchema
          .nullable()
          .meta({ id: 'Subscription' })
          .describe(
            'What the device syncs from now on: rules {collection, field?, values?}; a record is in it when one rule takes it; null: everything.',
          ),
      },
      'The user changes what the device syncs (partial sync); only for clients with capabilities.subscriptions.',
    ),
  ])
  .meta({ id: 'Step' });

export const devicePlanSchema = z
  .strictObject({
    id: name,
    skewMs: z.number().int().optional().describe('Added to the device wall clock (a wrong device clock).'),
    link: z
      .strictObject({ latencyMs: virtualMs.optional(), jitterMs: virtualMs.optional() })
      .optional()
      .describe("Overrides of the profile's link for this device."),
    offline: z.boolean().optional().describe('The device starts offline.'),
  })
  .meta({ id: 'Device' });

/** What fetch's Headers accepts, checked at load time rather than failing the run. */
const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)");
const headerValue = z
  .string()
  .regex(
    /^[^\0\r\n\u0100-\uffff]*$/,
    'must be an HTTP header value (no line breaks, no NUL, no characters above U+00FF)',
  );

export const faultVerdictSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('pass') }),
    z.strictObject({ type: z.literal('delay'), ms: virtualMs, leg: z.enum(['request', 'response']).optional() }),
    z.strictObject({ type: z.literal('drop-request') }),
    z.strictObject({ type: z.literal('drop-response') }),
    z.strictObject({ type: z.literal('duplicate'), delayMs: virtualMs.optional() }),
    z.strictObject({ type: z.literal('reset') }),
    z.strictObject({
      type: z.literal('status'),
      status: z.number().int().min(200).max(599),
      headers: z.record(headerName, headerValue).optional(),
      body: z.unknown().optional(),
    }),
  ])
  .meta({ id: 'FaultVerdict' });

export const networkFaultRuleSchema = z
  .strictObject({
    id: name.optional(),
    match: z.strictObject({
      device: deviceName.optional(),
      method: name.optional(),
      path: z
        .string()
        .regex(/^(\/|\*$)/, "must start with '/' (or be '*')")
        .optional()
        .describe("Exact pathname, or a prefix ending in '*' ('/sync/*')."),
      query: queryMatchSchema.optional(),
      nth: z.number().int().min(1).optional(),
      fromMs: virtualMs.optional(),
      untilMs: virtualMs.optional(),
      probability: z.number().min(0).max(1).optional(),
    }),
    verdict: faultVerdictSchema,
    times: z.number().int().min(0).optional(),
  })
  .meta({
    id: 'NetworkFaultRule',
    description: 'A network fault: matches requests when sent; the first non-pass verdict wins.',
  });

/** The server's own rule schema, named for the JSON Schema. */
const serverRuleSchema = serverFaultRuleSchema.meta({
  id: 'ServerFaultRule',
  description: 'A server fault: matches requests by device, route, op kind, nth and time window.',
});

export { serverRuleSchema as serverFaultRuleSchema };

export const profileNameSchema = z.enum(['calm', 'flaky', 'hostile', 'apps', 'partial']);

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editor completion.'),
    name: name.describe('Short name, shown in reports.'),
    description: name.describe('What real failure this scenario models.'),
    seed: z
      .union([z.string().min(1), z.number().int()])
      .optional()
      .describe('Seed of every random draw in the run (default "1").'),
    client: name
      .optional()
      .describe("Client under test: 'reference', 'mutant:<name>' or a module path; --client overrides it."),
    server: name
      .optional()
      .describe(
        "Server the clients sync with: 'reference' (default), 'mutant:<name>' or a server module path (docs/server-hooks.md); --server applies to scenarios that name none.",
      ),
    devices: z.array(devicePlanSchema).min(1),
    profile: profileNameSchema.describe(
      'Ambient link behaviour: calm, flaky, hostile, or apps and partial (as flaky).',
    ),
    steps: z.array(stepSchema),
    networkRules: z.array(networkFaultRuleSchema).optional(),
    serverRules: z.array(serverRuleSchema).optional(),
    expect: z.strictObject({
      violations: z
        .array(z.enum([...INVARIANT_NAMES, ...CLIENT_ERROR_KINDS]))
        .describe('Invariants the run must violate; [] means every invariant must hold.'),
    }),
  })
  .describe('A syncstorm scenario: devices, steps, faults and the expected outcome.');

/** The fault type names the schema accepts (for catalogues and their tests). */
export const FAULT_TYPES_OF_SCHEMA = {
  network: faultVerdictSchema.options.map((option) => option.shape.type.value),
  server: serverFaultSchema.options.map((option) => option.shape.type.value),
};

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = z.infer<typeof stepSchema>;
export type ScenarioDevice = z.infer<typeof devicePlanSchema>;
export type ScenarioNetworkRule = z.infer<typeof networkFaultRuleSchema>;
export type ScenarioServerRule = z.infer<typeof serverRuleSchema>;

/** The JSON Schema of a scenario file (draft 2020-12). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(scenarioSchema), title: 'syncstorm scenario' };
}
