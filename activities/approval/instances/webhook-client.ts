/**
 * The HTTP call of an approval webhook, through request-filtering-agent: an http(s).Agent that
 * checks the address each connection resolves to, in the connection's own DNS lookup, and
 * refuses internal ones (webhook-target.ts says which). The socket then connects to exactly
 * that checked address: no second resolution, so DNS rebinding cannot swap it.
 *
 * Redirects are not followed (a redirect to an internal address would bypass nothing, since
 * every connection is filtered, but the receiver should give its final URL in the template).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { hostExplicitlyAllowed } from './webhook-target';
import { inSpan } from '../../../common/tracing';

export type WebhookOutcome =
  | { kind: 'answered'; status: number }
  /** The address was refused by the filter: final, the template must change. */
  | { kind: 'blocked'; reason: string }
  /** DNS, connection, TLS or timeout trouble: worth retrying. */
  | { kind: 'unreachable'; reason: string };

export interface WebhookRequest {
  url: string;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** WEBHOOK_ALLOWED_HOSTS. */
  allowedHosts: string | undefined;
}

const BLOCKED = /is not allowed\. Because/;

export function sendWebhook(req: WebhookRequest): Promise<WebhookOutcome> {
  // Host only: paths and query strings may carry tokens.
  return inSpan(`webhook ${req.method}`, { 'http.request.method': req.method, 'server.address': new URL(req.url).hostname }, () => call(req));
}

function call(req: WebhookRequest): Promise<WebhookOutcome> {
  const url = new URL(req.url);
  const filter = { allowPrivateIPAddress: hostExplicitlyAllowed(req.allowedHosts, req.url), keepAlive: false };
  const https = url.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  const agent = https ? new RequestFilteringHttpsAgent(filter) : new RequestFilteringHttpAgent(filter);
  return new Promise<WebhookOutcome>((resolve) => {
    const call = send(
      url,
      { method: req.method, agent, headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) }, timeout: req.timeoutMs },
      (res) => {
        res.resume(); // the answer's body is not needed; drain it so the socket closes
        res.on('end', () => resolve({ kind: 'answered', status: res.statusCode ?? 0 }));
        res.on('error', () => resolve({ kind: 'answered', status: res.statusCode ?? 0 }));
      },
    );
    call.on('timeout', () => call.destroy(new Error(`no answer within ${req.timeoutMs} ms`)));
    call.on('error', (err) => resolve(BLOCKED.test(err.message) ? { kind: 'blocked', reason: err.message } : { kind: 'unreachable', reason: err.message }));
    call.end(req.body);
  }).finally(() => agent.destroy());
}
