const MINUTE = 60_000;

/** The windows trends are computed over, and their length in ms. */
export const TREND_WINDOWS = {
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '6h': 360 * MINUTE,
  '24h': 1440 * MINUTE,
} as const;

export type TrendWindow = keyof typeof TREND_WINDOWS;

export const DEFAULT_TREND_WINDOW: TrendWindow = '1h';

export function isTrendWindow(value: unknown): value is TrendWindow {
  return typeof value === 'string' && Object.hasOwn(TREND_WINDOWS, value);
}

/** The error text for a window that is not one of `TREND_WINDOWS`. */
export const TREND_WINDOW_ERROR = `window must be one of ${Object.keys(TREND_WINDOWS).join(', ')}`;
