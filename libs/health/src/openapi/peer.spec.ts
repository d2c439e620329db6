import { MissingPeerDependencyError } from '../shared/require-peer';

describe('the openapi entry and its optional peer @nestjs/swagger', () => {
  afterEach(() => {
    jest.dontMock('@nestjs/swagger');
    jest.resetModules();
  });

  it('fails at import, naming @nestjs/swagger and how to install it, when it is missing', () => {
    jest.isolateModules(() => {
      jest.doMock('@nestjs/swagger', () => {
        throw Object.assign(new Error("Cannot find module '@nestjs/swagger' from 'peer.ts'"), {
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
        '@nest-health/core/openapi needs the optional peer dependency "@nestjs/swagger": npm install @nestjs/swagger',
      );
    });
  });

  it('loads when @nestjs/swagger is there', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect((require('.') as typeof import('.')).documentHealthEndpoints).toEqual(
        expect.any(Function),
      );
    });
  });
});
