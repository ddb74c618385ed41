/**
 * @module realnet/chaos/toxiproxy-link
 * One proxy in front of the server, driven through toxiproxy-node-client, so the same code
 * works against Toxiproxy (Docker) and the embedded proxy: create it (replacing a stale one
 * of the same name), apply schedule actions, and heal (remove every toxic, enable it).
 */
import { type ICreateToxicBody, Toxiproxy, type Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import { assert } from '../../kernel/assert.ts';
import { UsageError } from '../../kernel/errors.ts';
import type { ScheduleAction, ToxicSpec } from './schedules.ts';

type Body = ICreateToxicBody<Record<string, number>>;

/** Our spec as the client types it ('noop' aside, the toxic types are the same). */
function body(spec: ToxicSpec): Body {
  return spec as Body;
}

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
}

type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

/** toxiproxy-node-client sets no headers of the caller's: the token goes in through its one fetch call. */
function sendToken(toxiproxy: Toxiproxy, token: string): void {
  const api = toxiproxy.getApi() as unknown as { doFetch?: Fetcher };
  const doFetch = api.doFetch?.bind(api);
  assert(doFetch !== undefined, 'toxiproxy-node-client: HttpClient.doFetch is gone; the token cannot be sent');
  api.doFetch = (url, init) =>
    doFetch(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ProxyLink {
  private proxy: ToxiproxyProxy;

  private constructor(
    private readonly toxiproxy: Toxiproxy,
    proxy: ToxiproxyProxy,
  ) {
    this.proxy = proxy;
  }

  /** Connects to the admin API and creates the proxy. Bad input (exit 2) when the API is unreachable. */
  static async open(options: ProxyLinkOptions): Promise<ProxyLink> {
    const toxiproxy = new Toxiproxy(options.adminUrl.replace(/\/$/, ''));
    if (options.token !== undefined) sendToken(toxiproxy, options.token);
    try {
      await toxiproxy.getVersion();
    } catch (error) {
      throw new UsageError(
        `Cannot reach the proxy admin API at ${options.adminUrl}: ${describe(error)}. Start Toxiproxy (docker compose up) or 'syncstorm proxy', or leave --proxy-url out to use the embedded proxy.`,
      );
    }
    const existing = await toxiproxy.getAll();
    await existing[options.name]?.remove();
    const proxy = await toxiproxy
      .createProxy({ name: options.name, listen: options.listen, upstream: options.upstream })
      .catch((error: unknown) => {
        throw new UsageError(
          `The proxy at ${options.adminUrl} refused to create '${options.name}' listening on ${options.listen} (upstream ${options.upstream}): ${describe(error)}. Check --proxy-listen (a free port; beyond loopback the embedded proxy needs --allow-remote).`,
        );
      });
    return new ProxyLink(toxiproxy, proxy);
  }

  /** `host:port` the proxy listens on (a port of 0 resolved). */
  get listen(): string {
    return this.proxy.listen;
  }

  async apply(action: ScheduleAction): Promise<void> {
    switch (action.do) {
      case 'add':
        await this.proxy.addToxic(body(action.toxic));
        return;
      case 'update': {
        const current = await this.proxy.getToxic<Record<string, number>>(action.toxic.name);
        await current.update(body(action.toxic));
        return;
      }
      case 'remove': {
        const current = await this.proxy.getToxic(action.name);
        await current.remove();
        return;
      }
      case 'down':
      case 'up':
        await this.setEnabled(action.do === 'up');
        return;
    }
  }

  private async setEnabled(enabled: boolean): Promise<void> {
    const { listen, upstream } = this.proxy;
    this.proxy = await this.proxy.update({ enabled, listen, upstream });
  }

  /** Every toxic removed, the proxy enabled: the network as it is. */
  async heal(): Promise<void> {
    const toxics = await this.toxiproxy
      .getApi()
      .get<{ name: string }[]>(`${this.proxy.getPath()}/toxics`)
      .then((response) => response.data);
    for (const toxic of toxics) await (await this.proxy.getToxic(toxic.name)).remove();
    await this.setEnabled(true);
  }

  async remove(): Promise<void> {
    await this.proxy.remove();
  }
}
