import { Redis, type RedisOptions } from 'ioredis';

/** How often to retry a lost connection: quickly at first, then every 2 s for as long as it takes. */
function retryDelay(attempt: number): number {
  return Math.min(100 * attempt, 2000);
}

/**
 * A connection to the configured Redis. Commands issued while it is down wait for the reconnection instead
 * of failing (`maxRetriesPerRequest: null`): a Redis restart then costs time, not jobs.
 * `blocking` connections (XREAD BLOCK, bull's BRPOPLPUSH, subscribers) skip the ready check, as bull requires.
 */
export function createRedis(url: string, options: { readonly name: string; readonly blocking?: boolean }): Redis {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: null,
    retryStrategy: retryDelay,
    connectionName: options.name,
    ...(options.blocking === true ? { enableReadyCheck: false } : {}),
  };
  const redis = new Redis(url, redisOptions);
  // ioredis re-emits every failed reconnection as 'error'; the owners log outages once through their own
  // listeners, and an unheard 'error' must not become an "Unhandled error event" on every retry.
  redis.on('error', () => {});
  return redis;
}

/** The URL without credentials, for logs: REDIS_URL may carry a password. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}${parsed.port === '' ? '' : `:${parsed.port}`}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(unparseable Redis URL)';
  }
}

/** Closes a connection politely if it is up, at once if not (QUIT would wait for a reconnection). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await Promise.race([redis.quit(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
  } catch {
    // Already closing: disconnect below ends it either way.
  }
  redis.disconnect();
}
