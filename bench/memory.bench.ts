import { runBudget } from './scenarios/budget';
import { runStandalone } from './support/setup';

/**
 * `npm run bench:memory`: the whole health infrastructure's memory (bench/scenarios/budget.ts)
 * against its 10 MB budget. BENCH_BUDGET_ROUNDS (3) rounds; BENCH_SKIP_BUILD=1 reuses the last
 * snapshot of the build. Exits 1 when the budget is exceeded.
 */
void runStandalone('memory budget of the health infrastructure', (ctx) =>
  runBudget(ctx, Number(process.env.BENCH_BUDGET_ROUNDS ?? 3)),
).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
