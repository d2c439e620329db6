const MASK = '***';
const MIN_SECRET_LENGTH = 4;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):([^\s@/]+)@/gi;
/** A URL with a user and no password (`https://token@host`): the user may be the token. */
const URL_USER_ONLY = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]+)@/gi;
const SECRET_QUERY = /([?&](?:key|api[_-]?key|token|access[_-]?token|password|secret)=)[^&\s#"]+/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;
/** A cheap test that rules out most text before the three patterns above run. */
const MAY_HOLD_CREDENTIALS = /:\/\/|=|Bearer/;

/**
 * Masks secrets in free text: passwords inside URLs, key/token query parameters,
 * bearer tokens, and every configured secret value wherever it appears.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: readonly (string | undefined | null)[] = []) {
    this.secrets = secrets
      .filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
  }

  /** A redactor that also masks these values. */
  with(more: readonly (string | undefined | null)[]): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }

  text(input: string): string {
    if (!MAY_HOLD_CREDENTIALS.test(input) && !this.secrets.some((s) => input.includes(s))) {
      return input;
    }
    let out = input
      .replace(URL_CREDENTIALS, `$1$2:${MASK}@`)
      .replace(URL_USER_ONLY, `$1${MASK}@`)
      .replace(SECRET_QUERY, `$1${MASK}`)
      .replace(BEARER, `$1${MASK}`);
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  }

  /** Deep-copies JSON-safe data, masking every string. Throws on data JSON cannot hold. */
  data<T>(input: T): T {
    const json = JSON.stringify(input, (_key, value: unknown) =>
      typeof value === 'string' ? this.text(value) : value,
    );
    return json === undefined ? input : (JSON.parse(json) as T);
  }
}
