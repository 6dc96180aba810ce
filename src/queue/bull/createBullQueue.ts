import Bull from 'bull';
import type { Redis } from 'ioredis';
import type { RemoteJobData } from './RemoteJobData.ts';
import type { RedisKeys } from './RedisKeys.ts';
import { closeRedis, createRedis } from './redisConnection.ts';

export type SynthesisBullQueue = Bull.Queue<RemoteJobData>;

/** A bull queue on our own connections (so reconnection is quick and endless), and how to close all of it. */
export interface BullQueueConnection {
  readonly queue: SynthesisBullQueue;
  /** Closes the queue (bull waits for running jobs unless `doNotWaitJobs`), then every connection it used. */
  close(doNotWaitJobs?: boolean): Promise<void>;
  /** Drops every connection at once (after close() could not finish, e.g. Redis is away). */
  disconnect(): void;
}

export function createBullQueue(options: {
  readonly redisUrl: string;
  readonly keys: RedisKeys;
  /** Connection names show in Redis's CLIENT LIST, to tell bots from workers. */
  readonly role: string;
  /** The non-blocking command connection, when the caller already has one to share. */
  readonly commands?: Redis;
  readonly settings?: Bull.AdvancedSettings;
}): BullQueueConnection {
  const owned: Redis[] = [];
  const queue: SynthesisBullQueue = new Bull<RemoteJobData>(options.keys.queueName, {
    prefix: options.keys.prefix,
    ...(options.settings === undefined ? {} : { settings: options.settings }),
    createClient: (type) => {
      if (type === 'client' && options.commands !== undefined) return options.commands;
      const client = createRedis(options.redisUrl, { name: `chorus-${options.role}-bull-${type}`, blocking: type !== 'client' });
      // bull's close() reconnects its blocking client and only looks at the result once running jobs end; with
      // Redis away the rejection comes first and would crash the process as unhandled. A failed connect needs
      // no handling here (ioredis keeps retrying), so it resolves instead.
      const connect = client.connect.bind(client);
      client.connect = (callback?: Parameters<typeof connect>[0]) => connect(callback).catch(() => undefined);
      owned.push(client);
      return client;
    },
  });
  return {
    queue,
    async close(doNotWaitJobs = false): Promise<void> {
      await queue.close(doNotWaitJobs);
      await Promise.all(owned.map((client) => closeRedis(client)));
    },
    disconnect(): void {
      for (const client of owned) client.disconnect();
    },
  };
}
