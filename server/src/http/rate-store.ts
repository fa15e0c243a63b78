import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { Counts } from '../access/counts.js'

/**
 * A store for @fastify/rate-limit over Counts: in the cluster mode, the counts every instance
 * shares, so a limit per address holds across the cluster, not per instance.
 */
export function rateStoreOver(counts: Counts): FastifyRateLimitStoreCtor {
  class CountsRateStore implements FastifyRateLimitStore {
    readonly #prefix: string

    constructor(_options?: unknown, prefix = 'rate:') {
      this.#prefix = prefix
    }

    incr(key: string, reply: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      counts.add(this.#prefix + key, timeWindow).then(
        ({ count, msLeft }) => reply(null, { current: count, ttl: msLeft }),
        (error: Error) => reply(error),
      )
    }

    /** Each route counts apart (the plugin passes the route as `routeInfo`). */
    child(route: object): CountsRateStore {
      const { method, url } = (route as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo ?? {}
      return new CountsRateStore(undefined, `${this.#prefix}${String(method)}${String(url)}-`)
    }
  }
  return CountsRateStore
}
