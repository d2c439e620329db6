import { aggregateStatus } from './aggregate';
import { HealthStatus } from './health-status';

const { HEALTHY: H, DEGRADED: D, UNHEALTHY: U } = HealthStatus;

describe('aggregateStatus', () => {
  it('is HEALTHY with no components at all', () => {
    expect(aggregateStatus([])).toBe(H);
  });

  it.each([
    [[H], H],
    [[H, H, H], H],
    [[H, D], D],
    [[D, D], D],
    [[H, U], U],
    [[D, U], U],
    [[U, H, D], U],
  ])('critical components %j aggregate to %s', (statuses, expected) => {
    expect(aggregateStatus(statuses.map((status) => ({ status, critical: true })))).toBe(expected);
  });

  it.each([
    [[{ status: U, critical: false }], D],
    [
      [
        { status: U, critical: false },
        { status: H, critical: true },
      ],
      D,
    ],
    [
      [
        { status: U, critical: false },
        { status: U, critical: true },
      ],
      U,
    ],
    [[{ status: D, critical: false }], D],
    [[{ status: H, critical: false }], H],
  ])('a non-critical component softens UNHEALTHY to DEGRADED: %j -> %s', (inputs, expected) => {
    expect(aggregateStatus(inputs)).toBe(expected);
  });
});
