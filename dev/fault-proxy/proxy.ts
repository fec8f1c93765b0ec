/**
 * A fault-injecting HTTP proxy for the robustness suite and the benchmarks (not shipped).
 *
 * It sits on 127.0.0.1 (a free port) in front of a real Alyx and forwards every request to it
 * unchanged; it is a fault injector, not a mock: every answer that is not a fault is the real
 * server's. Rules make chosen requests fail the way networks and gateways fail:
 *
 * ```ts
 * const proxy = await startFaultProxy({ target: alyx.baseUrl, latencyMs: 50 });
 * const client = await AlyxClient.login(proxy.baseUrl, { username, password });
 * proxy.inject({ match: { method: 'POST', pathPrefix: '/notes' }, fault: 'drop-after' });
 * // … run a workflow, then read proxy.log …
 * await proxy.stop();
 * ```
 *
 * Stable API (the benchmarks rely on it):
 * - `startFaultProxy({ target, latencyMs? })`: `latencyMs` is added before every request is
 *   forwarded (e.g. 50 for "50 ms per request"); default 0.
 * - `inject(rule)`: `rule.match` selects requests by `method`, by `pathPrefix` (compared with the
 *   path and query as sent, and with its percent-decoded form, so `/notes?django=object_id,` works),
 *   and by `nth` (the n-th request, 1-based, that matched method and prefix since the rule was
 *   injected; default: every match). `times` is how often the rule fires (default 1).
 * - faults:
 *   - `'drop-before'`: destroy the client's connection without forwarding: the server never acts;
 *   - `'drop-after'`: forward, let the server act and answer, then destroy the client's connection
 *     without answering: the write happened but its response is lost;
 *   - `'delay'`: forward at once (the server acts), hold the answer for `delayMs` (default 1500):
 *     with a shorter client timeout this is a timeout after the server acted;
 *   - `'stall'`: hold the request `delayMs` before forwarding it, even if the client has given up
 *     meanwhile (an overloaded server's queue): the server acts late, after the client's timeout;
 *   - `500`, `502`, `503`: answer that status without forwarding (the server never acts);
 *   - `429`: answer 429 with `Retry-After: 1` without forwarding;
 *   - `'html'`: answer 200 with an HTML page without forwarding (a login page or captive portal);
 *   - `'echo-headers'`: answer 500 in plain text quoting the request's headers, as a debugging
 *     gateway or a framework's debug page does (for the secrets tests: the token is in them).
 * - `log`: every request in arrival order, `{ method, path, status?, fault?, upstreamStart?,
 *   upstreamEnd? }`; `status` is what the server answered (when forwarded), `upstreamStart`/`End`
 *   are ticks of one counter shared by all requests, so the order in which the server saw them
 *   and finished them can be compared.
 * - `clear()` removes the rules and empties the log; `settled()` resolves once no request is
 *   inside the proxy any more (a stalled one included); `stop()` closes the proxy.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'drop-before' | 'drop-after' | 'delay' | 'stall' | 'html' | 'echo-headers' | 500 | 502 | 503 | 429;

export interface FaultRule {
  readonly match: { readonly method?: string; readonly pathPrefix?: string; readonly nth?: number };
  readonly fault: Fault;
  /** How many times the rule fires (default 1). */
  readonly times?: number;
  /** For `'delay'`: how long the answer is held (default 1500 ms). */
  readonly delayMs?: number;
}

export interface ProxyLogEntry {
  readonly method: string;
  /** Path and query as the client sent them. */
  readonly path: string;
  /** The server's status when the request was forwarded and answered. */
  status?: number;
  /** The fault injected into this request, if any. */
  fault?: Fault;
  /** Tick when the request was sent on to the server. */
  upstreamStart?: number;
  /** Tick when the server's answer was complete. */
  upstreamEnd?: number;
}

export interface FaultProxy {
  /**
   * `http://127.0.0.1:<port>`: use it as the Alyx base URL. The proxy adds the target's path (an
   * Alyx served under `/api`), so rules and the log see the API's paths (`/notes`) on any Alyx.
   */
  readonly baseUrl: string;
  inject(rule: FaultRule): void;
  clear(): void;
  /** Resolves once no request is in the proxy (held, stalled or forwarded): the server is done. */
  settled(): Promise<void>;
  readonly log: ProxyLogEntry[];
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The real server, e.g. `http://127.0.0.1:8123`. */
  readonly target: string;
  /** Added before every request is forwarded (default 0). */
  readonly latencyMs?: number;
}

interface ActiveRule {
  readonly rule: FaultRule;
  seen: number;
  remaining: number;
}

const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Please sign in</h1><form method="post"><input name="username"></form></body></html>\n';

function statusBody(status: number): string {
  const detail = status === 429 ? 'Request was throttled. Expected available in 1 second.' : `Injected fault: ${status}.`;
  return JSON.stringify({ detail, status_code: status });
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.match.method && rule.match.method.toUpperCase() !== method) return false;
  const prefix = rule.match.pathPrefix;
  if (prefix === undefined) return true;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape: compare the raw path only.
  }
  return path.startsWith(prefix) || decoded.startsWith(prefix);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the proxy; see the header comment for the rules and faults. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const targetPath = target.pathname.replace(/\/+$/, '');
  const latencyMs = options.latencyMs ?? 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let rules: ActiveRule[] = [];
  const log: ProxyLogEntry[] = [];
  let tick = 0;

  /** The first rule that selects this request and still has firings left, counted as seen. */
  function faultFor(method: string, path: string): FaultRule | undefined {
    let chosen: ActiveRule | undefined;
    for (const active of rules) {
      if (!matches(active.rule, method, path)) continue;
      active.seen++;
      const nth = active.rule.match.nth;
      if (!chosen && active.remaining > 0 && (nth === undefined || active.seen === nth)) chosen = active;
    }
    if (!chosen) return undefined;
    chosen.remaining--;
    return chosen.rule;
  }

  function forward(req: http.IncomingMessage, body: Buffer, path: string, entry: ProxyLogEntry): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      delete headers['connection'];
      entry.upstreamStart = ++tick;
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: `${targetPath}${path}`, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            entry.upstreamEnd = ++tick;
            entry.status = res.statusCode ?? 0;
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  function answer(res: http.ServerResponse, status: number, headers: Record<string, string | string[] | number | undefined>, body: Buffer | string): void {
    if (res.destroyed) return;
    const clean: Record<string, string | string[] | number> = {};
    for (const [key, value] of Object.entries(headers)) {
      if (value === undefined || key === 'connection' || key === 'keep-alive' || key === 'transfer-encoding') continue;
      clean[key] = value;
    }
    clean['content-length'] = Buffer.byteLength(body);
    res.writeHead(status, clean);
    res.end(body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const entry: ProxyLogEntry = { method, path };
    log.push(entry);
    const rule = faultFor(method, path);
    if (rule) entry.fault = rule.fault;
    if (latencyMs > 0) await sleep(latencyMs);
    switch (rule?.fault) {
      case 'drop-before':
        req.socket.destroy();
        return;
      case 500:
      case 502:
      case 503:
        answer(res, rule.fault, { 'content-type': 'application/json' }, statusBody(rule.fault));
        return;
      case 429:
        answer(res, 429, { 'content-type': 'application/json', 'retry-after': '1' }, statusBody(429));
        return;
      case 'html':
        answer(res, 200, { 'content-type': 'text/html; charset=utf-8' }, HTML_PAGE);
        return;
      case 'echo-headers': {
        // Sorted, so `authorization` comes second, right after `accept`: early in any excerpt.
        const quoted = Object.entries(req.headers).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => `${name}: ${String(value)}`).join('\n');
        answer(res, 500, { 'content-type': 'text/plain' }, `${quoted}\n${method} ${path}\n${body.toString('utf8')}`);
        return;
      }
      default:
        break;
    }
    if (rule?.fault === 'stall') await sleep(rule.delayMs ?? 1500);
    let upstream: Awaited<ReturnType<typeof forward>>;
    try {
      upstream = await forward(req, body, path, entry);
    } catch (error) {
      answer(res, 502, { 'content-type': 'application/json' }, JSON.stringify({ detail: `Fault proxy could not reach ${target.origin}: ${(error as Error).message}` }));
      return;
    }
    if (rule?.fault === 'drop-after') {
      req.socket.destroy();
      return;
    }
    if (rule?.fault === 'delay') await sleep(rule.delayMs ?? 1500);
    answer(res, upstream.status, upstream.headers, upstream.body);
  }

  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    inFlight++;
    handle(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) answer(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ detail: `Fault proxy error: ${String(error)}` }));
      })
      .finally(() => {
        if (--inFlight === 0) for (const wake of waiters.splice(0)) wake();
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    inject(rule: FaultRule): void {
      rules.push({ rule, seen: 0, remaining: rule.times ?? 1 });
    },
    clear(): void {
      rules = [];
      log.length = 0;
    },
    log,
    settled(): Promise<void> {
      return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    async stop(): Promise<void> {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}
