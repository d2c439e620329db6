/**
 * The two messages of the standard gRPC health-checking protocol (grpc.health.v1), by hand:
 *
 *   message HealthCheckRequest { string service = 1; }
 *   message HealthCheckResponse { ServingStatus status = 1; }
 *   enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
 */
export const HEALTH_CHECK_METHOD = '/grpc.health.v1.Health/Check';

export const SERVING_STATUS: Readonly<Record<number, string>> = {
  0: 'UNKNOWN',
  1: 'SERVING',
  2: 'NOT_SERVING',
  3: 'SERVICE_UNKNOWN',
};

/** Longest service name sent: the request stays a few hundred bytes. */
export const MAX_SERVICE_LENGTH = 256;

/** A HealthCheckRequest: field 1, length-delimited, the service name in UTF-8 (none when empty). */
export function encodeHealthCheckRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  if (name.length === 0) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]);
}

/**
 * The status of a HealthCheckResponse: the last field 1 (proto3: absent is 0, UNKNOWN); other
 * fields are skipped. Throws on bytes that are not a well-formed message.
 */
export function decodeHealthCheckResponse(bytes: Buffer): number {
  let offset = 0;
  let status = 0;
  const read = (): number => {
    const [value, next] = readVarint(bytes, offset);
    offset = next;
    return value;
  };
  while (offset < bytes.length) {
    const key = read();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new Error('malformed HealthCheckResponse: field 0');
    if (wire === 0) {
      const value = read();
      if (field === 1) status = value;
    } else if (wire === 1 || wire === 5) {
      offset += wire === 1 ? 8 : 4;
    } else if (wire === 2) {
      // Read first: `offset += read()` would add to the offset as it was before the length.
      const length = read();
      offset += length;
    } else {
      throw new Error(`malformed HealthCheckResponse: wire type ${wire}`);
    }
    if (offset > bytes.length) throw new Error('malformed HealthCheckResponse: truncated');
  }
  return status;
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Buffer.from(out);
}

/** A varint of at most 7 bytes (49 bits: any safe integer a health message needs). */
function readVarint(bytes: Buffer, start: number): [number, number] {
  let value = 0;
  let factor = 1;
  for (let offset = start; offset < bytes.length && offset < start + 7; offset++) {
    const byte = bytes[offset];
    value += (byte & 0x7f) * factor;
    if (byte < 0x80) return [value, offset + 1];
    factor *= 0x80;
  }
  throw new Error('malformed HealthCheckResponse: bad varint');
}
