/**
 * A URL as messages and metadata show it: scheme, host, port and path. A password becomes `***`
 * (a user alone too: it may be a token), a query string becomes `?***`, a fragment is dropped.
 */
export function shownUrl(url: URL): string {
  const credentials = url.password ? `${url.username}:***@` : url.username ? '***@' : '';
  const query = url.search ? '?***' : '';
  return `${url.protocol}//${credentials}${url.host}${url.pathname}${query}`;
}
