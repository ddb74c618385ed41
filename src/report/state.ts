/**
 * @module report/state
 * The final server state against each device's final view, from the `sim.final` event, as
 * a table with differences marked. Reads records as `{collection, id, fields, ...}` when
 * they look like that and falls back to a generic flattening of whatever shape appears.
 */
import type { TraceEvent } from '../kernel/trace.ts';

/** Rows shown before the table is cut. */
export const STATE_ROWS_MAX_DEFAULT = 400;
/** Longest cell text. */
const CELL_LENGTH_MAX = 300;
/** How deep the generic flattening goes before a value becomes one cell. */
const FLATTEN_DEPTH_MAX = 2;

export interface StateRow {
  /** `record`: one record across server and devices; `meta`: a device-only figure (pending, conflicts). */
  kind: 'record' | 'meta';
  key: string;
  /** Column 0 is the server; null when absent there. */
  cells: (string | null)[];
  /** Per cell: differs from the server (for meta rows: a figure that should be zero). */
  differs: boolean[];
}

export interface StateTable {
  columns: string[];
  rows: StateRow[];
  /** Rows left out (differing rows are kept first). */
  rowsOmitted: number;
  /** Record rows that differ somewhere. */
  rowsDiffering: number;
}

interface Entry {
  text: string;
  /** What equality is judged on; '' for absent or deleted. */
  compare: string;
}

/** JSON with object keys sorted, so equal values print equally. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, inner: unknown) => {
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
      return sorted;
    }) ?? 'undefined'
  );
}

function cut(text: string): string {
  return text.length <= CELL_LENGTH_MAX ? text : `${text.slice(0, CELL_LENGTH_MAX)}…`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function recordEntry(record: Record<string, unknown>): Entry {
  const content = 'fields' in record ? record.fields : record;
  const notes: string[] = [];
  if (typeof record.rev === 'number' || record.rev === null) notes.push(`rev ${record.rev ?? '∅'}`);
  if (typeof record.status === 'string') notes.push(record.status);
  if (record.deleted === true) return { text: cut(['deleted', ...notes].join(' · ')), compare: '' };
  return { text: cut([canonicalJson(content), ...notes].join(' · ')), compare: canonicalJson(content) };
}

function flatten(value: unknown, prefix: string, depth: number, out: Map<string, Entry>): void {
  if (Array.isArray(value)) {
    value.forEach((element, index) => {
      if (isObject(element) && typeof element.id === 'string') {
        const collection = typeof element.collection === 'string' ? `${element.collection}/` : prefix;
        out.set(`${collection}${element.id}`, recordEntry(element));
      } else {
        flatten(element, `${prefix}${index}`, depth + 1, out);
      }
    });
    return;
  }
  if (isObject(value) && depth < FLATTEN_DEPTH_MAX) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, `${prefix}${key}/`, depth + 1, out);
    return;
  }
  const key = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const entry = isObject(value)
    ? recordEntry(value)
    : { text: cut(canonicalJson(value)), compare: canonicalJson(value) };
  out.set(key, entry);
}

/** Records of a server state or device view, by `collection/id`. */
export function stateEntries(state: unknown): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const records = isObject(state) && Array.isArray(state.records) ? state.records : state;
  flatten(records, '', 0, out);
  return out;
}

function deviceViews(devices: unknown): [string, unknown][] {
  if (isObject(devices)) return Object.entries(devices);
  if (!Array.isArray(devices)) return [];
  return devices.map((view, index) => [
    isObject(view) && typeof view.device === 'string' ? view.device : `device ${index}`,
    view,
  ]);
}

function metaRows(views: [string, unknown][]): StateRow[] {
  const rows: StateRow[] = [];
  for (const key of ['pending', 'conflicts'] as const) {
    const cells: (string | null)[] = [null];
    const differs = [false];
    for (const [, view] of views) {
      const value = isObject(view) ? view[key] : undefined;
      const count = Array.isArray(value) ? value.length : typeof value === 'number' ? value : undefined;
      cells.push(count === undefined ? null : String(count));
      differs.push(key === 'pending' && count !== undefined && count > 0);
    }
    if (cells.some((cell) => cell !== null)) rows.push({ kind: 'meta', key, cells, differs });
  }
  return rows;
}

/** The last `sim.final` event of a trace, if any. */
export function finalEvent(trace: readonly TraceEvent[]): TraceEvent | undefined {
  for (let index = trace.length - 1; index >= 0; index -= 1)
    if (trace[index]!.type === 'sim.final') return trace[index];
  return undefined;
}

/** Server against devices, differing rows first (in key order), then the equal ones. */
export function stateTable(final: TraceEvent, rowsMax: number = STATE_ROWS_MAX_DEFAULT): StateTable {
  const views = deviceViews(final.devices);
  const server = stateEntries(final.server);
  const devices = views.map(([, view]) => stateEntries(view));
  const keys = new Set<string>(server.keys());
  for (const device of devices) for (const key of device.keys()) keys.add(key);
  const rows: StateRow[] = [...keys].sort().map((key) => {
    const reference = server.get(key)?.compare ?? '';
    const deviceEntries = devices.map((device) => device.get(key));
    return {
      kind: 'record',
      key,
      cells: [server.get(key)?.text ?? null, ...deviceEntries.map((entry) => entry?.text ?? null)],
      differs: [false, ...deviceEntries.map((entry) => (entry?.compare ?? '') !== reference)],
    };
  });
  const differing = rows.filter((row) => row.differs.some(Boolean));
  const ordered = [...differing, ...rows.filter((row) => !row.differs.some(Boolean))];
  return {
    columns: ['Server', ...views.map(([name]) => name)],
    rows: [...ordered.slice(0, rowsMax), ...metaRows(views)],
    rowsOmitted: Math.max(0, ordered.length - rowsMax),
    rowsDiffering: differing.length,
  };
}
