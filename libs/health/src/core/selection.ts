import type { ResolvedCheck } from './check-runner';

/** Which checks an evaluation covers. Unset fields select everything. */
export interface CheckSelection {
  /** Only checks carrying at least one of these tags. */
  tags?: readonly string[];
  /** Only critical checks. */
  criticalOnly?: boolean;
  /** Leave these names out; unknown names are ignored. */
  exclude?: readonly string[];
}

export function selectionKey({ tags, criticalOnly, exclude }: CheckSelection): string {
  return JSON.stringify({
    ...(tags?.length ? { tags: [...tags].sort() } : {}),
    ...(criticalOnly ? { criticalOnly: true } : {}),
    ...(exclude?.length ? { exclude: [...exclude].sort() } : {}),
  });
}

export function selects(
  { tags, criticalOnly, exclude }: CheckSelection,
  check: ResolvedCheck,
): boolean {
  // A paused check is in no evaluation; a shadow check in no readiness-style selection.
  if (!check.enabled || exclude?.includes(check.name)) return false;
  if (check.mode === 'shadow' && (criticalOnly || tags?.length)) return false;
  if (criticalOnly && !check.critical) return false;
  return !tags?.length || tags.some((tag) => check.tags.includes(tag));
}
