// The examples of docs/operator-endpoints.md, run: each ```ts block of the guide is an excerpt of
// this file (test/doc-examples.e2e-spec.ts checks it); and the probe bodies it states are the ones
// served.
import { HealthModule, HealthService, HealthStatus } from '@nest-health/core';
import { fullReportWriter, healthJsonWriter, prometheusWriter } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { SseClient } from '../support/sse-client';
import { eventually } from '../support/eventually';

const checks = [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }];
let app: INestApplication | undefined;
afterEach(() => app?.close());

describe('the event stream', () => {
  it('takes its limits from module options', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          checks,
          http: { endpoints: { events: true } },
          events: { maxClients: 200, heartbeatMs: 30_000, maxBufferedBytes: 256 * 1024 },
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const events = await SseClient.connect(`http://127.0.0.1:${port}/v1/health/events`);
    expect(events.status).toBe(200);
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    await eventually(() => events.events.length > 0, { message: 'a first event' });
    events.close();
  });
});

describe('programmatic export', () => {
  it('writes a report in each format', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ checks, version: '1.4.0' })],
    }).compile();
    app = await moduleRef.createNestApplication().init();
    const health = app.get(HealthService);

    const report = await health.check(); // or health.getLastReport()
    const context = { details: true, version: health.version }; // details: messages, metadata
    const json = fullReportWriter.write(report, context).body;
    const ietf = healthJsonWriter.write(report, { ...context, details: false }).body;
    const text = prometheusWriter.write(report, context).body; // StateSet gauges, for a Pushgateway

    expect(json).toMatchObject({ overall_status: 'healthy', components: [{ name: 'payments' }] });
    expect(ietf).toMatchObject({ status: 'pass', version: '1.4.0' });
    expect(text).toContain('health_component_status{component="payments",state="healthy"} 1');
  });
});

describe('the probes', () => {
  const guide = readFileSync(join(__dirname, '../../docs/operator-endpoints.md'), 'utf8');
  /** The body a bullet of the guide says a probe answers: `"..."`, a JSON string. */
  const stated = (probe: string) => {
    const found = new RegExp(`\\*\\*${probe}\\*\\*[^\`]*with the body \`("[^\`]*")\``).exec(guide);
    return found ? (JSON.parse(found[1]) as string) : undefined;
  };

  it('answer the bodies that the guide states', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ checks })],
    }).compile();
    app = await moduleRef.createNestApplication().init();
    await app.get(HealthService).check();
    const server = app.getHttpServer();
    expect(stated('Liveness')).toBe('ok\n');
    await request(server).get('/v1/health/live').expect(200, stated('Liveness'));
    await request(server).get('/v1/health/ready').expect(200, stated('Readiness'));
    await request(server).get('/v1/health/startup').expect(200, stated('Startup'));
  });
});
