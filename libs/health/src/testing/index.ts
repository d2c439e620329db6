export { dateClock, ManualClock } from './clocks';
export { parseMetrics, select, stateSets, valueOf } from './prometheus-text';
export type { Sample } from './prometheus-text';
