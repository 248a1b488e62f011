import { describe, expect, it } from 'vitest';
import { formatSubnet, freeSubnet, gatewayIp, hostIp, overlaps, parseSubnet, routedSubnets } from '../../../harness/middle/hosts/local/subnet.js';
import { splitRule } from '../../../harness/middle/hosts/local/cleanup.js';

const ROUTES = `default via 172.16.0.1 dev eth0
172.16.0.0/24 dev eth0 proto kernel scope link src 172.16.0.2
10.91.0.0/24 dev flb-abc123 proto kernel scope link src 10.91.0.1
local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1
broadcast 10.91.0.255 dev flb-abc123 table local proto kernel scope link src 10.91.0.1
local 10.91.0.1 dev flb-abc123 table local proto kernel scope host src 10.91.0.1`;

describe('subnets', () => {
  it('parses, normalises and formats', () => {
    expect(formatSubnet(parseSubnet('10.91.3.7/24'))).toBe('10.91.3.0/24');
    expect(gatewayIp(parseSubnet('10.91.3.0/24'))).toBe('10.91.3.1');
    expect(hostIp(parseSubnet('10.91.3.0/24'), 0)).toBe('10.91.3.11');
    for (const bad of ['10.91.0.0', '10.91.0.0/33', '300.1.1.1/24', 'x/24']) expect(() => parseSubnet(bad)).toThrow(/not an IPv4 subnet/);
    expect(() => hostIp(parseSubnet('10.0.0.0/29'), 0)).toThrow(/room for 0 hosts/);
  });

  it.each([
    ['10.91.0.0/24', '10.91.0.128/25', true],
    ['10.91.0.0/16', '10.91.200.0/24', true],
    ['10.91.0.0/24', '10.91.1.0/24', false],
    ['10.0.0.0/8', '11.0.0.0/8', false],
  ])('%s overlaps %s: %s', (a, b, want) => {
    expect(overlaps(parseSubnet(a), parseSubnet(b))).toBe(want);
    expect(overlaps(parseSubnet(b), parseSubnet(a))).toBe(want);
  });

  it('reads routed prefixes (not the default route, not loopback) and picks the first free /24', () => {
    const routed = routedSubnets(ROUTES).map(formatSubnet);
    expect(routed).toContain('172.16.0.0/24');
    expect(routed).toContain('10.91.0.0/24');
    expect(routed).not.toContain('0.0.0.0/0');
    expect(routed).not.toContain('127.0.0.1/32');
    expect(formatSubnet(freeSubnet(routedSubnets(ROUTES))!)).toBe('10.91.1.0/24');
    expect(freeSubnet([parseSubnet('10.91.0.0/16')])).toBeUndefined();
  });

  it('splits an iptables -S rule with a quoted comment', () => {
    expect(splitRule('-i flb-abc123 -o flb-abc123 -m comment --comment "faultline:abc123" -j ACCEPT'))
      .toEqual(['-i', 'flb-abc123', '-o', 'flb-abc123', '-m', 'comment', '--comment', 'faultline:abc123', '-j', 'ACCEPT']);
  });
});
