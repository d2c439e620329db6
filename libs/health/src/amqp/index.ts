// @nest-health/core/amqp: the RabbitMQ (AMQP 0-9-1) indicator. Needs the optional peer `amqplib`.
import './peer';

export { amqpPing, createAmqpIndicator } from '../indicators/brokers/amqp.indicator';
export type { AmqpIndicatorOptions } from '../indicators/brokers/amqp.indicator';
