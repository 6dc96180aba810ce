import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const REFERENCE_FILE = 'reference.wav';
export const META_FILE = 'meta.json';
/** Where new voices are assembled before they are renamed into place. Skipped by the voice directory scan. */
export const STAGING_DIR = '.staging';

const VOICE_ID = /^[0-9a-f]{16}$/;

export function isVoiceId(value: string): boolean {
  return VOICE_ID.test(value);
}

export function newVoiceId(): string {
  return randomBytes(8).toString('hex');
}

async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a directory so a rename or creation inside it survives a power cut. Not possible on Windows: skipped. */
async function syncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The on-disk half of the registry: `<root>/<id>/reference.wav` and `meta.json` per voice.
 *
 * A voice directory only ever appears complete: files are written and fsynced under
 * `<root>/.staging/<pid>-<random>/`, then the directory is renamed to `<root>/<id>` (atomic on one
 * file system). Staging directories carry the writer's pid so a recovery pass can tell an abandoned
 * one (its process is gone) from one another live process is still filling.
 */
export class VoiceFiles {
  readonly root: string;
  readonly #staging: string;

  constructor(root: string) {
    this.root = root;
    this.#staging = join(root, STAGING_DIR);
  }

  async prepare(): Promise<void> {
    await mkdir(this.#staging, { recursive: true });
  }

  directoryOf(id: string): string {
    if (!isVoiceId(id)) throw new RangeError(`Not a voice id: ${JSON.stringify(id)}`);
    return join(this.root, id);
  }

  referencePath(id: string): string {
    return join(this.directoryOf(id), REFERENCE_FILE);
  }

  /** Writes a complete voice directory in the staging area and returns its path. */
  async stage(files: { readonly reference: Uint8Array; readonly meta: unknown }): Promise<string> {
    const path = join(this.#staging, `${process.pid}-${randomBytes(6).toString('hex')}`);
    await mkdir(path);
    try {
      await writeDurably(join(path, REFERENCE_FILE), files.reference);
      await writeDurably(join(path, META_FILE), `${JSON.stringify(files.meta, null, 2)}\n`);
      await syncDirectory(path);
    } catch (error) {
      await rm(path, { recursive: true, force: true });
      throw error;
    }
    return path;
  }

  /** Moves a staged directory into place as voice `id`. */
  async publish(stagedPath: string, id: string): Promise<void> {
    const target = this.directoryOf(id);
    await rename(stagedPath, target);
    await syncDirectory(this.root);
  }

  async discard(stagedPath: string): Promise<void> {
    await rm(stagedPath, { recursive: true, force: true });
  }

  async remove(id: string): Promise<void> {
    await rm(this.directoryOf(id), { recursive: true, force: true });
    await syncDirectory(this.root);
  }

  /** Replaces meta.json of a published voice atomically (write beside it, then rename over it). */
  async rewriteMeta(id: string, meta: unknown): Promise<void> {
    const directory = this.directoryOf(id);
    const temporary = join(directory, `${META_FILE}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    await writeDurably(temporary, `${JSON.stringify(meta, null, 2)}\n`);
    await rename(temporary, join(directory, META_FILE));
    await syncDirectory(directory);
  }

  async hasReference(id: string): Promise<boolean> {
    try {
      return (await stat(this.referencePath(id))).isFile();
    } catch {
      return false;
    }
  }

  /** Sample rate from the reference WAV header (0 if unreadable). */
  async referenceSampleRate(id: string): Promise<number> {
    try {
      const handle = await open(this.referencePath(id), 'r');
      try {
        const header = Buffer.alloc(28);
        const { bytesRead } = await handle.read(header, 0, 28, 0);
        return bytesRead === 28 && header.toString('ascii', 0, 4) === 'RIFF' ? header.readUInt32LE(24) : 0;
      } finally {
        await handle.close();
      }
    } catch {
      return 0;
    }
  }

  /** Ids of every voice directory present, complete or not. */
  async listVoiceDirectories(): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory() && isVoiceId(entry.name)).map((entry) => entry.name);
  }

  /** Deletes staging directories whose writing process no longer runs. Returns how many were removed. */
  async removeAbandonedStaging(): Promise<number> {
    let removed = 0;
    const entries = await readdir(this.#staging, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const pid = Number.parseInt(entry.name.split('-')[0] ?? '', 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processIsAlive(pid)) continue;
      if (pid === process.pid) continue; // ours and possibly in progress; removed by whoever staged it
      await rm(join(this.#staging, entry.name), { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }
}
