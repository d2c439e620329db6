import type { ResolvedEngineOptions } from './engine.options';

/** Variables of unknown components named in the startup warning, at most: the rest are counted. */
const MAX_UNREAD_SHOWN = 20;

/**
 * What the engine warns about once at startup: enabled components with no registered check, and
 * `HEALTH_CHECK_<NAME>_*` variables naming no component of the list (names only, never values).
 */
export function startupWarnings(
  options: Pick<ResolvedEngineOptions, 'enabledComponents' | 'unreadVariables'>,
  registered: (name: string) => boolean,
): string[] {
  const warnings = [...(options.enabledComponents ?? [])]
    .filter((name) => !registered(name))
    .map((name) => `Enabled component "${name}" has no registered check`);
  const variables = options.unreadVariables;
  if (variables.length > 0) {
    const shown = variables.slice(0, MAX_UNREAD_SHOWN).map((v) => JSON.stringify(v.slice(0, 120)));
    const rest = variables.length - shown.length;
    warnings.push(
      `Not read: ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}: ` +
        "they name no component in healthOptionsFromEnv's components list",
    );
  }
  return warnings;
}
