import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './RedisKeys.ts';

/**
 * Large voice features travel through Redis once, not in every job. A GPT-SoVITS voice carries ~850 KB
 * (its reference audio at 32 kHz): inline, every message of a busy live room would copy that into Redis
 * and out to a worker. Features over INLINE_FEATURES_MAX_BYTES are stored under their content hash
 * (a re-registered voice gets a new hash, so a worker never uses stale data); jobs carry the hash. The
 * built-in engine's ~1 KB profile stays inline.
 */
export const INLINE_FEATURES_MAX_BYTES = 16 * 1024;
/** How long unused features stay in Redis; every job that uses them renews this. */
export const VOICE_FEATURES_TTL_MS = 7 * 24 * 3_600_000;

export const featuresHash = (encoded: string): string => createHash('sha256').update(encoded).digest('hex').slice(0, 32);

/** Bot side: makes sure Redis holds a voice's features before a job that names them is queued. */
export class VoiceFeatureUploader {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #ttlMs: number;
  #uploads = 0;

  constructor(redis: Redis, keys: RedisKeys, ttlMs = VOICE_FEATURES_TTL_MS) {
    this.#redis = redis;
    this.#keys = keys;
    this.#ttlMs = ttlMs;
  }

  /** Times the features were sent to Redis (for tests and logs). */
  get uploads(): number {
    return this.#uploads;
  }

  /**
   * What the job should carry: the encoded features themselves when small, else their hash, once Redis
   * holds them. One PEXPIRE per job (a few bytes); the value is sent only when Redis does not have it
   * (first use, expiry, a Redis restart without persistence).
   */
  async reference(encoded: string): Promise<{ readonly features: string } | { readonly featuresKey: string }> {
    if (Buffer.byteLength(encoded) <= INLINE_FEATURES_MAX_BYTES) return { features: encoded };
    const hash = featuresHash(encoded);
    const key = this.#keys.voiceFeatures(hash);
    if ((await this.#redis.pexpire(key, this.#ttlMs)) === 0) {
      await this.#redis.set(key, encoded, 'PX', this.#ttlMs);
      this.#uploads++;
    }
    return { featuresKey: hash };
  }
}

/** Worker side: features by hash, from a small in-memory cache or Redis. */
export class VoiceFeatureCache {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, string>();
  #fetches = 0;

  constructor(redis: Redis, keys: RedisKeys, maxEntries = 16) {
    this.#redis = redis;
    this.#keys = keys;
    this.#maxEntries = maxEntries;
  }

  /** Times features were read from Redis (for tests and logs). */
  get fetches(): number {
    return this.#fetches;
  }

  /** The encoded features, or undefined when Redis no longer holds them. */
  async get(hash: string): Promise<string | undefined> {
    const cached = this.#entries.get(hash);
    if (cached !== undefined) {
      this.#entries.delete(hash);
      this.#entries.set(hash, cached);
      return cached;
    }
    const encoded = await this.#redis.get(this.#keys.voiceFeatures(hash));
    this.#fetches++;
    // The content hash guards against a corrupted or foreign value under the key.
    if (encoded === null || featuresHash(encoded) !== hash) return undefined;
    this.#entries.set(hash, encoded);
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    return encoded;
  }
}
