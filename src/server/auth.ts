/**
 * @module server/auth
 * Bearer tokens: `POST /auth/refresh` issues one per call, valid for `tokenTtlMs` of virtual
 * time. Tokens are deterministic (a counter and bytes from the server's forked rng), so the
 * same seed hands out the same tokens. Every token stays valid until its own expiry (a refresh
 * does not revoke older ones); the `token-expired` fault expires one early.
 */
import { assert } from '../kernel/assert.ts';
import type { Rng } from '../kernel/rng.ts';
import type { TokenResponse } from './protocol.ts';

export type TokenVerdict =
  | { ok: true; token: string }
  | { ok: false; reason: 'missing-token' | 'invalid-token' | 'token-expired' };

interface IssuedToken {
  deviceId: string;
  expiresAt: number;
}

/** Bound on tokens ever issued by one server; a client refreshing in a loop hits it. */
export const TOKENS_MAX = 1_000_000;

const BEARER = /^Bearer +([\x21-\x7e]{1,256})$/i;

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();
  private issuedCount = 0;

  constructor(
    private readonly rng: Rng,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  issue(deviceId: string): TokenResponse {
    assert(this.issuedCount < TOKENS_MAX, `TokenIssuer: more than ${TOKENS_MAX} tokens issued`);
    this.issuedCount++;
    const token = `t${this.issuedCount}.${hex(this.rng.bytes(12))}`;
    const expiresAt = this.now() + this.ttlMs;
    this.tokens.set(token, { deviceId, expiresAt });
    return { token, expiresAt };
  }

  /** Checks an `Authorization` header value. */
  verify(header: string | null): TokenVerdict {
    if (header === null || header === '') return { ok: false, reason: 'missing-token' };
    const match = BEARER.exec(header);
    const token = match?.[1];
    const issued = token === undefined ? undefined : this.tokens.get(token);
    if (token === undefined || issued === undefined) return { ok: false, reason: 'invalid-token' };
    if (this.now() >= issued.expiresAt) return { ok: false, reason: 'token-expired' };
    return { ok: true, token };
  }

  /** Makes `token` expired from now on (the `token-expired` fault). */
  expire(token: string): void {
    const issued = this.tokens.get(token);
    assert(issued !== undefined, 'TokenIssuer.expire: unknown token');
    issued.expiresAt = Math.min(issued.expiresAt, this.now());
  }
}
