import { normalizeIp } from '@nestjs/throttler';

/**
 * The client's address as the rate limits and the refusal logs see it: the socket's peer
 * (`request.ip`), IPv6 addresses reduced to their /64, since one host usually owns a whole /64.
 *
 * Behind reverse proxies, TRUST_PROXY_HOPS tells Express how many to trust (`trust proxy`), and
 * `request.ip` is then the client's address from X-Forwarded-For; left at 0 behind a proxy, every
 * client would have the proxy's address and share its sign-in budget.
 */
export function adresseDe(request: { ip?: string }): string {
  return normalizeIp(request.ip ?? '', 64) || 'inconnue';
}
