/**
 * @module realnet/proxy/registry
 * The embedded proxy's proxies by name, with Toxiproxy's collection semantics: create (409
 * when the name exists), populate (create or replace a list; proxies whose listen and
 * upstream are unchanged keep running), remove, and reset (every proxy enabled, every toxic
 * removed).
 */
import type { Rng } from '../../kernel/rng.ts';
import { API_ERRORS } from './api-error.ts';
import { ChaosProxy } from './chaos-proxy.ts';

export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** Bound on proxies one embedded proxy runs. */
export const PROXIES_MAX = 256;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseProxyInput(body: unknown): ProxyInput {
  if (!isObject(body)) throw API_ERRORS.badBody('expected a JSON object');
  if (typeof body.name !== 'string' || body.name === '') throw API_ERRORS.missingField('name');
  if (typeof body.upstream !== 'string' || body.upstream === '') throw API_ERRORS.missingField('upstream');
  const listen = body.listen ?? '127.0.0.1:0';
  if (typeof listen !== 'string') throw API_ERRORS.badBody('listen must be a string');
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
    throw API_ERRORS.badBody('enabled must be a boolean');
  return { name: body.name, listen, upstream: body.upstream, enabled: body.enabled ?? true };
}

export class ProxyRegistry {
  private readonly proxies = new Map<string, ChaosProxy>();

  constructor(private readonly rng: Rng) {}

  list(): ChaosProxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): ChaosProxy {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) throw API_ERRORS.proxyNotFound();
    return proxy;
  }

  async create(input: ProxyInput): Promise<ChaosProxy> {
    if (this.proxies.has(input.name)) throw API_ERRORS.proxyExists();
    if (this.proxies.size >= PROXIES_MAX) throw API_ERRORS.badBody(`at most ${PROXIES_MAX} proxies`);
    const proxy = new ChaosProxy(input.name, input.listen, input.upstream, this.rng.fork(`proxy/${input.name}`));
    if (input.enabled) await proxy.start();
    this.proxies.set(input.name, proxy);
    return proxy;
  }

  async populate(inputs: ProxyInput[]): Promise<ChaosProxy[]> {
    const out: ChaosProxy[] = [];
    for (const input of inputs) {
      const existing = this.proxies.get(input.name);
      const same = existing !== undefined && existing.upstream === input.upstream && existing.listen === input.listen;
      if (existing !== undefined && same) {
        out.push(existing);
        continue;
      }
      if (existing !== undefined) await this.remove(input.name);
      out.push(await this.create(input));
    }
    return out;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    proxy.toxics.clear();
    await proxy.stop();
  }

  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      proxy.toxics.clear();
      await proxy.start();
    }
  }

  async closeAll(): Promise<void> {
    for (const name of [...this.proxies.keys()]) await this.remove(name);
  }
}
