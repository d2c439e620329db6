/** The fixed-body route of the static bench app (bench/support/static.server.mjs). */
export const STATIC_PATH = '/bench/static';
