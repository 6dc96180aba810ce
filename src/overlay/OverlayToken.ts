import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ChorusError } from '../util/ChorusError.ts';

/** What a token must look like: URL-safe, long enough not to be guessed. */
export const OVERLAY_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export class OverlayTokenFileError extends ChorusError {
  constructor(path: string, cause: unknown) {
    super('overlay-token-file', `The overlay token file ${path} is unreadable or damaged; delete it to have a new token made, or set OVERLAY_TOKEN.`, { cause });
  }
}

/**
 * The overlay's access token: OVERLAY_TOKEN when set, else the one saved in `path`, else a new random one saved
 * there (owner-only permissions), so the URL in OBS keeps working across restarts.
 */
export async function loadOrCreateOverlayToken(configured: string | undefined, path: string): Promise<string> {
  if (configured !== undefined) return configured;
  let saved: string | undefined;
  try {
    saved = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new OverlayTokenFileError(path, error);
  }
  if (saved !== undefined) {
    if (!OVERLAY_TOKEN_PATTERN.test(saved)) throw new OverlayTokenFileError(path, new Error('wrong shape'));
    return saved;
  }
  const token = randomBytes(24).toString('base64url');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Compares in constant time (over fixed-length digests, so the length leaks nothing either). */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (given === null || given === undefined || given.length > 1024) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
