import fc from 'fast-check';
import { clientAddressKey } from './client-address';

describe('clientAddressKey', () => {
  it('counts an IPv4-mapped address as its IPv4 address', () => {
    expect(clientAddressKey('127.0.0.1')).toBe('127.0.0.1');
    expect(clientAddressKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(clientAddressKey('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    // Not an address: kept as it is, never merged with a real one.
    expect(clientAddressKey('::ffff:999.0.0.1')).toBe('::ffff:999.0.0.1');
  });

  it('counts an IPv6 address by its /64 network, zone and letter case aside', () => {
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressKey('2001:DB8::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('2001:db8:0:0:1:2:3:4')).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientAddressKey('1::2:3:4:5:6:7')).toBe('1:0:2:3::/64');
    expect(clientAddressKey('2001:db8:1:2::')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(clientAddressKey('1:2:3:4:5:6:192.0.2.1')).toBe('1:2:3:4::/64');
  });

  it('keeps what is no address as one key of its own', () => {
    expect(clientAddressKey(undefined)).toBe('unknown');
    expect(clientAddressKey('/tmp/socket')).toBe('/tmp/socket');
  });

  it('gives an IPv4 address and its mapped form one key, the address itself', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(clientAddressKey(ip)).toBe(ip);
        expect(clientAddressKey(`::ffff:${ip}`)).toBe(ip);
      }),
    );
  });

  it('gives every IPv6 address the first four groups of its expanded form', () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        // Written as a host of a URL serializes it (compressed, lower case), as Node gives it.
        const full = groups.map((g) => g.toString(16)).join(':');
        const compressed = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        const network = groups.slice(0, 4).map((g) => g.toString(16));
        expect(clientAddressKey(compressed)).toBe(`${network.join(':')}::/64`);
        expect(clientAddressKey(full.toUpperCase())).toBe(`${network.join(':')}::/64`);
      }),
    );
  });

  it('never throws, and gives any IPv6 form a /64 or an IPv4 key', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV6(), fc.string(), fc.ipV4Extended()), (address) => {
        expect(typeof clientAddressKey(address)).toBe('string');
      }),
    );
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        expect(clientAddressKey(address)).toMatch(
          /^(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){3}::\/64|\d{1,3}(?:\.\d{1,3}){3})$/,
        );
      }),
    );
  });
});
