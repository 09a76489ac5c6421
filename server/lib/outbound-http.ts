import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, fetch, type RequestInit, type Response } from 'undici';

/**
 * The one guard for every HTTP request the app makes to an address someone typed in (webhooks today,
 * chat destinations later). A destination must be a public unicast address: loopback, private,
 * link-local (cloud metadata at 169.254.169.254), unspecified, multicast, carrier-grade NAT, unique
 * local and every other special range are refused - when the URL is checked, and again for every
 * address DNS returns at connect time, so a name that rebinds to 127.0.0.1 after the check still
 * cannot connect. Redirects are never followed. `allowPrivate` (OUTBOUND_ALLOW_PRIVATE_HOSTS) lifts
 * the address rule for deployments that post to internal hosts on purpose; nothing else.
 */

export interface OutboundPolicy {
  /** Allow loopback and private destinations (a self-hosted receiver on the same network). */
  allowPrivate: boolean;
  /** Refuse plain http (production: only https to public hosts). Private hosts, where allowed, may use http. */
  httpsOnly?: boolean;
  timeoutMs?: number;
  /** How names are resolved (all addresses); the system resolver unless a test gives its own. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

const systemResolve = (hostname: string) =>
  new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (err, found) => (err ? reject(err) : resolve(found))),
  );

export class OutboundBlockedError extends Error {
  readonly code = 'OUTBOUND_BLOCKED';
}

/** Why an IP address may not be called ("loopback", "private", ...), or undefined for a public one. */
export function blockedRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return range === 'unicast' ? undefined : range;
}

const RANGE_WORDS: Record<string, string> = {
  loopback: 'this machine (loopback)',
  private: 'a private network',
  linkLocal: 'a link-local address (such as cloud metadata)',
  unspecified: 'an unspecified address',
  uniqueLocal: 'a private network',
  carrierGradeNat: 'a carrier-grade NAT network',
};

function refusal(host: string, range: string): OutboundBlockedError {
  return new OutboundBlockedError(
    `${host} is ${RANGE_WORDS[range] ?? `a reserved address (${range})`}; only public addresses can be called.`,
  );
}

/** The URL's host without IPv6 brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Parses and checks a destination URL without touching the network: http(s) only, no credentials
 * in it, and (unless private hosts are allowed) not an IP literal or `localhost` name outside public
 * unicast. The WHATWG parser has already turned decimal, octal, hex and short IPv4 forms into dotted
 * quads, so `http://2130706433/` is checked as 127.0.0.1. Throws OutboundBlockedError or TypeError.
 */
export function checkUrl(raw: string, policy: OutboundPolicy): URL {
  const url = new URL(raw);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('only http and https are supported');
  if (url.username || url.password)
    throw new OutboundBlockedError('the address contains a user name or password; put credentials elsewhere.');
  if (policy.allowPrivate) return url;
  const host = bareHost(url);
  if (host === 'localhost' || host.endsWith('.localhost')) throw refusal(host, 'loopback');
  if (ipaddr.isValid(host)) {
    const range = blockedRange(host);
    if (range) throw refusal(host, range);
  }
  if (policy.httpsOnly && url.protocol === 'http:')
    throw new OutboundBlockedError('plain http is not encrypted; only https:// addresses can be called.');
  return url;
}

/**
 * A destination someone typed in, checked before it is stored: `checkUrl`, then its name resolved once
 * (a name that does not resolve now is kept: DNS may be down, and every connection checks again).
 * Throws OutboundBlockedError (refused) or TypeError (not a usable address).
 */
export async function checkDestination(raw: string, policy: OutboundPolicy): Promise<URL> {
  const url = checkUrl(raw, policy);
  try {
    await checkResolved(url, policy);
  } catch (err) {
    if (err instanceof OutboundBlockedError) throw err;
  }
  return url;
}

/** Resolves the URL's host as a connection would and refuses it if any address is not public. */
export async function checkResolved(url: URL, policy: OutboundPolicy): Promise<void> {
  if (policy.allowPrivate || ipaddr.isValid(bareHost(url))) return;
  const addresses = await (policy.resolve ?? systemResolve)(bareHost(url));
  for (const { address } of addresses) {
    const range = blockedRange(address);
    if (range) throw refusal(`${url.hostname} (${address})`, range);
  }
}

/** A dns.lookup for sockets that fails the connection when the name resolves to a refused address. */
function guardedLookup(resolve: (hostname: string) => Promise<LookupAddress[]>): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (list) => {
        const bad = list.find((a) => blockedRange(a.address));
        if (bad) return callback(refusal(`${hostname} (${bad.address})`, blockedRange(bad.address)!), '', 0);
        if (list.length === 0) return callback(new Error(`${hostname} has no address`), '', 0);
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

export type OutboundFetch = (url: string, init: Omit<RequestInit, 'redirect' | 'dispatcher'>) => Promise<Response>;

/** A fetch that only reaches allowed destinations, never follows a redirect and times out. */
export function outboundFetch(policy: OutboundPolicy): OutboundFetch {
  const lookup = guardedLookup(policy.resolve ?? systemResolve);
  const dispatcher = new Agent({ connect: policy.allowPrivate ? {} : { lookup } });
  return async (raw, init) => {
    const url = checkUrl(raw, policy);
    return fetch(url, {
      ...init,
      redirect: 'manual',
      dispatcher,
      signal: init.signal ?? AbortSignal.timeout(policy.timeoutMs ?? 10_000),
    });
  };
}

/** The URL with any user name and password replaced by ****, for pages and logs. */
export function maskUrlCredentials(raw: string): string {
  try {
    const url = new URL(raw);
    if (!url.username && !url.password) return raw;
    url.username = '****';
    url.password = '';
    return url.toString();
  } catch {
    return raw.replace(/\/\/[^/@\s]*@/, '//****@');
  }
}
