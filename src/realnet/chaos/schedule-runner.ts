/**
 * @module realnet/chaos/schedule-runner
 * Plays a schedule's actions on a proxy in real time, one at a time and in order (a remove
 * never overtakes its add), recording each as a `realnet.toxic` trace event. An action the
 * proxy refuses is recorded as `realnet.error`, told to `onError` (serve prints it as it
 * happens), and the schedule goes on.
 */
import type { Trace } from '../../kernel/trace.ts';
import type { ScheduleAction } from './schedules.ts';

export class ScheduleRunner {
  private readonly timers: NodeJS.Timeout[] = [];
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  applied = 0;
  failed = 0;

  constructor(
    private readonly link: { apply(action: ScheduleAction): Promise<void> },
    private readonly actions: readonly ScheduleAction[],
    private readonly trace: Trace,
    private readonly onError: (action: ScheduleAction, message: string) => void = () => {},
  ) {}

  start(): void {
    for (const action of this.actions) {
      this.timers.push(setTimeout(() => this.enqueue(action), action.atMs));
    }
  }

  private enqueue(action: ScheduleAction): void {
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await this.link.apply(action);
        this.applied++;
        const { atMs: _at, ...what } = action;
        this.trace.record('realnet.toxic', what);
      } catch (error) {
        this.failed++;
        const message = error instanceof Error ? error.message : String(error);
        this.trace.record('realnet.error', { action: action.do, message });
        this.onError(action, message);
      }
    });
  }

  /** No further action; waits for the one being applied. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.chain;
  }
}
