/**
 * @module server/http-host
 * Serves a ReferenceServer over real HTTP (node:http), on 127.0.0.1 by default, for the
 * real-network mode: IncomingMessage → Request → `server.handle` → status, headers, body.
 * The body is read up to the size limit (a larger body is a 400 `body-too-large` and the
 * connection is closed); bytes that are not HTTP get a bare 400 from the parser hook. The
 * device comes from the `X-Syncstorm-Device` header ('http' when absent).
 *
 * The server's time is virtual: a long-poll or a `slow` fault only ends when someone runs
 * the scheduler (the real-network layer does).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEVICE_HEADER, type ErrorBody } from './protocol.ts';
import type { ReferenceServer } from './reference-server.ts';

export interface HttpHostOptions {
  /** Interface to listen on; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
  /** Largest body read; default the server's `bodyLimitBytes`. */
  bodyLimitBytes?: number;
  /** Bound on receiving a whole request (a slow client gets 408); default Node's (300 s). */
  requestTimeoutMs?: number;
  /** Bound on receiving the headers; default Node's (60 s, at most requestTimeoutMs). */
  headersTimeoutMs?: number;
}

/** What the host serves: a ReferenceServer, or anything with its `handle` and `config` (a wrapper). */
export type HttpServed = Pick<ReferenceServer, 'handle' | 'config'>;

export interface HttpHost {
  /** `http://<host>:<port>` */
  url: string;
  close(): Promise<void>;
}

const DEVICE_ID = /^[\x21-\x7e]{1,128}$/;

function sendError(res: ServerResponse, status: number, reason: string): void {
  const body: ErrorBody = { error: status === 500 ? 'server-error' : 'bad-request', reason };
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify(body));
}

/** The body, or undefined once it exceeded `limitBytes` (reading stops there). */
function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toRequest(req: IncomingMessage, origin: string, body: Buffer): Request {
  const headers = new Headers();
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
    headers.append(req.rawHeaders[index] as string, req.rawHeaders[index + 1] as string);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    body: hasBody ? new Uint8Array(body) : undefined,
  });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  if (response.type === 'error') {
    res.destroy();
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(body);
}

async function serve(
  server: HttpServed,
  limitBytes: number,
  origin: string,
  req: IncomingMessage,
  res: ServerResponse,
) {
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) return sendError(res, 400, 'body-too-large');
  const body = await readBody(req, limitBytes).catch(() => undefined);
  if (body === undefined) return sendError(res, 400, 'body-too-large');
  let request: Request;
  try {
    request = toRequest(req, origin, body);
  } catch {
    return sendError(res, 400, 'bad-request-line');
  }
  const device = req.headers[DEVICE_HEADER.toLowerCase()];
  const deviceId = typeof device === 'string' && DEVICE_ID.test(device) ? device : 'http';
  try {
    await writeResponse(res, await server.handle(request, { deviceId }));
  } catch {
    if (!res.headersSent) sendError(res, 500, 'internal');
    else res.destroy();
  }
}

/** Node's request/headers timeouts when asked for, checked often enough to matter. */
function timeoutOptions(options: HttpHostOptions): {
  requestTimeout?: number;
  headersTimeout?: number;
  connectionsCheckingInterval?: number;
} {
  const request = options.requestTimeoutMs;
  const headers = options.headersTimeoutMs ?? (request === undefined ? undefined : Math.min(request, 60_000));
  if (request === undefined && headers === undefined) return {};
  const shortest = Math.min(request ?? Number.POSITIVE_INFINITY, headers ?? Number.POSITIVE_INFINITY);
  return {
    ...(request === undefined ? {} : { requestTimeout: request }),
    ...(headers === undefined ? {} : { headersTimeout: headers }),
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(shortest / 4))),
  };
}

export function createHttpHost(server: HttpServed, options: HttpHostOptions = {}): Promise<HttpHost> {
  const host = options.host ?? '127.0.0.1';
  const limitBytes = options.bodyLimitBytes ?? server.config.bodyLimitBytes;
  let origin = `http://${host}`;
  const timeouts = timeoutOptions(options);
  const http = createServer(timeouts, (req, res) => void serve(server, limitBytes, origin, req, res));
  http.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const reason = timedOut ? 'request-timeout' : 'malformed-http';
    const body = JSON.stringify({ error: 'bad-request', reason } satisfies ErrorBody);
    const status = timedOut ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) {
      socket.end(
        `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      const { port } = http.address() as AddressInfo;
      origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      resolve({
        url: origin,
        close: () =>
          new Promise<void>((done, fail) => {
            http.close((error) => (error ? fail(error) : done()));
            http.closeAllConnections();
          }),
      });
    });
  });
}
