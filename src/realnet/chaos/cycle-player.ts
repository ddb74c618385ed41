/**
 * @module realnet/chaos/cycle-player
 * What `serve --proxy-url` runs: a schedule played on a proxy in cycles (a new draw each
 * cycle, healed between cycles) until stopped, and a watch that notices a proxy that is gone
 * (Toxiproxy restarted, or someone deleted it) or lost syncstorm's toxics, and puts them
 * back. Every failure is told to `log` as it happens (one line, repeats folded), besides the
 * `realnet.error` trace event. Proxy calls never overlap: schedule actions, heal and the
 * watch take turns.
 */
import { Rng } from '../../kernel/rng.ts';
import type { Trace } from '../../kernel/trace.ts';
import { ScheduleRunner } from './schedule-runner.ts';
import { type ChaosSchedule, planSchedule, type ScheduleAction } from './schedules.ts';
import type { ProxyLink } from './toxiproxy-link.ts';

/** How often the watch looks at the proxy, real ms. */
export const WATCH_MS_DEFAULT = 2_000;

export interface CyclePlayerOptions {
  link: ProxyLink;
  schedule: ChaosSchedule;
  seed: string;
  cycleMs: number;
  trace: Trace;
  log: (line: string) => void;
  watchMs?: number;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^\[syncstorm\] /, '') : String(error);
}

function actionName(action: ScheduleAction): string {
  if (action.do === 'add' || action.do === 'update') return `${action.do} ${action.toxic.name}`;
  if (action.do === 'remove') return `remove ${action.name}`;
  return `proxy ${action.do}`;
}

export class CyclePlayer {
  private turn: Promise<unknown> = Promise.resolve();
  private lastLine = '';
  private repeats = 0;
  private unreachable = false;
  private runner: ScheduleRunner | undefined;
  private loop: Promise<void> | undefined;
  private watch: NodeJS.Timeout | undefined;
  private readonly stopped = new AbortController();
  /** Cycles begun. */
  cycles = 0;

  constructor(private readonly options: CyclePlayerOptions) {}

  /** Runs `work` after every proxy call before it. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work, work);
    this.turn = next.catch(() => {});
    return next;
  }

  private say(line: string): void {
    if (line === this.lastLine) {
      this.repeats++;
      return;
    }
    if (this.repeats > 0) this.options.log(`chaos: (the line above ${this.repeats} more time(s))`);
    this.lastLine = line;
    this.repeats = 0;
    this.options.log(line);
  }

  /** Looks at the proxy; puts back what is missing; tells what it found when it matters. */
  async check(): Promise<void> {
    const { link } = this.options;
    try {
      const outcome = await this.serial(() => link.ensure());
      if (this.unreachable) this.say('chaos: the proxy admin API answers again');
      this.unreachable = false;
      if (outcome === 'proxy-recreated')
        this.say(`chaos: the proxy was gone (Toxiproxy restarted?); re-created it on ${link.listen} with its toxics`);
      if (outcome === 'toxics-restored') this.say("chaos: put back syncstorm's toxics missing from the proxy");
    } catch (error) {
      if (!this.unreachable) this.say(`chaos: ${describe(error)}; retrying`);
      this.unreachable = true;
    }
  }

  start(): void {
    const { options } = this;
    const link = { apply: (action: ScheduleAction) => this.serial(() => options.link.apply(action)) };
    const onError = (action: ScheduleAction, message: string) => {
      this.say(`chaos: ${actionName(action)} failed: ${message.replace(/^\[syncstorm\] /, '')}`);
      void this.check();
    };
    this.watch = setInterval(() => void this.check(), options.watchMs ?? WATCH_MS_DEFAULT);
    this.loop = (async () => {
      for (let cycle = 0; !this.stopped.signal.aborted; cycle++) {
        this.cycles++;
        const rng = new Rng(options.seed).fork(`cycle-${cycle}`);
        const actions = planSchedule(options.schedule, rng, options.cycleMs);
        this.runner = new ScheduleRunner(link, actions, options.trace, onError);
        this.runner.start();
        await this.pause(options.cycleMs);
        await this.runner.stop();
        await this.heal();
      }
    })();
  }

  private pause(ms: number): Promise<void> {
    const signal = this.stopped.signal;
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async heal(): Promise<void> {
    try {
      await this.serial(() => this.options.link.heal());
    } catch (error) {
      this.say(`chaos: heal failed: ${describe(error)}`);
    }
  }

  /** No further action; the proxy healed (syncstorm's toxics at toxicity 0). */
  async stop(): Promise<void> {
    this.stopped.abort();
    clearInterval(this.watch);
    await this.runner?.stop();
    await this.loop;
  }
}
