/**
 * @module report/mermaid
 * A Mermaid sequence diagram of a failing run, to paste into an issue: devices and the
 * server as participants, user actions as notes, requests and responses as arrows with
 * their status or fault, kills and restarts, and the violation's witnessing events inside
 * red `rect` blocks. Bounded to the events around the witnesses; every text is escaped.
 */
import type { RunResult } from '../sim/result.ts';
import { escapeMermaid as escapeText, shellQuote } from './escape.ts';
import { classify, type DisplayEvent, devicesOf, witnessSeqs } from './events.ts';
import { missingExpected, type ReportOptions, reproOf } from './runs.ts';
import { selectAround } from './select.ts';

export interface MermaidOptions {
  /** Most trace events drawn (witnesses and their context). Default 60. */
  eventsMax?: number;
}

export const MERMAID_EVENTS_MAX_DEFAULT = 60;
/** Violations listed in closing notes. */
const VIOLATION_NOTES_MAX = 5;
const SERVER_ID = 'S';

/** Escaped text that is never empty (Mermaid rejects an empty note, message or alias). */
function escapeMermaid(text: string, lengthMax?: number): string {
  const escaped = escapeText(text, lengthMax);
  return escaped.trim() === '' ? '(empty)' : escaped;
}
const WITNESS_COLOUR = 'rgb(255, 205, 210)';

class Participants {
  private readonly ids = new Map<string, string>();

  constructor(devices: readonly string[]) {
    for (const device of devices) this.add(device);
  }

  add(device: string): string {
    let id = this.ids.get(device);
    if (id === undefined) {
      id = `D${this.ids.size + 1}`;
      this.ids.set(device, id);
    }
    return id;
  }

  /** From the first device to the server: a note across the whole diagram. */
  span(): string {
    const first = this.ids.values().next();
    return first.done ? SERVER_ID : `${first.value},${SERVER_ID}`;
  }

  declarations(): string[] {
    const lines = [...this.ids].map(([device, id]) => `  participant ${id} as ${escapeMermaid(device)}`);
    return [...lines, `  participant ${SERVER_ID} as Server`];
  }
}

/** The Mermaid statement for one event. */
function statement(event: DisplayEvent, label: string, participants: Participants): string {
  const device = event.device === undefined ? undefined : participants.add(event.device);
  const peer = event.peer === undefined ? undefined : participants.add(event.peer);
  if (device !== undefined) {
    if (event.kind === 'request') return `${device}->>${SERVER_ID}: ${label}`;
    if (event.kind === 'response' && (event.status ?? 0) < 400) return `${SERVER_ID}-->>${device}: ${label}`;
    if (event.kind === 'response') return `${SERVER_ID}--x${device}: ${label}`;
    if (event.kind === 'failure' && event.requestId !== undefined) return `${SERVER_ID}--x${device}: ${label}`;
    if (event.kind === 'fault') return `Note over ${device},${SERVER_ID}: ${label}`;
    return `Note over ${device}: ${label}`;
  }
  if (event.kind === 'phase') return `Note over ${participants.span()}: ${label}`;
  if (event.kind === 'fault' && peer !== undefined && event.requestId !== undefined) {
    return `${peer}-)${SERVER_ID}: ${label}`;
  }
  return `Note over ${SERVER_ID}: ${label}`;
}

function headerLines(result: RunResult, options: ReportOptions): string[] {
  const lines = ['sequenceDiagram', `  title ${escapeMermaid(`syncstorm ${result.name} (seed ${result.seed})`)}`];
  lines.push(`  %% client ${escapeMermaid(result.client)}, profile ${escapeMermaid(result.profile)}`);
  lines.push(`  %% trace hash ${escapeMermaid(result.traceHash)}`);
  const repro = reproOf(result, options);
  if (repro !== undefined) lines.push(`  %% replay with: syncstorm run ${escapeMermaid(shellQuote(repro.path), 200)}`);
  return lines;
}

/** The violations and errors, in one red block at the end. */
function closingLines(result: RunResult, participants: Participants): string[] {
  const texts = result.violations
    .slice(0, VIOLATION_NOTES_MAX)
    .map((violation) => `VIOLATION ${violation.invariant}: ${violation.message}`);
  const more = result.violations.length - VIOLATION_NOTES_MAX;
  if (more > 0) texts.push(`${more} more violations`);
  for (const error of result.errors.slice(0, VIOLATION_NOTES_MAX)) texts.push(`ERROR ${error}`);
  for (const invariant of missingExpected(result)) texts.push(`EXPECTED VIOLATION MISSING ${invariant}`);
  if (texts.length === 0) return [];
  const notes = texts.map((text) => `    Note over ${participants.span()}: ${escapeMermaid(text, 160)}`);
  return [`  rect ${WITNESS_COLOUR}`, ...notes, '  end'];
}

/** The diagram (Mermaid source, no code fence) for one run. */
export function renderMermaid(result: RunResult, options: ReportOptions & MermaidOptions = {}): string {
  const trace = result.trace ?? [];
  const participants = new Participants(devicesOf(trace));
  for (const violation of result.violations) if (violation.device !== undefined) participants.add(violation.device);
  const witnesses = witnessSeqs(result.violations);
  const shown = trace.map(classify).filter((event) => !event.minor || witnesses.has(event.seq));
  const selection = selectAround(shown, witnesses, options.eventsMax ?? MERMAID_EVENTS_MAX_DEFAULT);
  const body: string[] = [];
  if (result.trace === undefined) body.push(`  Note over ${participants.span()}: trace not kept for this run`);
  for (const { item, skippedBefore } of selection.kept) {
    if (skippedBefore > 0) body.push(`  Note over ${participants.span()}: ${skippedBefore} events omitted`);
    const witness = witnesses.has(item.seq);
    const label = escapeMermaid(witness ? `[seq ${item.seq}] ${item.label}` : item.label);
    const line = statement(item, label, participants);
    body.push(...(witness ? [`  rect ${WITNESS_COLOUR}`, `    ${line}`, '  end'] : [`  ${line}`]));
  }
  if (selection.skippedAfter > 0)
    body.push(`  Note over ${participants.span()}: ${selection.skippedAfter} events omitted`);
  // Participants are declared last-known: statements may add a device the trace start did not name.
  return [
    ...headerLines(result, options),
    ...participants.declarations(),
    ...body,
    ...closingLines(result, participants),
    '',
  ].join('\n');
}
