/**
 * @module realnet/chaos/toxiproxy-link
 * One proxy in front of the server, driven through Toxiproxy's admin API, so the same code
 * works against Toxiproxy (Docker) and the embedded proxy: create it (or take over one of the
 * same name and addresses), apply schedule actions through toxic slots (toxic-slots.ts: a
 * toxic is deleted only when it is the last of its stream, else set to toxicity 0, which is
 * what keeps Toxiproxy 2.12 alive), heal (every slot freed, the proxy enabled; at the very
 * end of a run every one deleted), and `ensure`: put the proxy and its
 * slots back when Toxiproxy restarted or someone deleted them. Toxics of other names are
 * someone else's: kept as they are, and carried over when the proxy must be re-created.
 */
import { UsageError } from '../../kernel/errors.ts';
import type { ToxicType } from '../proxy/toxic-spec.ts';
import { type AdminCall, AdminClient, ProxyAdminError } from './admin-client.ts';
import type { ScheduleAction } from './schedules.ts';
import { isSlotName, type Slot, type SlotCall, ToxicSlots } from './toxic-slots.ts';

export interface ProxyLinkOptions {
  /** Admin API, e.g. http://127.0.0.1:8474 */
  adminUrl: string;
  name: string;
  /** Where the proxy listens (as the proxy sees it), e.g. 127.0.0.1:0 or 0.0.0.0:8666. */
  listen: string;
  /** The server, as the proxy reaches it, e.g. 127.0.0.1:8787 or syncstorm:8787. */
  upstream: string;
  /** Sent as `Authorization: Bearer <token>` (the embedded proxy's --token; Toxiproxy ignores it). */
  token?: string;
  /** Told of every admin call (tests). */
  onCall?: (call: AdminCall) => void;
}

interface ProxyState {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics?: ToxicState[];
}

interface ToxicState {
  name: string;
  type: ToxicType;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

/** What `ensure` found and did. */
export type EnsureOutcome = 'in-place' | 'proxy-recreated' | 'toxics-restored';

function describe(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^\[syncstorm\] /, '') : String(error);
}

function toxicBody(toxic: ToxicState | Slot): ToxicState {
  const { name, type, stream, toxicity, attributes } = toxic;
  return { name, type, stream, toxicity, attributes };
}

export class ProxyLink {
  private readonly slots = new ToxicSlots();
  private enabled = true;
  /** After healForGood: no toxic may be added (Toxiproxy 2.12 could panic). */
  private sealed = false;
  private listenAddress: string;

  private constructor(
    private readonly admin: AdminClient,
    private readonly options: ProxyLinkOptions,
  ) {
    this.listenAddress = options.listen;
  }

  /** Connects to the admin API and creates (or takes over) the proxy. Exit 2 when that fails. */
  static async open(options: ProxyLinkOptions): Promise<ProxyLink> {
    const admin = new AdminClient(options.adminUrl.replace(/\/$/, ''), {
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.onCall === undefined ? {} : { onCall: options.onCall }),
    });
    try {
      await admin.request('GET', 'version');
    } catch (error) {
      throw new UsageError(
        `Cannot reach the proxy admin API at ${options.adminUrl}: ${describe(error)}. Start Toxiproxy (docker compose up) or 'syncstorm proxy', or leave --proxy-url out to use the embedded proxy.`,
      );
    }
    const link = new ProxyLink(admin, options);
    await link.takeOver();
    return link;
  }

  private get path(): string {
    return `proxies/${encodeURIComponent(this.options.name)}`;
  }

  /** `host:port` the proxy listens on (a port of 0 resolved). */
  get listen(): string {
    return this.listenAddress;
  }

  /** Slots (syncstorm's toxics) in the order they were added. */
  slotNames(): string[] {
    return this.slots.all().map((slot) => slot.name);
  }

  private async current(): Promise<ProxyState | undefined> {
    try {
      return await this.admin.request<ProxyState>('GET', this.path);
    } catch (error) {
      if (error instanceof ProxyAdminError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * Keeps a proxy of this name that listens and forwards where asked (its toxics stay; slots
   * of an earlier run are taken back, at toxicity 0); otherwise creates it afresh, carrying
   * over other people's toxics.
   */
  private async takeOver(): Promise<void> {
    const existing = await this.current();
    const sameAddresses =
      existing !== undefined &&
      existing.upstream === this.options.upstream &&
      existing.listen === this.options.listen &&
      !/:0$/.test(this.options.listen);
    if (existing !== undefined && sameAddresses) {
      this.listenAddress = existing.listen;
      for (const toxic of existing.toxics ?? []) {
        if (!isSlotName(toxic.name)) continue;
        const slot = this.slots.adopt(toxic.name, toxic.type, toxic.stream, toxic.attributes);
        if (toxic.toxicity !== 0) await this.send({ kind: 'set', slot });
      }
      if (!existing.enabled) await this.setEnabled(true);
      return;
    }
    const foreign = (existing?.toxics ?? []).filter((toxic) => !isSlotName(toxic.name));
    if (existing !== undefined) await this.admin.request('DELETE', this.path);
    await this.create();
    for (const toxic of foreign) await this.admin.request('POST', `${this.path}/toxics`, toxicBody(toxic));
  }

  private async create(): Promise<void> {
    const { name, listen, upstream } = this.options;
    try {
      const created = await this.admin.request<ProxyState>('POST', 'proxies', {
        name,
        listen,
        upstream,
        enabled: true,
      });
      if (created !== undefined) this.listenAddress = created.listen;
    } catch (error) {
      throw new UsageError(
        `The proxy at ${this.options.adminUrl} refused to create '${name}' listening on ${listen} (upstream ${upstream}): ${describe(error)}. Check --proxy-listen (a free port; beyond loopback the embedded proxy needs --allow-remote).`,
      );
    }
  }

  private async send(call: SlotCall): Promise<void> {
    const body = toxicBody(call.slot);
    if (call.kind === 'add') await this.admin.request('POST', `${this.path}/toxics`, body);
    else
      await this.admin.request('POST', `${this.path}/toxics/${encodeURIComponent(call.slot.name)}`, {
        toxicity: body.toxicity,
        attributes: body.attributes,
      });
  }

  async apply(action: ScheduleAction): Promise<void> {
    if (this.sealed) throw new UsageError('schedule: the proxy was healed for good; no further toxic changes');
    switch (action.do) {
      case 'add':
        return this.send(this.slots.add(action.toxic));
      case 'update':
        return this.send(this.slots.update(action.toxic));
      case 'remove': {
        const { slot } = this.slots.remove(action.name);
        if ((await this.trim(slot.stream)).includes(slot.name)) return;
        return this.send({ kind: 'set', slot });
      }
      case 'down':
      case 'up':
        return this.setEnabled(action.do === 'up');
    }
  }

  private async setEnabled(enabled: boolean): Promise<void> {
    this.enabled = enabled;
    await this.admin.request('POST', this.path, { enabled });
  }

  /** Every slot at toxicity 0, the proxy enabled: the network as it is. Others' toxics stay. */
  async heal(): Promise<void> {
    const calls = this.slots.healAll();
    const deleted = [...(await this.trim('upstream')), ...(await this.trim('downstream'))];
    for (const call of calls) if (!deleted.includes(call.slot.name)) await this.send(call);
    await this.setEnabled(true);
  }

  /**
   * Deletes free slots from the end of `stream`'s chain, down to the first `reset_peer` or
   * `timeout` among the free slots there: those two must go when off (a reset_peer in the
   * chain gives every new connection linger 0; deleting a timeout closes what it swallowed),
   * the others are cheaper kept at toxicity 0 for the next spell. Deleting the last toxic of
   * a stream never leaves Toxiproxy 2.12 a connection whose stages outnumber the chain with
   * a live last stage, the state in which its next add panics. Returns the names deleted.
   */
  private async trim(stream: 'upstream' | 'downstream'): Promise<string[]> {
    const toxics = (await this.admin.request<ToxicState[]>('GET', `${this.path}/toxics`)) ?? [];
    const chain = toxics.filter((toxic) => toxic.stream === stream);
    let free = chain.length;
    while (free > 0 && this.slots.isFree((chain[free - 1] as ToxicState).name)) free--;
    const trailing = chain.slice(free);
    const mustGo = trailing.findIndex((toxic) => toxic.type === 'reset_peer' || toxic.type === 'timeout');
    if (mustGo < 0) return [];
    const doomed = trailing.slice(mustGo).reverse();
    for (const toxic of doomed) {
      await this.admin.request('DELETE', `${this.path}/toxics/${encodeURIComponent(toxic.name)}`);
      this.slots.drop(toxic.name);
    }
    return doomed.map((toxic) => toxic.name);
  }

  /**
   * The last heal of a proxy that gets no toxic afterwards (the end of a `chaos` run):
   * syncstorm's toxics are deleted, which also closes the connections a timeout toxic was
   * swallowing (Toxiproxy's cleanup), so the clients notice at once. Deleting is safe here
   * only because nothing is added after it; the link refuses further actions.
   */
  async healForGood(): Promise<void> {
    this.sealed = true;
    for (const slot of this.slots.clear())
      await this.admin.request('DELETE', `${this.path}/toxics/${encodeURIComponent(slot.name)}`);
    await this.setEnabled(true);
  }

  /**
   * Puts back what a restarted Toxiproxy (or a hand) took away: the proxy, then any slot
   * missing from it, each as the schedule last set it. Throws ProxyAdminError when the
   * admin API does not answer.
   */
  async ensure(): Promise<EnsureOutcome> {
    if (this.sealed) return 'in-place';
    const existing = await this.current();
    if (existing === undefined) {
      await this.create();
      for (const slot of this.slots.all()) await this.send({ kind: 'add', slot });
      if (!this.enabled) await this.setEnabled(false);
      return 'proxy-recreated';
    }
    const present = new Set((existing.toxics ?? []).map((toxic) => toxic.name));
    const missing = this.slots.all().filter((slot) => !present.has(slot.name));
    for (const slot of missing) await this.send({ kind: 'add', slot });
    return missing.length > 0 ? 'toxics-restored' : 'in-place';
  }

  /** Deletes the proxy (the end of a run that created it). */
  async remove(): Promise<void> {
    await this.admin.request('DELETE', this.path);
  }
}
