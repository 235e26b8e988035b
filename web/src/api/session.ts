/**
 * The signed-in session: tokens in localStorage (so a reload or a second tab stays signed in)
 * and the transparent refresh with the server's rotating refresh token.
 *
 * The refresh token works once (a reused one revokes the whole session), so two refreshes must
 * never race: one refresh is in flight per tab (a shared promise), and tabs take turns through
 * the Web Locks API, re-reading storage inside the lock — when another tab has just rotated the
 * tokens, this tab adopts them instead of spending the old refresh token again.
 */
export interface Tokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

const KEY = 'signoff.session';
/** Refresh this long before the access token expires, so a request never leaves with a dying token. */
const EARLY_MS = 30_000;

type Listener = (tokens: Tokens | null) => void;
const listeners = new Set<Listener>();

function read(): Tokens | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

let current: Tokens | null = read();

export const getTokens = (): Tokens | null => current;

export function setTokens(tokens: Tokens | null): void {
  current = tokens;
  if (tokens) localStorage.setItem(KEY, JSON.stringify(tokens));
  else localStorage.removeItem(KEY);
  for (const l of listeners) l(tokens);
}

export function onTokens(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab signed in, refreshed or signed out: follow it.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== KEY) return;
    current = read();
    for (const l of listeners) l(current);
  });
}

export const accessTokenFresh = (t: Tokens | null, now = Date.now()) => !!t && Date.parse(t.accessTokenExpiresAt) - EARLY_MS > now;

let inFlight: Promise<Tokens | null> | null = null;

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  return locks ? (locks.request('signoff.refresh', fn) as Promise<T>) : fn();
}

/**
 * A fresh token pair, refreshing when needed; null when the session is over (the caller then
 * signs out). `failedToken` is the access token the server just refused: anything else in
 * storage is newer and is used as it is.
 */
export function refreshTokens(failedToken?: string): Promise<Tokens | null> {
  inFlight ??= withLock(async () => {
    const stored = read();
    if (stored && stored.accessToken !== failedToken && accessTokenFresh(stored)) {
      current = stored;
      return stored;
    }
    if (!stored?.refreshToken) return null;
    const res = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ refreshToken: stored.refreshToken }),
    });
    if (!res.ok) {
      // 401: the refresh token is spent, expired or revoked. Anything else: try again later.
      if (res.status === 401) setTokens(null);
      return res.status === 401 ? null : stored;
    }
    const body = (await res.json()) as Tokens;
    const next: Tokens = {
      accessToken: body.accessToken,
      accessTokenExpiresAt: body.accessTokenExpiresAt,
      refreshToken: body.refreshToken,
      refreshTokenExpiresAt: body.refreshTokenExpiresAt,
    };
    setTokens(next);
    return next;
  }).finally(() => {
    inFlight = null;
  });
  return inFlight;
}
