/** The package's name, as users install it (the sub-path entries are named after it). */
export const PACKAGE_NAME = '@nest-health/core';

/** Thrown when a sub-path entry is used without the optional peer it needs. */
export class MissingPeerDependencyError extends Error {
  override readonly name = 'MissingPeerDependencyError';
  constructor(
    readonly peer: string,
    readonly entry: string,
  ) {
    super(`${entry} needs the optional peer dependency "${peer}": npm install ${peer}`);
  }
}

/** Loads an optional peer, or throws one error naming it and how to install it. */
export function loadPeer<T>(peer: string, entry: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(peer) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing =
      code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${peer}'`);
    if (missing) throw new MissingPeerDependencyError(peer, entry);
    throw error;
  }
}
