/** Minimal IPv4 CIDR arithmetic for validating VPC ranges (no dependency needed for this). */
export interface Ipv4Cidr {
  readonly text: string;
  /** First address as an unsigned 32-bit integer. */
  readonly start: number;
  /** Last address as an unsigned 32-bit integer. */
  readonly end: number;
  readonly prefix: number;
  /** True when the address has bits set beyond the prefix (e.g. 10.0.0.1/16). */
  readonly hostBitsSet: boolean;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
/** A number written with a leading zero, e.g. `020` or `/08`. */
const LEADING_ZERO = /(^|[./])0\d/;

/** IPv4 addresses: every CIDR covers a share of these. */
export const IPV4_ADDRESSES = 2 ** 32;

/**
 * Parses `a.b.c.d/n`; returns undefined when the text is not an IPv4 CIDR.
 * Numbers with a leading zero are refused: `10.020.0.0/16` is 10.20.0.0/16 to
 * one tool and 10.16.0.0/16 (octal) to another.
 */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match || LEADING_ZERO.test(text)) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const start = address - (address % size);
  return { text, start, end: start + size - 1, prefix, hostBitsSet: start !== address };
}

/**
 * Why `text` is not an IPv4 CIDR, for an error line: a CIDR written with
 * leading zeros gets its plain spelling, anything else the field's `rule`.
 */
export function malformedCidrMessage(text: string, rule: string): string {
  const match = CIDR_PATTERN.exec(text);
  if (match && LEADING_ZERO.test(text)) {
    const plain = `${match.slice(1, 5).map(Number).join(".")}/${Number(match[5])}`;
    if (parseCidr(plain)) return `leading zeros: write ${plain} (some tools read a number with a leading zero as octal)`;
  }
  return rule;
}

/** The number of addresses the CIDRs cover together, each address counted once. */
export function coveredAddresses(cidrs: readonly Ipv4Cidr[]): number {
  const sorted = [...cidrs].sort((a, b) => a.start - b.start);
  let total = 0;
  let reach = -1; // the last address counted so far
  for (const cidr of sorted) {
    if (cidr.end <= reach) continue;
    total += cidr.end - Math.max(cidr.start, reach + 1) + 1;
    reach = cidr.end;
  }
  return total;
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

function mustParse(text: string): Ipv4Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`invalid built-in CIDR ${text}`);
  return cidr;
}

/** RFC 1918 private ranges: DigitalOcean VPCs must lie inside one of them. */
export const PRIVATE_RANGES: readonly Ipv4Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(mustParse);

/**
 * Ranges DigitalOcean keeps for itself: DOKS' default pod and service networks
 * and its internal services. A VPC overlapping them cannot host a cluster.
 */
export const RESERVED_RANGES: readonly Ipv4Cidr[] = ["10.244.0.0/16", "10.245.0.0/16", "10.246.0.0/24"].map(mustParse);
