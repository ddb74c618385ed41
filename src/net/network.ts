/**
 * @module net/network
 * The simulated network: one `fetch` per device incarnation, links with latency and faults,
 * connectivity (offline, partitions), fault rules, the heal switch and traffic counters.
 * The exchanges themselves live in net/transport.
 */
import { assert } from '../kernel/assert.ts';
import type { Incarnation } from '../kernel/incarnation.ts';
import { Connectivity, type PartitionDirection } from './connectivity.ts';
import { LINK_DEFAULT, linkProfile } from './link.ts';
import { registerPlainExchange } from './plain.ts';
import { RuleBook } from './rules.ts';
import { TrafficStats } from './stats.ts';
import { Transport } from './transport.ts';
import type { LinkProfile, NetworkFaultRule, NetworkOptions, NetworkStats } from './types.ts';
import { WaitingExchanges } from './waiting.ts';

export class Network {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  private readonly defaultLink: LinkProfile;
  private readonly links = new Map<string, LinkProfile>();
  private readonly connectivity = new Connectivity();
  private readonly rules = new RuleBook();
  private readonly traffic = new TrafficStats();
  private readonly waiting = new WaitingExchanges();
  private readonly transport: Transport;
  private faultsEnabled = true;

  constructor(options: NetworkOptions) {
    this.baseUrl = options.baseUrl ?? 'http://sync.test';
    this.timeoutMs = options.timeoutMs ?? 30_000;
    assert(this.timeoutMs > 0, `Network: timeoutMs must be positive, got ${this.timeoutMs}`);
    this.defaultLink = linkProfile(LINK_DEFAULT, options.defaultLink);
    this.transport = new Transport({
      scheduler: options.scheduler,
      trace: options.trace,
      server: options.server,
      rng: options.rng.fork('net'),
      baseUrl: this.baseUrl,
      timeoutMs: this.timeoutMs,
      connectivity: this.connectivity,
      rules: this.rules,
      traffic: this.traffic,
      waiting: this.waiting,
      linkOf: (deviceId) => this.linkOf(deviceId),
      faultsEnabled: () => this.faultsEnabled,
    });
  }

  /**
   * A standard `fetch` for this device incarnation: `fetch(input: string | URL | Request, init?)`.
   * Relative URLs resolve against `baseUrl`. Once the incarnation is killed, calls never settle.
   */
  fetchFor(incarnation: Incarnation): typeof fetch {
    const fetchOfDevice = ((input: string | URL | Request, init?: RequestInit) =>
      this.transport.fetch(incarnation, input, init)) as typeof fetch;
    registerPlainExchange(fetchOfDevice, (init) => this.transport.exchangePlain(incarnation, init));
    return fetchOfDevice;
  }

  /** Offline: new requests are refused at once (ECONNREFUSED), open ones fail with ECONNRESET. */
  setOnline(deviceId: string, online: boolean): void {
    this.connectivity.setOnline(deviceId, online);
    if (!online) this.transport.cut(deviceId);
  }

  isOnline(deviceId: string): boolean {
    return this.connectivity.isOnline(deviceId);
  }

  /** The device stays online but what it sends (outbound), receives (inbound) or both is lost. */
  partition(deviceId: string, direction: PartitionDirection = 'both'): void {
    this.connectivity.partition(deviceId, direction);
  }

  repair(deviceId: string): void {
    this.connectivity.repair(deviceId);
  }

  /** Changes the given fields of the device's link; the others keep their value. */
  setLink(deviceId: string, profile: Partial<LinkProfile>): void {
    this.links.set(deviceId, linkProfile(this.linkOf(deviceId), profile));
  }

  linkOf(deviceId: string): Readonly<LinkProfile> {
    return this.links.get(deviceId) ?? this.defaultLink;
  }

  /** Rules look at each request when it is sent; the first non-pass verdict wins. */
  addRule(rule: NetworkFaultRule): void {
    this.rules.add(rule);
  }

  clearRules(): void {
    this.rules.clear();
  }

  /** Heal switch: off ⇒ no random link faults and no rules; latency, offline and partitions stay. */
  setFaultsEnabled(enabled: boolean): void {
    this.faultsEnabled = enabled;
  }

  /** Fetches of the device's live incarnation still waiting for an outcome. */
  inflight(deviceId: string): number {
    return this.waiting.of(deviceId).length;
  }

  stats(): NetworkStats {
    return this.traffic.snapshot();
  }
}
