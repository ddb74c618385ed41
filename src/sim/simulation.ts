/**
 * @module sim/simulation
 * One run: build the world from a seed and a plan, run the chaos phase, heal, record the
 * final state of the server and every device, and hand the history to the checkers.
 */
import { rmSync } from 'node:fs';
import { buildHistory } from '../check/history.ts';
import { checkAll } from '../check/index.ts';
import { type ClientFactory, capabilitiesOf } from '../client/contract.ts';
import { describeLeak, type Leak } from '../kernel/leaks.ts';
import { describeOutsideWait } from '../kernel/outside-waits.ts';
import { EventsLimitReached } from '../kernel/scheduler.ts';
import type { NetworkStats } from '../net/index.ts';
import type { ServerConfig } from '../server/index.ts';
import { resolveServerOnce } from '../server/resolve.ts';
import { ClientErrorLog, clientErrorViolation } from './client-errors.ts';
import { END_OF_RUN } from './device.ts';
import { callError, StepExecutor } from './executor.ts';
import { exercisedBy } from './exercised.ts';
import { WORKLOAD_COLLECTIONS } from './fields.ts';
import { HEAL_DEFAULTS, Healer, type HealOptions } from './heal.ts';
import { type Plan, undeclaredDevices } from './plan.ts';
import { watchAfterConvergence } from './quiet.ts';
import type { RunResult, RunViolation } from './result.ts';
import { nameRunScratch } from './scratch-dir.ts';
import type { StorageMode } from './storage.ts';
import { ViewSampler } from './view-sampler.ts';
import { createWorld, type World } from './world.ts';

export interface SimulationOptions {
  seed: string;
  plan: Plan;
  client: ClientFactory;
  /** Shown in reports; defaults to `seed-<seed>`. */
  name?: string;
  /** Invariants the run is expected to violate (a scenario showing a bug). */
  expectedViolations?: string[];
  /** Keep the trace in the result (reports need it). */
  keepTrace?: boolean;
  traceFile?: string;
  /** Client storage: 'memory' (default, fast) or 'file' (SQLite files with WAL). */
  storage?: StorageMode;
  serverConfig?: Partial<ServerConfig>;
  heal?: Partial<HealOptions>;
  /** Bound on scheduler events in the chaos phase. */
  eventsMax?: number;
  /**
   * Bound on the scheduler events of the whole run (chaos, heal, final reads). A run that
   * reaches it stops there: its history is cut short, so it is not checked, and the result
   * carries one error saying so. The shrinker sets it to keep each candidate near the cost
   * of the original; unset, only the per-phase bounds apply.
   */
  runEventsMax?: number;
  /**
   * Virtual globals inside the devices (docs/virtual-time.md). Default: on, unless the
   * client opts out or SYNCSTORM_REAL_GLOBALS=1 (set by the CLI's --real-globals).
   */
  virtualGlobals?: boolean;
  /** Leaks of real time fail the run (`time-leak`). Default: SYNCSTORM_STRICT_TIME=1 (--strict-time). */
  strictTime?: boolean;
}

/** The invariant a leak of real time is reported under when time is strict. */
export const TIME_LEAK = 'time-leak';

export const CHAOS_EVENTS_MAX = 2_000_000;

/** When the chaos phase ends: the plan's heal step, or just after its last step. */
export function chaosEnd(plan: Plan): number {
  const heal = plan.steps.find((step) => step.do === 'heal');
  if (heal) return heal.at;
  return plan.steps.reduce((latest, step) => Math.max(latest, step.at), 0) + 1;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Errors a client raised outside any call we made (a timer callback, a floating promise). */
function catchStrayErrors(world: World, errors: ClientErrorLog): () => void {
  const onRejection = (reason: unknown) => {
    if (reason instanceof Error && reason.name === 'DeviceKilled') return;
    errors.add({ kind: 'client-error', message: `unhandled rejection: ${describe(reason)}` });
    world.trace.record('device.error', { message: `unhandled rejection: ${describe(reason)}` });
  };
  world.scheduler.onError = (error, label) => {
    if (error instanceof Error && error.name === 'DeviceKilled') return;
    errors.add({ kind: 'client-error', message: `${label} threw: ${describe(error)}` });
    world.trace.record('device.error', { message: `${label} threw: ${describe(error)}` });
  };
  process.on('unhandledRejection', onRejection);
  return () => process.off('unhandledRejection', onRejection);
}

async function finalState(
  world: World,
  healer: Healer,
  client: ClientFactory,
  subscriptions: ReadonlyMap<string, unknown>,
): Promise<void> {
  // A Map, turned into an object with own properties: a device named `__proto__` stays a key.
  const devices = new Map<string, unknown>();
  for (const host of world.hosts.values()) {
    const view = await healer.view(host);
    if (view === undefined) continue;
    world.trace.record('device.view', { device: host.deviceId, reason: 'final', ...view });
    devices.set(host.deviceId, view);
  }
  // Capabilities the checkers judge by are recorded only when declared, so the traces of other
  // clients stay as they were (`instances` changes what the simulator does, not what is judged).
  const { instances: _instances, subscriptions: _subscriptions, ...judged } = capabilitiesOf(client);
  const declared = client.capabilities ?? {};
  const recorded = 'conflictInbox' in declared || 'recordStatus' in declared;
  const capabilities = recorded ? { capabilities: judged } : {};
  world.trace.record('sim.final', {
    policy: client.policy,
    ...capabilities,
    // Only when a device subscribed, so the traces of runs without subscriptions stay as they were.
    ...(subscriptions.size > 0 ? { subscriptions: Object.fromEntries(subscriptions) } : {}),
    server: world.server.records(),
    devices: Object.fromEntries(devices),
  });
}

export async function runSimulation(options: SimulationOptions): Promise<RunResult> {
  const wallStart = performance.now(); // allowed: wall time of the run, reported only
  const missing = undeclaredDevices(options.plan);
  if (missing.length > 0) throw new Error(`[syncstorm] plan steps name undeclared devices: ${missing.join(', ')}`);
  // A server module that does not load is bad input; it is resolved before anything starts.
  const serverWrapper = options.plan.server === undefined ? undefined : await resolveServerOnce(options.plan.server);
  const storageDir = nameRunScratch();
  const world = createWorld({
    seed: options.seed,
    plan: options.plan,
    client: options.client,
    storageDir,
    storage: options.storage ?? 'memory',
    ...(options.traceFile ? { traceFile: options.traceFile } : {}),
    ...(options.serverConfig ? { serverConfig: options.serverConfig } : {}),
    virtualGlobals: options.virtualGlobals ?? process.env.SYNCSTORM_REAL_GLOBALS !== '1',
    ...(serverWrapper !== undefined ? { serverWrapper } : {}),
  });
  const errors = new ClientErrorLog();
  world.outside.onAbandon = (wait) => {
    errors.add({ kind: 'client-hung', message: describeOutsideWait(wait) });
    world.trace.record('device.error', { device: wait.device, message: describeOutsideWait(wait) });
  };
  const release = catchStrayErrors(world, errors);
  const collections = options.client.collections ?? WORKLOAD_COLLECTIONS;
  const heal = { ...HEAL_DEFAULTS, ...options.heal };
  if (options.runEventsMax !== undefined) world.scheduler.eventsLimit = options.runEventsMax;
  try {
    world.trace.record('sim.start', {
      seed: options.seed,
      client: options.client.name,
      profile: options.plan.profile,
      devices: options.plan.devices.map((device) => device.id),
      // Recorded only when a server is named, so the traces of reference-server runs stay as they were.
      ...(options.plan.server !== undefined ? { server: options.plan.server } : {}),
    });
    const executor = new StepExecutor(
      world,
      collections,
      (error, sameAs) => errors.add(error, sameAs),
      capabilitiesOf(options.client).conflictInbox,
      capabilitiesOf(options.client).instances,
      capabilitiesOf(options.client).subscriptions,
    );
    const healer = new Healer(world, executor, collections, heal);
    for (const host of world.hosts.values()) {
      const started = await executor.startDevice(host);
      if (!started.ok) {
        const failed = callError(`start() on ${host.deviceId}`, 'start', started);
        errors.add(failed.error, failed.sameAs);
      }
    }
    for (const device of options.plan.devices) if (device.offline) world.hosts.get(device.id)?.setOnline(false);
    executor.scheduleAll(options.plan.steps);
    const sampler = new ViewSampler(world, collections, capabilitiesOf(options.client).conflictInbox);
    sampler.start(chaosEnd(options.plan));
    world.trace.record('sim.phase', { phase: 'chaos' });
    const chaos = await world.scheduler.run({
      until: chaosEnd(options.plan),
      eventsMax: options.eventsMax ?? CHAOS_EVENTS_MAX,
    });
    sampler.stop();
    if (chaos.stoppedBy === 'events-max')
      errors.add({
        kind: 'client-error',
        message: `chaos phase hit its bound of ${options.eventsMax ?? CHAOS_EVENTS_MAX} events`,
      });
    const healed = await healer.run();
    // Traffic is counted up to convergence: the watch's polls are for request-storm, not the
    // requests it took to sync (the coalescing benchmark reads these counts).
    const synced = world.network.stats();
    if (healed.converged) await watchAfterConvergence(world, heal.eventsMax);
    await executor.settlePending();
    world.trace.record('sim.phase', { phase: 'check' });
    await finalState(world, healer, options.client, executor.subscriptions);
    return summarise(options, world, errors, healed.convergeMs, performance.now() - wallStart, { traffic: synced }); // allowed: wall time, reported only
  } catch (error) {
    if (!(error instanceof EventsLimitReached)) throw error;
    world.trace.record('sim.bound', { events: error.limit });
    errors.add({ kind: 'client-error', message: error.message });
    return summarise(options, world, errors, 0, performance.now() - wallStart, { unchecked: true }); // allowed: wall time, reported only
  } finally {
    release();
    world.outside.close();
    for (const host of world.hosts.values()) host.kill(END_OF_RUN);
    world.trace.close();
    rmSync(storageDir, { recursive: true, force: true });
  }
}

function summarise(
  options: SimulationOptions,
  world: World,
  errorLog: ClientErrorLog,
  convergeMs: number,
  wallMs: number,
  how: { unchecked?: boolean; traffic?: NetworkStats } = {},
): RunResult {
  const leaks = world.leaks.list();
  // Recorded once per run, and only when there are leaks: a clean run's trace is unchanged.
  const leakSeqs = leaks.map((leak) => world.trace.record('device.leak', { ...leak }).seq);
  const events = world.trace.events();
  const checked = how.unchecked ? { violations: [], declaredLosses: [] } : checkAll(buildHistory(events));
  const violations: RunViolation[] = checked.violations.map((violation) => ({ ...violation }));
  // A client error fails the run like a broken invariant (docs/invariants.md, "Client errors").
  const clientErrors = errorLog.list();
  for (const error of clientErrors) violations.push(clientErrorViolation(error));
  const errors = clientErrors.map((error) => error.message);
  const strictTime = options.strictTime ?? process.env.SYNCSTORM_STRICT_TIME === '1';
  if (strictTime) violations.push(...timeLeaks(leaks, leakSeqs));
  const expected = [...(options.expectedViolations ?? [])].sort();
  const found = [...new Set(violations.map((violation) => violation.invariant))].sort();
  const leaked = found.includes(TIME_LEAK) && !expected.includes(TIME_LEAK);
  const shown = expected.length === 0 ? violations.length === 0 : expected.every((name) => found.includes(name));
  const passed = !leaked && shown && clientErrors.every((error) => expected.includes(error.kind));
  const stats = how.traffic ?? world.network.stats();
  const exercised = exercisedBy(events);
  return {
    name: options.name ?? `seed-${options.seed}`,
    seed: options.seed,
    client: options.client.name,
    ...(options.plan.server !== undefined ? { server: options.plan.server } : {}),
    profile: options.plan.profile,
    traceHash: world.trace.hash(),
    passed,
    violations,
    declaredLosses: checked.declaredLosses.length,
    expectedViolations: expected,
    errors,
    stats: {
      devices: options.plan.devices.length,
      events: world.scheduler.eventsRun,
      exchanges: stats.requests,
      requestBytes: stats.requestBytes,
      responseBytes: stats.responseBytes,
      opsApplied: events.filter((event) => event.type === 'server.apply').length,
      conflicts: events.filter((event) => event.type === 'net.receive' && event.status === 409).length,
      kills: exercised.kills,
      virtualMs: world.scheduler.now(),
      convergeMs,
      wallMs,
      traceEvents: world.trace.length,
    },
    ...(leaks.length > 0 ? { leaks } : {}),
    ...(Object.keys(exercised.faults).length > 0 ? { faults: exercised.faults } : {}),
    ...(options.keepTrace ? { trace: events } : {}),
  };
}

/** Under --strict-time, each leak is a violation witnessed by its device.leak event. */
function timeLeaks(leaks: readonly Leak[], seqs: readonly number[]): RunViolation[] {
  return leaks.map((leak, index) => ({
    invariant: TIME_LEAK,
    message: describeLeak(leak),
    events: [seqs[index] as number],
    device: leak.device,
  }));
}
