// @nest-health/core/nats: the NATS indicator. Needs the optional peer `nats`.
import './peer';

export { natsPing, createNatsIndicator } from '../indicators/brokers/nats.indicator';
export type { NatsIndicatorOptions } from '../indicators/brokers/nats.indicator';
