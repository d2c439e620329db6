// @nest-health/core/mqtt: the MQTT broker indicator. Needs the optional peer `mqtt`.
import './peer';

export { mqttPing, createMqttIndicator } from '../indicators/brokers/mqtt.indicator';
export type { MqttIndicatorOptions } from '../indicators/brokers/mqtt.indicator';
