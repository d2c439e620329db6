import type { MissingPeerDependencyError } from '../shared/require-peer';

describe('@nest-health/core/grpc without its peer', () => {
  it('fails at import, naming @grpc/grpc-js and how to install it', () => {
    jest.isolateModules(() => {
      jest.doMock('@grpc/grpc-js', () => {
        throw Object.assign(new Error("Cannot find module '@grpc/grpc-js' from 'peer.ts'"), {
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
        '@nest-health/core/grpc needs the optional peer dependency "@grpc/grpc-js": npm install @grpc/grpc-js',
      );
    });
  });
});
