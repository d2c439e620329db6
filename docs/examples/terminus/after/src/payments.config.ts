/** The payments API the health checks ask (a server on loopback in the tests). */
export const PAYMENTS_URL = process.env.PAYMENTS_URL ?? 'http://payments.internal';
