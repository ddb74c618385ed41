/**
 * @module realnet/proxy/registry
 * The embedded proxy's proxies by name, with Toxiproxy's collection semantics: create (409
 * when the name exists), populate (create or replace a list; proxies whose listen and
 * upstream are unchanged keep running), remove, and reset (every proxy enabled, every toxic
 * removed). Names are checked (a letter or digit first, then letters, digits, `.`, `_`, `-`;
 * no `../x`, no `__proto__`), and a proxy listens beyond loopback only when the registry
 * allows it (`syncstorm proxy --allow-remote`): otherwise any page that reached the admin API
 * could open a relay on every interface.
 */
import type { Rng } from '../../kernel/rng.ts';
import { isLoopbackHost } from '../bind-address.ts';
import { API_ERRORS, ApiError } from './api-error.ts';
import { ChaosProxy, parseAddress } from './chaos-proxy.ts';
import { checkName } from './names.ts';

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
  checkName(body.name, 'proxy');
  if (typeof body.upstream !== 'string' || body.upstream === '') throw API_ERRORS.missingField('upstream');
  const listen = body.listen ?? '127.0.0.1:0';
  if (typeof listen !== 'string') throw API_ERRORS.badBody('listen must be a string');
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
    throw API_ERRORS.badBody('enabled must be a boolean');
  return { name: body.name as string, listen, upstream: body.upstream, enabled: body.enabled ?? true };
}

export class ProxyRegistry {
  private readonly proxies = new Map<string, ChaosProxy>();

  constructor(
    private readonly rng: Rng,
    private readonly options: { allowRemote: boolean } = { allowRemote: false },
  ) {}

  /** A 403 for a listen address beyond loopback unless remote listens are allowed. */
  checkListen(listen: string): void {
    const { host } = parseAddress(listen, 'listen');
    if (this.options.allowRemote || isLoopbackHost(host)) return;
    throw new ApiError(
      `listen ${listen} is not a loopback address: start 'syncstorm proxy --allow-remote' to let proxies listen there`,
      403,
    );
  }

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
    this.checkListen(input.listen);
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
