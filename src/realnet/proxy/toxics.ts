/**
 * @module realnet/proxy/toxics
 * The toxics of one proxy: an ordered list (the chain), each with an id that never repeats
 * (so per-link state such as a toxicity draw or the bytes counted by limit_data belongs to one
 * toxic), and listeners told of every change (links re-arm their timeout timers, and close
 * when a timeout toxic is removed).
 */
import { API_ERRORS } from './api-error.ts';
import { parseToxic, type Stream, type ToxicJson, updateToxic } from './toxic-spec.ts';

export interface ActiveToxic {
  readonly id: number;
  readonly json: ToxicJson;
  /** performance.now() when the toxic was added. */
  readonly addedMs: number;
}

export class ToxicChain {
  private list: ActiveToxic[] = [];
  private idNext = 1;
  private readonly listeners = new Set<(removed?: ActiveToxic) => void>();

  all(): readonly ActiveToxic[] {
    return this.list;
  }

  ofStream(stream: Stream): ActiveToxic[] {
    return this.list.filter((toxic) => toxic.json.stream === stream);
  }

  get(name: string): ActiveToxic {
    const found = this.list.find((toxic) => toxic.json.name === name);
    if (found === undefined) throw API_ERRORS.toxicNotFound();
    return found;
  }

  add(body: unknown): ToxicJson {
    const json = parseToxic(body);
    if (this.list.some((toxic) => toxic.json.name === json.name)) throw API_ERRORS.toxicExists();
    this.list = [...this.list, { id: this.idNext++, json, addedMs: performance.now() }];
    this.changed();
    return json;
  }

  update(name: string, body: unknown): ToxicJson {
    const existing = this.get(name);
    const json = updateToxic(existing.json, body);
    this.list = this.list.map((toxic) => (toxic === existing ? { ...existing, json } : toxic));
    this.changed();
    return json;
  }

  remove(name: string): void {
    const existing = this.get(name);
    this.list = this.list.filter((toxic) => toxic !== existing);
    this.changed(existing);
  }

  clear(): void {
    const removed = this.list;
    this.list = [];
    for (const toxic of removed) this.changed(toxic);
  }

  /** `listener` is told of each change, with the toxic when one was removed. */
  onChange(listener: (removed?: ActiveToxic) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(removed?: ActiveToxic): void {
    for (const listener of this.listeners) listener(removed);
  }
}
