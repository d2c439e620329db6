// The Prisma recipe of docs/indicators/recipes.md, run by test/indicator-docs.e2e-spec.ts.
import { DatabaseIndicator } from '@nest-health/core';

/**
 * What the recipe needs of a generated `PrismaClient`: its tagged-template `$queryRaw`. (Prisma
 * is not installed here: its client exists only after `prisma generate` against a schema.)
 */
export interface PrismaLike {
  $queryRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<unknown>;
}

/** `SELECT 1` through the client's own connection pool (Prisma takes no abort signal). */
export function prismaIndicator(prisma: PrismaLike, driver = 'postgres'): DatabaseIndicator {
  return new DatabaseIndicator({
    name: 'database',
    driver,
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
  });
}
