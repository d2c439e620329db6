import type { Metric } from 'prom-client';
import type { MetricsRegistry } from './tokens';

/** Metrics by the name they are scraped under. */
export type NamedMetrics = readonly (readonly [string, Metric])[];

/**
 * Registers the metrics, taking over names another instance left in the registry (a previous
 * app in the same process): registering twice must not throw. Returns the names taken over.
 */
export function attachMetrics(registry: MetricsRegistry, metrics: NamedMetrics): string[] {
  const taken = metrics.filter(([name]) => registry.getSingleMetric(name));
  for (const [name] of taken) registry.removeSingleMetric(name);
  for (const [, metric] of metrics) registry.registerMetric(metric);
  return taken.map(([name]) => name);
}

/** Removes the metrics that are still these instances (not another app's that took over). */
export function detachMetrics(registry: MetricsRegistry, metrics: NamedMetrics): void {
  for (const [name, metric] of metrics) {
    if (registry.getSingleMetric(name) === metric) registry.removeSingleMetric(name);
  }
}
