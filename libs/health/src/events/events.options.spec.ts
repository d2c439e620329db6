import { HealthConfigurationError } from '../shared/errors';
import { validateHealthOptions } from '../health.validate';
import { EVENTS_DEFAULTS, resolveEventsSettings } from './events.options';

describe('resolveEventsSettings', () => {
  it('has a default for everything', () => {
    expect(resolveEventsSettings()).toEqual({
      maxClients: 1000,
      maxClientsPerAddress: 20,
      heartbeatMs: 15_000,
      replay: 100,
      maxBufferedBytes: 65_536,
      reportIntervalMs: 1000,
      retryMs: 3000,
    });
    // The stream reads the module options' `events`: none given is every default.
    expect(resolveEventsSettings({})).toEqual(EVENTS_DEFAULTS);
  });

  it('takes values within bounds', () => {
    const given = {
      maxClients: 5,
      maxClientsPerAddress: 5,
      heartbeatMs: 1000,
      replay: 0,
      maxBufferedBytes: 1024,
      reportIntervalMs: 0,
      retryMs: 100,
    };
    expect(resolveEventsSettings(given)).toEqual(given);
    expect(resolveEventsSettings({ maxClientsPerAddress: 1 }).maxClientsPerAddress).toBe(1);
    expect(resolveEventsSettings({ maxClientsPerAddress: 1000 }).maxClientsPerAddress).toBe(1000);
  });

  it('caps the default per-address limit at maxClients', () => {
    expect(resolveEventsSettings({ maxClients: 5 }).maxClientsPerAddress).toBe(5);
    expect(resolveEventsSettings({ maxClients: 50 }).maxClientsPerAddress).toBe(20);
    expect(resolveEventsSettings({ maxClientsPerAddress: null as never })).toEqual(EVENTS_DEFAULTS);
  });

  it.each([
    [{ maxClients: 0 }, 'Invalid setting events.maxClients: 0 (expected an integer >= 1)'],
    [{ maxClients: 1.5 }, 'events.maxClients: 1.5'],
    [
      { maxClientsPerAddress: 0 },
      'Invalid setting events.maxClientsPerAddress: 0 (expected an integer from 1 to 1000 (events.maxClients))',
    ],
    [{ maxClientsPerAddress: 2.5 }, 'events.maxClientsPerAddress: 2.5'],
    [{ maxClientsPerAddress: '10' }, 'events.maxClientsPerAddress: "10"'],
    [
      { maxClientsPerAddress: 1001 },
      'events.maxClientsPerAddress: 1001 (expected an integer from 1 to 1000',
    ],
    [
      { maxClients: 5, maxClientsPerAddress: 6 },
      'events.maxClientsPerAddress: 6 (expected an integer from 1 to 5 (events.maxClients))',
    ],
    [
      { heartbeatMs: 10 },
      'events.heartbeatMs: 10 (expected an integer number of milliseconds from 1000',
    ],
    [{ replay: -1 }, 'events.replay: -1'],
    [
      { replay: 1001 },
      'events.replay: 1001 (expected an integer from 0 to 1000: the events kept stay within the 10 MB memory budget',
    ],
    [{ maxBufferedBytes: 10 }, 'events.maxBufferedBytes: 10 (expected an integer >= 1024)'],
    [{ reportIntervalMs: '1s' }, 'events.reportIntervalMs: "1s"'],
    [{ retryMs: 0 }, 'events.retryMs: 0'],
    [
      { maxClient: 5 },
      'events.maxClient: "maxClient" (expected one of maxClients, maxClientsPerAddress, heartbeatMs',
    ],
    [[], 'Invalid setting events: '],
    [null, 'Invalid setting events: null'],
  ])('refuses %j, naming the setting', (events, message) => {
    expect(() => resolveEventsSettings(events as never)).toThrow(HealthConfigurationError);
    expect(() => resolveEventsSettings(events as never)).toThrow(message);
    // Before Nest starts, too.
    expect(() => validateHealthOptions({ events: events as never })).toThrow(message);
  });
});
