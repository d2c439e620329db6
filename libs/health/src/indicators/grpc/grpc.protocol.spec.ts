import fc from 'fast-check';
import { decodeHealthCheckResponse, encodeHealthCheckRequest } from './grpc.protocol';

/** A protobuf varint, written the textbook way (for the tests only). */
function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    out.push((rest % 128) + (rest > 0x7f ? 0x80 : 0));
    rest = Math.floor(rest / 128);
  } while (rest > 0);
  return out;
}

describe('grpc.health.v1 messages, by hand', () => {
  it('encodes HealthCheckRequest: field 1, length, UTF-8', () => {
    expect(encodeHealthCheckRequest('')).toEqual(Buffer.alloc(0));
    expect([...encodeHealthCheckRequest('a.B')]).toEqual([0x0a, 3, 0x61, 0x2e, 0x42]);
    const long = 'x'.repeat(200);
    expect([...encodeHealthCheckRequest(long).subarray(0, 3)]).toEqual([0x0a, 0xc8, 0x01]);
  });

  it('decodes HealthCheckResponse: absent is UNKNOWN, the last field 1 wins, others skipped', () => {
    expect(decodeHealthCheckResponse(Buffer.alloc(0))).toBe(0);
    expect(decodeHealthCheckResponse(Buffer.from([0x08, 1]))).toBe(1);
    expect(decodeHealthCheckResponse(Buffer.from([0x08, 1, 0x08, 2]))).toBe(2);
    // field 2 as a string, field 3 fixed64, field 4 fixed32, then the status
    const bytes = [0x12, 2, 0x41, 0x42, 0x19, ...Array(8).fill(0), 0x25, 0, 0, 0, 0, 0x08, 2];
    expect(decodeHealthCheckResponse(Buffer.from(bytes))).toBe(2);
  });

  it.each([
    ['a truncated varint', [0x08, 0x80]],
    ['a length past the end', [0x12, 5, 0x41]],
    ['a fixed64 past the end', [0x09, 1, 2]],
    ['a group (wire type 3)', [0x0b]],
    ['field 0', [0x00, 1]],
    ['a varint over 7 bytes', [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
  ])('refuses %s', (_case, bytes) => {
    expect(() => decodeHealthCheckResponse(Buffer.from(bytes))).toThrow(
      /^malformed HealthCheckResponse/,
    );
  });

  it('finds the status among any other well-formed fields', () => {
    const otherField = fc.oneof(
      fc
        .tuple(fc.integer({ min: 2, max: 1000 }), fc.nat({ max: 2 ** 40 }))
        .map(([field, value]) => [...varint(field * 8), ...varint(value)]),
      fc
        .tuple(fc.integer({ min: 2, max: 1000 }), fc.uint8Array({ maxLength: 300 }))
        .map(([field, data]) => [...varint(field * 8 + 2), ...varint(data.length), ...data]),
    );
    fc.assert(
      fc.property(
        fc.array(otherField, { maxLength: 5 }),
        fc.array(otherField, { maxLength: 5 }),
        fc.nat({ max: 3 }),
        (before, after, status) => {
          const bytes = Buffer.from([...before.flat(), 0x08, status, ...after.flat()]);
          expect(decodeHealthCheckResponse(bytes)).toBe(status);
        },
      ),
    );
  });

  it('either decodes any bytes to a number or refuses them with its own error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        try {
          expect(Number.isSafeInteger(decodeHealthCheckResponse(Buffer.from(data)))).toBe(true);
        } catch (error) {
          expect((error as Error).message).toMatch(/^malformed HealthCheckResponse/);
        }
      }),
    );
  });
});
