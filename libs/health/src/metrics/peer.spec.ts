import * as promClient from 'prom-client';
import { loadPeer, MissingPeerDependencyError, PACKAGE_NAME } from '../shared/require-peer';

describe('loadPeer, which guards the metrics entry', () => {
  afterEach(() => {
    jest.dontMock('prom-client');
    jest.resetModules();
  });

  it('returns a peer that is installed', () => {
    expect(loadPeer<typeof promClient>('prom-client', 'x').Registry).toBe(promClient.Registry);
  });

  it('names a missing peer and how to install it', () => {
    let error: unknown;
    try {
      loadPeer('definitely-not-installed-pkg-xyz', `${PACKAGE_NAME}/metrics`);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingPeerDependencyError);
    expect(error).toMatchObject({
      name: 'MissingPeerDependencyError',
      peer: 'definitely-not-installed-pkg-xyz',
      entry: '@nest-health/core/metrics',
      message:
        '@nest-health/core/metrics needs the optional peer dependency "definitely-not-installed-pkg-xyz": npm install definitely-not-installed-pkg-xyz',
    });
  });

  it('lets through any other failure of an installed peer, a missing module of its own included', () => {
    const inner = Object.assign(new Error("Cannot find module 'its-own-dependency'"), {
      code: 'MODULE_NOT_FOUND',
    });
    jest.doMock(
      'peer-missing-its-own-dependency',
      () => {
        throw inner;
      },
      { virtual: true },
    );
    expect(() => loadPeer('peer-missing-its-own-dependency', 'x')).toThrow(inner);
    const broken = new TypeError('broken at load');
    jest.doMock(
      'peer-broken-at-load',
      () => {
        throw broken;
      },
      { virtual: true },
    );
    expect(() => loadPeer('peer-broken-at-load', 'x')).toThrow(broken);
  });

  it('makes the metrics entry fail at import, naming prom-client, when prom-client is missing', () => {
    jest.isolateModules(() => {
      jest.doMock('prom-client', () => {
        throw Object.assign(new Error("Cannot find module 'prom-client' from 'peer.ts'"), {
          code: 'MODULE_NOT_FOUND',
        });
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { MissingPeerDependencyError: Missing } = require('../shared/require-peer') as {
        MissingPeerDependencyError: typeof MissingPeerDependencyError;
      };
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(() => require('.')).toThrow(Missing);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(() => require('.')).toThrow(
        '@nest-health/core/metrics needs the optional peer dependency "prom-client": npm install prom-client',
      );
    });
  });

  it('loads the metrics entry when prom-client is there', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect((require('.') as typeof import('.')).HealthMetricsModule).toEqual(
        expect.any(Function),
      );
    });
  });
});
