/**
 * Whether an IP address belongs to the public internet. Media URLs are
 * fetched only from such addresses unless the config allows private networks
 * (SSRF protection: no loopback, no cloud metadata at 169.254.169.254, no
 * office LAN).
 *
 * IPv6 is judged by an allow-list: only global unicast (2000::/3) minus its
 * reserved blocks counts as public, and the forms that embed an IPv4 address
 * (IPv4-mapped, NAT64, 6to4) are judged by that IPv4 address. Anything that
 * is not a well-formed address (a hostname, an IPv4 address with leading
 * zeros, an address with a zone such as `fe80::1%eth0`) is not public.
 */
export function isPublicAddress(ip: string): boolean {
  const text = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  if (!text.includes(":")) {
    const ipv4 = parseIpv4(text);
    return ipv4 !== undefined && isPublicIpv4(ipv4);
  }
  const groups = parseIpv6(text);
  return groups !== undefined && isPublicIpv6(groups);
}

/** IPv4 blocks that are not publicly routable, from the IANA special-purpose registry. */
const nonPublicIpv4Blocks: ReadonlyArray<readonly [network: string, prefixLength: number]> = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, where cloud metadata services live
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation (TEST-NET-1)
  ["192.88.99.0", 24], // deprecated 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation (TEST-NET-2)
  ["203.0.113.0", 24], // documentation (TEST-NET-3)
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, including the broadcast address 255.255.255.255
];

const nonPublicIpv4Ranges = nonPublicIpv4Blocks.map(([network, prefixLength]) => {
  const shift = 32 - prefixLength;
  return { prefix: Math.floor(parseIpv4(network)! / 2 ** shift), shift };
});

function isPublicIpv4(value: number): boolean {
  for (const range of nonPublicIpv4Ranges) {
    if (Math.floor(value / 2 ** range.shift) === range.prefix) return false;
  }
  return true;
}

/** `groups` are the eight 16-bit groups of the address. */
function isPublicIpv6(groups: number[]): boolean {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const embeddedTail = g6 * 0x10000 + g7;
  // ::ffff:a.b.c.d, IPv4-mapped: the socket talks IPv4 to a.b.c.d.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return isPublicIpv4(embeddedTail);
  // 64:ff9b::a.b.c.d, the well-known NAT64 prefix: the translator talks to a.b.c.d.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPublicIpv4(embeddedTail);
  // 2002:aabb:ccdd::/48, 6to4: tunnelled to a.b.c.d.
  if (g0 === 0x2002) return isPublicIpv4(g1 * 0x10000 + g2);
  // Outside global unicast: ::, ::1, IPv4-compatible ::a.b.c.d, fc00::/7,
  // fe80::/10, fec0::/10, ff00::/8, 100::/64, local-use NAT64 64:ff9b:1::/48…
  if ((g0 & 0xe000) !== 0x2000) return false;
  // 2001::/23, IETF protocol assignments, including Teredo 2001::/32.
  if (g0 === 0x2001 && g1 < 0x200) return false;
  // 2001:db8::/32 and 3fff::/20, documentation.
  if (g0 === 0x2001 && g1 === 0xdb8) return false;
  if (g0 === 0x3fff && g1 < 0x1000) return false;
  return true;
}

/** Strict dotted-quad IPv4 as an unsigned 32-bit number; no leading zeros (which some parsers read as octal). */
function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** IPv6 text (with `::` and an optional dotted IPv4 tail) as eight 16-bit groups. */
function parseIpv6(text: string): number[] | undefined {
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    const ipv4 = parseIpv4(text.slice(lastColon + 1));
    if (ipv4 === undefined) return undefined;
    tail.push(Math.floor(ipv4 / 0x10000), ipv4 % 0x10000);
    head = text.slice(0, lastColon);
    // "::1.2.3.4" and "1::1.2.3.4": the colon before the IPv4 part was half of a "::".
    if (head.endsWith(":")) head += ":";
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const left = parseGroups(halves[0]!);
  const right = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (left === undefined || right === undefined) return undefined;
  const given = left.length + right.length + tail.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  const zeros: number[] = new Array(8 - given).fill(0);
  return [...left, ...zeros, ...right, ...tail];
}

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const groups: number[] = [];
  for (const group of text.split(":")) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    groups.push(parseInt(group, 16));
  }
  return groups;
}
