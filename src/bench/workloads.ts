/**
 * @module bench/workloads
 * The coalescing benchmark's workloads, each a fixed Plan: the editing patterns teams ask
 * about (a draft typed in bursts, offline and on a flaky link; a form filled field by field;
 * a list built item by item; edits then a delete; two devices on the same records). The
 * client under test syncs on its own (debounce, reconnect, timer): no workload asks for a
 * sync except where a person would pull to refresh.
 */
import type { Plan, Step, StepFieldOp } from '../sim/index.ts';
import { burst, plannedEdits, typing, workloadPlan } from './steps.ts';

export interface BenchWorkload {
  name: string;
  title: string;
  description: string;
  plan: Plan;
  /** User writes the plan asks for (creates, updates, deletes): the per-edit denominator. */
  edits: number;
}

/** Three bursts of eight keystroke edits to one note, five seconds apart. */
function draftBursts(device: string, ref: string, startAt: number): { steps: Step[]; lastAt: number } {
  const steps: Step[] = [];
  let at = startAt;
  for (let round = 0; round < 3; round++) {
    const typed = burst({ device, ref, at, count: 8, ops: typing(round === 1 ? 'title' : 'body') });
    steps.push(...typed.steps);
    at = typed.lastAt + 5_000;
  }
  return { steps, lastAt: at - 5_000 };
}

function draftOffline(): Plan {
  const bursts = draftBursts('d1', 'draft', 10_000);
  return workloadPlan({
    devices: ['d1'],
    steps: [
      { at: 1_000, do: 'create', device: 'd1', collection: 'notes', ref: 'draft', fields: ['title', 'body'] },
      { at: 8_000, do: 'offline', device: 'd1' },
      ...bursts.steps,
      { at: bursts.lastAt + 10_000, do: 'online', device: 'd1' },
    ],
  });
}

function draftFlaky(): Plan {
  const bursts = draftBursts('d1', 'draft', 5_000);
  return workloadPlan({
    devices: ['d1'],
    profile: 'flaky',
    steps: [
      { at: 1_000, do: 'create', device: 'd1', collection: 'notes', ref: 'draft', fields: ['title', 'body'] },
      ...bursts.steps,
    ],
  });
}

const FORM_FIELDS = ['name', 'email', 'phone', 'street', 'city', 'zip', 'country', 'company'];

/** Eight fields typed in turn (three autosaved keystrokes each), then the e-mail corrected. */
function formFilling(): Plan {
  const steps: Step[] = [
    { at: 1_000, do: 'create', device: 'd1', collection: 'tasks', ref: 'form', fields: ['title'] },
  ];
  let at = 2_000;
  for (const field of FORM_FIELDS) {
    const typed = burst({ device: 'd1', ref: 'form', at, count: 3, ops: typing(field), gapsMs: [120] });
    steps.push(...typed.steps);
    at = typed.lastAt + 1_500;
  }
  steps.push(...burst({ device: 'd1', ref: 'form', at, count: 3, ops: typing('email'), gapsMs: [120] }).steps);
  return workloadPlan({ devices: ['d1'], steps });
}

const ITEM_EDITS: readonly StepFieldOp[][] = [[{ op: 'set', field: 'title' }], [{ op: 'add', field: 'tags' }]];

/** Six tasks, each created, renamed and tagged within half a second; then all ticked off in quick succession. */
function listBuilding(): Plan {
  const steps: Step[] = [];
  for (let item = 0; item < 6; item++) {
    const at = 1_000 + item * 2_000;
    const ref = `item${item + 1}`;
    steps.push({ at, do: 'create', device: 'd1', collection: 'tasks', ref, fields: ['title'] });
    steps.push(...burst({ device: 'd1', ref, at: at + 200, count: 2, ops: (index) => ITEM_EDITS[index] ?? [] }).steps);
  }
  for (let item = 0; item < 6; item++) {
    steps.push({
      at: 20_000 + item * 150,
      do: 'update',
      device: 'd1',
      ref: `item${item + 1}`,
      ops: [{ op: 'toggle', field: 'done' }],
    });
  }
  return workloadPlan({ devices: ['d1'], steps });
}

/** Offline: a synced note edited four times then deleted, another edited and kept; a new note created, edited, deleted. */
function editsThenDelete(): Plan {
  const old = burst({ device: 'd1', ref: 'old', at: 10_000, count: 4, ops: typing('body') });
  const kept = burst({ device: 'd1', ref: 'kept', at: old.lastAt + 1_200, count: 2, ops: typing('body') });
  const scratch = burst({ device: 'd1', ref: 'scratch', at: old.lastAt + 2_000, count: 3, ops: typing('body') });
  return workloadPlan({
    devices: ['d1'],
    steps: [
      { at: 1_000, do: 'create', device: 'd1', collection: 'notes', ref: 'old', fields: ['title', 'body'] },
      { at: 2_000, do: 'create', device: 'd1', collection: 'notes', ref: 'kept', fields: ['title'] },
      { at: 8_000, do: 'offline', device: 'd1' },
      ...old.steps,
      { at: old.lastAt + 1_000, do: 'delete', device: 'd1', ref: 'old' },
      ...kept.steps,
      { at: old.lastAt + 1_500, do: 'create', device: 'd1', collection: 'notes', ref: 'scratch', fields: ['title'] },
      ...scratch.steps,
      { at: scratch.lastAt + 1_000, do: 'delete', device: 'd1', ref: 'scratch' },
      { at: scratch.lastAt + 5_000, do: 'online', device: 'd1' },
    ],
  });
}

const SHARED_NOTES = ['n1', 'n2', 'n3'];

/** What each device edits on every shared note: d1 the body, d2 the title; both tag and like. */
function sharedEdit(device: string) {
  return (index: number): StepFieldOp[] => {
    const text: StepFieldOp = { op: 'set', field: device === 'd1' ? 'body' : 'title' };
    return index % 2 === 0 ? [text, { op: 'add', field: 'tags' }] : [text, { op: 'inc', field: 'likes', by: 1 }];
  };
}

/**
 * d1 creates three notes, d2 pulls them; both go offline and edit every note (different
 * text fields, the same tag set and like counter), then come back one after the other.
 */
function twoDevices(): Plan {
  const steps: Step[] = SHARED_NOTES.map((ref, index) => ({
    at: 1_000 + index * 1_000,
    do: 'create',
    device: 'd1',
    collection: 'notes',
    ref,
    fields: ['title', 'tags'],
  }));
  steps.push({ at: 6_000, do: 'sync', device: 'd2' });
  steps.push({ at: 8_000, do: 'offline', device: 'd1' }, { at: 8_000, do: 'offline', device: 'd2' });
  for (const [index, ref] of SHARED_NOTES.entries()) {
    for (const device of ['d1', 'd2']) {
      const at = 10_000 + index * 6_000 + (device === 'd2' ? 2_500 : 0);
      steps.push(...burst({ device, ref, at, count: 4, ops: sharedEdit(device) }).steps);
    }
  }
  steps.push({ at: 40_000, do: 'online', device: 'd1' }, { at: 45_000, do: 'online', device: 'd2' });
  return workloadPlan({ devices: ['d1', 'd2'], steps });
}

interface WorkloadSpec {
  name: string;
  title: string;
  description: string;
  build: () => Plan;
}

const SPECS: readonly WorkloadSpec[] = [
  {
    name: 'draft-offline',
    title: 'Draft editing, offline',
    description: 'A synced note, then three bursts of 8 keystroke edits while offline; then back online.',
    build: draftOffline,
  },
  {
    name: 'draft-flaky',
    title: 'Draft editing, flaky link',
    description:
      'Three bursts of 8 keystroke edits to one note, online on the flaky profile (loss, duplicates, resets).',
    build: draftFlaky,
  },
  {
    name: 'form-filling',
    title: 'Form filling',
    description:
      'One record, 8 fields typed in turn (3 autosaves each, 1.5 s between fields), then one field corrected.',
    build: formFilling,
  },
  {
    name: 'list-building',
    title: 'List building',
    description:
      'Six tasks, each created, renamed and tagged within 0.5 s, 2 s apart; then all six ticked off 150 ms apart.',
    build: listBuilding,
  },
  {
    name: 'edits-then-delete',
    title: 'Edits, then delete',
    description:
      'Offline: a synced note edited 4 times and deleted, another edited twice and kept; a new note created, edited 3 times, deleted.',
    build: editsThenDelete,
  },
  {
    name: 'two-devices',
    title: 'Two devices, same records',
    description: 'Both devices edit the same 3 notes offline (4 edits per note each), then reconnect 5 s apart.',
    build: twoDevices,
  },
];

/** Every workload, in the order the reports show them. */
export function benchWorkloads(): BenchWorkload[] {
  return SPECS.map((spec) => {
    const plan = spec.build();
    return { name: spec.name, title: spec.title, description: spec.description, plan, edits: plannedEdits(plan) };
  });
}

export const WORKLOAD_NAMES: readonly string[] = SPECS.map((spec) => spec.name);
