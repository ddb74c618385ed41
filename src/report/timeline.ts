/**
 * @module report/timeline
 * Lays a failing run out as swimlanes over virtual time for the HTML report: one lane per
 * device plus the server, event markers placed on a linear time axis (`x`; events of one
 * lane at the same instant fan out by `stack`, a fixed nudge that zooming does not scale),
 * request spans from send to answer, phase lines, and time ticks. The page zooms by
 * scaling `x` around `pad` and opens fitted to the violation's witnesses. Each lane is
 * capped; the cap keeps the witnesses and what led up to them.
 */
import type { TraceEvent } from '../kernel/trace.ts';
import { classify, type DisplayEvent, devicesOf, type EventKind } from './events.ts';
import { selectAround } from './select.ts';

export const EVENTS_PER_LANE_MAX_DEFAULT = 250;
/** Horizontal room (px) virtual time gets before crowding stretches it. */
const TIME_WIDTH_PX = 1000;
/** Smallest distance (px) between two markers of one lane. */
const MARKER_GAP_PX = 16;
const PAD_PX = 12;
/** Smallest distance (px) between two time ticks. */
const TICK_GAP_PX = 90;
/** Request spans stack in at most this many rows per lane. */
const SPAN_ROWS_MAX = 3;
/** Longest raw-event text kept for the detail panel. */
const DETAIL_LENGTH_MAX = 1_500;

export interface TimelineLane {
  name: string;
  server: boolean;
  shown: number;
  total: number;
}

export interface TimelineEvent {
  seq: number;
  t: number;
  lane: number;
  kind: EventKind;
  label: string;
  /** The raw event as JSON (cut), for the detail panel. */
  detail: string;
  /** Linear in virtual time: pad + (t - t0) * pxPerMs. */
  x: number;
  /** Position among this lane's events at the same instant (drawn stack × MARKER_GAP_PX to the right). */
  stack: number;
  witness: boolean;
}

export type SpanOutcome = 'ok' | 'http-error' | 'failed' | 'open';

export interface TimelineSpan {
  lane: number;
  x1: number;
  x2: number;
  row: number;
  outcome: SpanOutcome;
  label: string;
}

export interface Timeline {
  lanes: TimelineLane[];
  events: TimelineEvent[];
  spans: TimelineSpan[];
  phases: { x: number; label: string }[];
  ticks: { x: number; t: number }[];
  /** Width at zoom 1, nudges included. */
  width: number;
  /** The time axis: x = pad + (t - t0) * pxPerMs at zoom 1. */
  t0: number;
  pxPerMs: number;
  pad: number;
}

function laneIndexer(devices: readonly string[]): (event: DisplayEvent) => number {
  const index = new Map(devices.map((device, position) => [device, position]));
  return (event) => (event.device === undefined ? devices.length : (index.get(event.device) ?? devices.length));
}

interface Placement {
  xs: number[];
  stacks: number[];
  width: number;
  t0: number;
  pxPerMs: number;
}

/** x (px) per shown event, linear in time; same-instant events of a lane get a stack index. */
function place(events: readonly { t: number; lane: number }[]): Placement {
  const t0 = events.length === 0 ? 0 : Math.min(...events.map((event) => event.t));
  const t1 = events.length === 0 ? 0 : Math.max(...events.map((event) => event.t));
  const pxPerMs = TIME_WIDTH_PX / Math.max(1, t1 - t0);
  const xs: number[] = [];
  const stacks: number[] = [];
  const lastOfLane = new Map<number, { t: number; stack: number }>();
  let stackMax = 0;
  for (const event of events) {
    const last = lastOfLane.get(event.lane);
    const stack = last !== undefined && last.t === event.t ? last.stack + 1 : 0;
    lastOfLane.set(event.lane, { t: event.t, stack });
    stackMax = Math.max(stackMax, stack);
    xs.push(PAD_PX + (event.t - t0) * pxPerMs);
    stacks.push(stack);
  }
  return { xs, stacks, width: Math.round(2 * PAD_PX + TIME_WIDTH_PX + stackMax * MARKER_GAP_PX), t0, pxPerMs };
}

/** Ticks at a round step (1, 2 or 5 × a power of ten, in ms) at least TICK_GAP_PX apart. */
function ticksOf(t0: number, t1: number, pxPerMs: number): { x: number; t: number }[] {
  const raw = TICK_GAP_PX / pxPerMs;
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((value) => value >= raw) ?? 10 * power;
  const ticks: { x: number; t: number }[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1 && ticks.length < 1_000; t += step) {
    ticks.push({ x: PAD_PX + (t - t0) * pxPerMs, t });
  }
  return ticks;
}

function outcomeOf(event: TimelineEvent, status: number | undefined): SpanOutcome {
  if (event.kind === 'failure') return 'failed';
  return (status ?? 0) >= 400 ? 'http-error' : 'ok';
}

/** Send-to-answer spans per device lane, stacked greedily into rows. */
function spansOf(shown: readonly DisplayEvent[], placed: readonly TimelineEvent[], width: number): TimelineSpan[] {
  const open = new Map<string, { start: TimelineEvent; label: string }>();
  const spans: TimelineSpan[] = [];
  shown.forEach((event, index) => {
    const item = placed[index]!;
    if (event.requestId === undefined || event.device === undefined) return;
    const key = `${event.device}\u0000${event.requestId}`;
    if (event.kind === 'request') open.set(key, { start: item, label: event.label });
    const begun = open.get(key);
    if (begun === undefined || (event.kind !== 'response' && event.kind !== 'failure')) return;
    open.delete(key);
    spans.push({
      lane: item.lane,
      x1: begun.start.x,
      x2: item.x,
      row: 0,
      outcome: outcomeOf(item, event.status),
      label: `${begun.label} → ${event.label}`,
    });
  });
  for (const { start, label } of open.values()) {
    spans.push({
      lane: start.lane,
      x1: start.x,
      x2: width - PAD_PX,
      row: 0,
      outcome: 'open',
      label: `${label} → no answer shown`,
    });
  }
  const rowEnds = new Map<number, number[]>();
  for (const span of spans.sort((a, b) => a.x1 - b.x1 || a.x2 - b.x2)) {
    const ends = rowEnds.get(span.lane) ?? [];
    let row = ends.findIndex((end) => end < span.x1);
    if (row < 0) row = ends.length < SPAN_ROWS_MAX ? ends.length : SPAN_ROWS_MAX - 1;
    ends[row] = Math.max(ends[row] ?? 0, span.x2);
    rowEnds.set(span.lane, ends);
    span.row = row;
  }
  return spans;
}

function detailOf(event: TraceEvent | undefined): string {
  const json = JSON.stringify(event) ?? '';
  return json.length <= DETAIL_LENGTH_MAX ? json : `${json.slice(0, DETAIL_LENGTH_MAX)}…`;
}

/** The swimlane layout of a run's trace. */
export function buildTimeline(
  trace: readonly TraceEvent[],
  witnesses: ReadonlySet<number>,
  extraDevices: readonly string[] = [],
  eventsPerLaneMax: number = EVENTS_PER_LANE_MAX_DEFAULT,
): Timeline {
  const devices = [...new Set([...devicesOf(trace), ...extraDevices])];
  const laneOf = laneIndexer(devices);
  const relevant = trace.map(classify).filter((event) => !event.minor || witnesses.has(event.seq));
  const lanes: TimelineLane[] = [...devices, 'Server'].map((name, index) => ({
    name,
    server: index === devices.length,
    shown: 0,
    total: 0,
  }));
  const byLane = new Map<number, DisplayEvent[]>();
  for (const event of relevant) {
    const lane = laneOf(event);
    const members = byLane.get(lane) ?? [];
    members.push(event);
    byLane.set(lane, members);
  }
  const keptSeqs = new Set<number>();
  for (const [lane, events] of byLane) {
    const selection = selectAround(events, witnesses, eventsPerLaneMax);
    lanes[lane]!.total = events.filter((event) => event.kind !== 'phase').length;
    for (const { item } of selection.kept) keptSeqs.add(item.seq);
  }
  const shown = relevant.filter((event) => keptSeqs.has(event.seq));
  const { xs, stacks, width, t0, pxPerMs } = place(shown.map((event) => ({ t: event.t, lane: laneOf(event) })));
  const bySeq = new Map<number, TraceEvent>();
  for (const event of trace) if (keptSeqs.has(event.seq)) bySeq.set(event.seq, event);
  const placed: TimelineEvent[] = shown.map((event, index) => ({
    seq: event.seq,
    t: event.t,
    lane: laneOf(event),
    kind: event.kind,
    label: event.label,
    detail: detailOf(bySeq.get(event.seq)),
    x: xs[index]!,
    stack: stacks[index]!,
    witness: witnesses.has(event.seq),
  }));
  for (const event of placed) if (event.kind !== 'phase') lanes[event.lane]!.shown += 1;
  return {
    lanes,
    events: placed.filter((event) => event.kind !== 'phase'),
    spans: spansOf(shown, placed, width),
    phases: placed.filter((event) => event.kind === 'phase').map((event) => ({ x: event.x, label: event.label })),
    ticks: ticksOf(t0, t0 + TIME_WIDTH_PX / pxPerMs, pxPerMs),
    width,
    t0,
    pxPerMs,
    pad: PAD_PX,
  };
}
