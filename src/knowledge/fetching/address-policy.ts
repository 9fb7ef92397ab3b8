/**
 * Which addresses a knowledge URL may reach: public unicast only. Loopback, private, link-local (with the
 * cloud metadata address 169.254.169.254), carrier-grade NAT, multicast, reserved and the IPv6 forms that
 * embed an IPv4 address (mapped, 6to4, Teredo, NAT64) are refused, since the server fetches from inside
 * its own network.
 */
import ipaddr from 'ipaddr.js';

export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

/** The policy of a server: public addresses only, or any address when private URLs are allowed. */
export function addressPolicy(allowPrivateAddresses: boolean): (address: string) => boolean {
  return allowPrivateAddresses ? () => true : isPublicAddress;
}
