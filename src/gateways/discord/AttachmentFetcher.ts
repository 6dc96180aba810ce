import { DiscordUserError } from './DiscordUserError.ts';

export interface AttachmentInfo {
  readonly url: string;
  readonly filename: string;
  readonly size: number;
}

export interface AttachmentFetcherOptions {
  /** host or host:port values downloads may come from. */
  readonly allowedHosts: readonly string[];
  readonly maxBytes: number;
  readonly timeoutMs?: number;
}

const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

/**
 * Downloads a slash-command attachment at once (the URL is signed and expires), only from the allowed CDN hosts,
 * refusing oversized files before and during the download.
 */
export class AttachmentFetcher {
  readonly #options: AttachmentFetcherOptions;

  constructor(options: AttachmentFetcherOptions) {
    this.#options = options;
  }

  async fetch(attachment: AttachmentInfo): Promise<Uint8Array> {
    const { maxBytes, allowedHosts } = this.#options;
    if (attachment.size > maxBytes) {
      throw new DiscordUserError('attachment-too-large', `"${attachment.filename}" is ${mib(attachment.size)}; the limit is ${mib(maxBytes)}. Send a shorter clip, or an MP3/OGG instead of a WAV.`);
    }
    let url: URL;
    try {
      url = new URL(attachment.url);
    } catch {
      throw new DiscordUserError('attachment-url', 'Discord sent an attachment link I cannot read. Upload the clip again.');
    }
    if (!allowedHosts.includes(url.host.toLowerCase())) {
      throw new DiscordUserError('attachment-host', `I only download clips from Discord's own servers, not ${url.host}. Upload the file in the command instead of linking it.`);
    }
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000), redirect: 'error' });
    } catch (error) {
      throw new DiscordUserError('attachment-download', 'Downloading the clip from Discord failed. Try the command again in a moment.', { cause: error });
    }
    if (!response.ok || response.body === null) {
      throw new DiscordUserError('attachment-download', `Discord answered ${response.status} when I downloaded the clip; its link may have expired. Run the command again.`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        await response.body.cancel().catch(() => {});
        throw new DiscordUserError('attachment-too-large', `"${attachment.filename}" is larger than ${mib(maxBytes)}. Send a shorter clip.`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
}
