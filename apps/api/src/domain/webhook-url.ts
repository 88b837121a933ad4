// Receiver URLs Assent calls (webhook endpoints, data providers) must not reach into Assent's
// own network (SSRF). In production: https only, to hosts whose every address is public,
// checked when the URL is registered and again, pinned, when each call connects, so a name
// that later resolves to a private address (DNS rebinding) is refused at delivery time.
// Development keeps plain http and localhost so a local receiver (the demo) works.
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ApiError } from '../errors.ts';

/** Resolves a host name to all its addresses: the shape of `dns/promises` `lookup(host, {all: true})`. */
export type Resolver = (
  host: string,
  options: { all: true; family?: number },
) => Promise<LookupAddress[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), as the connection itself would use. */
export const systemResolver: Resolver = (host, options) => dnsLookup(host, options);

/** How long registration waits for a name to resolve (ms). */
export const RESOLVE_TIMEOUT_MS = 5_000;

function blockList(ranges: [string, number][], type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of ranges) list.addSubnet(net, prefix, type);
  return list;
}

/** IPv4 ranges that are not public unicast (IANA special-purpose registry, RFC 6890). */
const V4_NOT_PUBLIC = blockList(
  [
    ['0.0.0.0', 8], // "this network" (RFC 791)
    ['10.0.0.0', 8], // private (RFC 1918)
    ['100.64.0.0', 10], // shared address space, carrier-grade NAT (RFC 6598)
    ['127.0.0.0', 8], // loopback
    ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254 (RFC 3927)
    ['172.16.0.0', 12], // private (RFC 1918)
    ['192.0.0.0', 24], // IETF protocol assignments (RFC 6890)
    ['192.0.2.0', 24], // documentation TEST-NET-1 (RFC 5737)
    ['192.88.99.0', 24], // 6to4 relay anycast, deprecated (RFC 7526)
    ['192.168.0.0', 16], // private (RFC 1918)
    ['198.18.0.0', 15], // benchmarking (RFC 2544)
    ['198.51.100.0', 24], // documentation TEST-NET-2
    ['203.0.113.0', 24], // documentation TEST-NET-3
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, incl. limited broadcast 255.255.255.255
  ],
  'ipv4',
);
/** Only global unicast 2000::/3 is public IPv6; this drops ::, ::1, ::/96, fc00::/7, fe80::/10, ff00::/8… */
const V6_GLOBAL = blockList([['2000::', 3]], 'ipv6');
/** Special-purpose blocks inside 2000::/3. */
const V6_NOT_PUBLIC = blockList(
  [
    ['2001::', 23], // IETF protocol assignments, incl. Teredo 2001::/32 (RFC 2928, 4380)
    ['2001:db8::', 32], // documentation (RFC 3849)
    ['2002::', 16], // 6to4, embeds an IPv4 address; deprecated (RFC 3056, 7526)
    ['3fff::', 20], // documentation (RFC 9637)
  ],
  'ipv6',
);
/** Prefixes whose low 32 bits are an IPv4 address that decides: IPv4-mapped and NAT64 (RFC 6052). */
const V6_EMBEDS_V4 = blockList(
  [
    ['::ffff:0:0', 96],
    ['64:ff9b::', 96],
  ],
  'ipv6',
);

/** The IPv4 address in the low 32 bits of an IPv6 address (any textual form). */
function embeddedV4(v6: string): string {
  // The WHATWG serialisation is canonical (RFC 5952 hex, longest zero run compressed), so the
  // last two groups are the low 32 bits; an empty group was compressed, i.e. zero.
  const groups = new URL(`http://[${v6}]/`).hostname.slice(1, -1).split(':');
  const [hi, lo] = groups.slice(-2).map((g) => Number.parseInt(g || '0', 16));
  return [(hi ?? 0) >> 8, (hi ?? 0) & 255, (lo ?? 0) >> 8, (lo ?? 0) & 255].join('.');
}

/**
 * Whether an IP address (v4 or v6, any textual form, brackets allowed) is public unicast.
 * Refused: loopback, private (RFC 1918), CGNAT 100.64/10, 0/8, link-local (169.254/16,
 * fe80::/10), unique-local fc00::/7, multicast, broadcast, documentation and other special
 * ranges; IPv4-mapped (`::ffff:a.b.c.d`, `::ffff:0102:0304`) and NAT64 (`64:ff9b::/96`)
 * addresses are judged by the IPv4 address they carry; IPv4-compatible `::/96` is refused.
 * @returns false for anything that is not an IP address
 */
export function isPublicAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(a);
  if (family === 4) return !V4_NOT_PUBLIC.check(a, 'ipv4');
  if (family !== 6) return false;
  if (V6_EMBEDS_V4.check(a, 'ipv6')) return isPublicAddress(embeddedV4(a));
  return V6_GLOBAL.check(a, 'ipv6') && !V6_NOT_PUBLIC.check(a, 'ipv6');
}

/** Names reserved for local use, refused without asking DNS (RFC 6761, 6762, 8375). */
function isLocalName(host: string): boolean {
  return ['localhost', 'internal', 'local', 'home.arpa'].some(
    (suffix) => host === suffix || host.endsWith(`.${suffix}`),
  );
}

/** `url.hostname` without IPv6 brackets or the root label's trailing dot, lower case. */
function bareHost(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** What is wrong with a URL without asking DNS (the person-facing detail), or null. */
function urlProblem(url: URL, production: boolean): string | null {
  if (url.username || url.password) return 'The URL must not carry credentials.';
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && !production)))
    return 'Use an https URL.';
  if (!production) return null;
  const host = bareHost(url);
  const literal = isIP(host) !== 0;
  if ((literal && !isPublicAddress(host)) || (!literal && isLocalName(host)))
    return 'The host is a local or private address.';
  return null;
}

/**
 * Resolves a host name and checks that every address is public (one private address is
 * enough to refuse: the connection may pick any of them).
 * @param family 0 (any), 4 or 6, as `net.connect` asks
 * @returns the addresses, in resolver order
 * @throws ApiError `webhook_url_not_allowed` when an address is not public or there is none;
 *   the resolver's own error (e.g. `ENOTFOUND`) when the name does not resolve
 */
export async function resolvePublic(
  host: string,
  resolve: Resolver = systemResolver,
  family = 0,
): Promise<LookupAddress[]> {
  const addresses = await resolve(host, { all: true, ...(family ? { family } : {}) });
  if (addresses.length === 0)
    throw new ApiError('webhook_url_not_allowed', 'The host name has no address.');
  if (addresses.some((a) => !isPublicAddress(a.address)))
    throw new ApiError(
      'webhook_url_not_allowed',
      'The host resolves to a local or private address.',
    );
  return addresses;
}

/**
 * Checks a receiver URL at registration. Production: https, no credentials, and the host a
 * public IP literal or a name whose every address (resolved now, with `resolve`) is public;
 * calls check again when they connect (`postToReceiver`). Development: http or https, any host.
 * @param resolve the name resolver (tests inject one; default the system resolver)
 * @throws ApiError `webhook_url_not_allowed` (422), also when the name does not resolve
 */
export async function checkWebhookUrl(
  raw: string,
  production: boolean,
  resolve: Resolver = systemResolver,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError('webhook_url_not_allowed', 'The URL is not valid.');
  }
  const problem = urlProblem(url, production);
  if (problem) throw new ApiError('webhook_url_not_allowed', problem);
  const host = bareHost(url);
  if (!production || isIP(host) !== 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), RESOLVE_TIMEOUT_MS);
  });
  try {
    await Promise.race([resolvePublic(host, resolve), timeout]);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('webhook_url_not_allowed', 'The host name could not be resolved.');
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A `lookup` for `net.connect` that resolves with `resolve` and fails the connection unless
 * every address is public; the socket then connects to exactly the addresses checked, so
 * the check cannot be raced by a second DNS answer (DNS rebinding).
 */
export function publicOnlyLookup(resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === 'number' ? options.family : 0;
    resolvePublic(hostname, resolve, family).then(
      (addresses) => {
        const [first] = addresses;
        if (options.all) callback(null, addresses);
        else callback(null, first?.address ?? '', first?.family ?? 4);
      },
      (err: Error) => callback(err, '', 0),
    );
  };
}

/** Why a call to a receiver failed: no answer in time, a connection error, a refused address. */
export type OutboundFailure = 'timeout' | 'network' | 'address_not_allowed';

/** A failed call to a receiver; `kind` is safe to log and show (no URL, no body). */
export class OutboundError extends Error {
  readonly kind: OutboundFailure;
  constructor(kind: OutboundFailure) {
    super(kind);
    this.name = 'OutboundError';
    this.kind = kind;
  }
}

/**
 * POSTs `body` to a receiver URL with node:http(s), never following redirects. In production
 * the URL is checked again (https, no local names or non-public literals) and names resolve
 * through `publicOnlyLookup`, so the connection goes only to addresses just checked.
 * @param options.timeoutMs for the whole exchange, DNS included
 * @param options.readBody false: resolve at the status line and discard the body
 * @returns the status code and the body as UTF-8 text ('' when not read)
 * @throws OutboundError `timeout` | `network` | `address_not_allowed`
 */
export function postToReceiver(
  raw: string,
  options: {
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
    production: boolean;
    resolve?: Resolver | undefined;
    readBody?: boolean;
  },
): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      reject(new OutboundError('address_not_allowed'));
      return;
    }
    if (urlProblem(url, options.production)) {
      reject(new OutboundError('address_not_allowed'));
      return;
    }
    let settled = false;
    let timedOut = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (timedOut) reject(new OutboundError('timeout'));
      else if (err instanceof OutboundError) reject(err);
      else if (err instanceof ApiError) reject(new OutboundError('address_not_allowed'));
      else reject(new OutboundError('network'));
    };
    const succeed = (status: number, text: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise({ status, text });
    };
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
        // a fresh connection each call: no pooled socket that another lookup opened
        agent: false,
        ...(options.production ? { lookup: publicOnlyLookup(options.resolve) } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (options.readBody === false) {
          succeed(status, '');
          res.resume();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => succeed(status, Buffer.concat(chunks).toString('utf8')));
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new OutboundError('network'));
        });
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new OutboundError('timeout'));
    }, options.timeoutMs);
    req.on('error', fail);
    req.end(options.body);
  });
}
