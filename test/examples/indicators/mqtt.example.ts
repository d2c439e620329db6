// The examples of docs/indicators/mqtt.md, run by test/indicator-docs.e2e-spec.ts.
import { Injectable, Module } from '@nestjs/common';
import { DatabaseIndicator, HealthModule, RegisterHealthIndicator } from '@nest-health/core';
import { createMqttIndicator, mqttPing } from '@nest-health/core/mqtt';

const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

// In `checks`: the shortest way. Close it on shutdown (await mqtt.onModuleDestroy()).
export const mqtt = createMqttIndicator(MQTT_URL);

export const QuickHealthModule = HealthModule.forRoot({
  checks: [mqtt],
  components: { mqtt: { timeoutMs: 1000, tags: ['ready'] } },
});

// As a provider, with credentials in the client's options: Nest disconnects it on shutdown.
@RegisterHealthIndicator({ timeoutMs: 1000, tags: ['ready'] })
@Injectable()
export class TelemetryBrokerIndicator extends DatabaseIndicator {
  constructor() {
    const ping = mqttPing(MQTT_URL, {
      clientOptions: { username: process.env.MQTT_USER, password: process.env.MQTT_PASS },
    });
    super({ name: 'telemetry', driver: 'mqtt', ...ping });
  }
}

@Module({
  imports: [HealthModule.forRoot()],
  providers: [TelemetryBrokerIndicator],
})
export class AppModule {}
