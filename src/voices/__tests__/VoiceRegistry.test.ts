import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHORUS_MIGRATIONS } from '../migrations.ts';
import { SqliteDatabase } from '../SqliteDatabase.ts';
import { VoiceNameError } from '../VoiceNameError.ts';
import { VoiceNameTakenError } from '../VoiceNameTakenError.ts';
import { VoiceNotFoundError } from '../VoiceNotFoundError.ts';
import { VoicePermissionError } from '../VoicePermissionError.ts';
import { VoiceRegistry } from '../VoiceRegistry.ts';
import { VoiceInputError } from '../VoiceInputError.ts';
import { alice, bob, carol, toneClip, voiceInput } from './voiceTestSupport.ts';

let dir: string;
let dbPath: string;
let voicesDir: string;
let registry: VoiceRegistry;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorus-voices-'));
  dbPath = join(dir, 'chorus.db');
  voicesDir = join(dir, 'voices');
  registry = await VoiceRegistry.open(dbPath, voicesDir);
});

afterEach(async () => {
  await registry.close();
  await rm(dir, { recursive: true, force: true });
});

async function voiceDirectories(): Promise<string[]> {
  return (await readdir(voicesDir)).filter((name) => !name.startsWith('.')).sort();
}

describe('VoiceRegistry: registration and files', () => {
  it('stores a voice that reads back identically, with a 16-bit mono WAV and meta.json on disk', async () => {
    const clip = toneClip(0.5, 24000);
    const embedding = new Float32Array([0.125, -3.5, 1e-7]);
    const voice = await registry.register(
      voiceInput(alice, '  Alice Main ', { clip, language: 'zh', features: { builtin: { embedding, tag: 'x' } } }),
    );
    expect(voice.name).toBe('Alice Main');
    expect(voice.clipPath).toBe(`${voice.id}/reference.wav`);
    expect(voice.clipSeconds).toBeCloseTo(0.5, 6);

    const read = await registry.get(voice.id);
    expect(read).toEqual(voice);
    const features = read?.features.builtin as { embedding: Float32Array; tag: string };
    expect(features.embedding).toBeInstanceOf(Float32Array);
    expect([...features.embedding]).toEqual([...embedding]);

    const wav = await readFile(join(voicesDir, voice.clipPath));
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(wav.readUInt16LE(22)).toBe(1); // channels
    expect(wav.readUInt32LE(24)).toBe(24000);
    expect(wav.readUInt16LE(34)).toBe(16);
    const dataOffset = wav.indexOf('data') + 8;
    expect(wav.length - dataOffset).toBe(clip.samples.length * 2);
    // A sample near the tone's peak survives the 16-bit round trip.
    const index = Math.round(24000 / 220 / 4);
    expect(wav.readInt16LE(dataOffset + index * 2) / 32768).toBeCloseTo(clip.samples[index] ?? NaN, 3);

    const meta = JSON.parse(await readFile(join(voicesDir, voice.id, 'meta.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ id: voice.id, name: 'Alice Main', transcript: voice.transcript, owner: alice });
    expect(await readdir(join(voicesDir, '.staging'))).toEqual([]);
  });

  it('keeps names unique per owner, ignoring case, but lets other owners reuse them', async () => {
    await registry.register(voiceInput(alice, 'Narrator'));
    await expect(registry.register(voiceInput(alice, 'NARRATOR'))).rejects.toBeInstanceOf(VoiceNameTakenError);
    const bobs = await registry.register(voiceInput(bob, 'narrator'));
    expect(bobs.owner).toEqual(bob);
    expect(await registry.isNameTaken(alice, 'nArRaToR')).toBe(true);
    expect(await registry.isNameTaken(carol, 'narrator')).toBe(false);
    // The rejected registration left nothing behind.
    expect(await voiceDirectories()).toHaveLength(2);
    expect(await readdir(join(voicesDir, '.staging'))).toEqual([]);
  });

  it('validates names, transcripts and consent before writing anything', async () => {
    await expect(registry.register(voiceInput(alice, '   '))).rejects.toBeInstanceOf(VoiceNameError);
    await expect(registry.register(voiceInput(alice, 'x'.repeat(33)))).rejects.toBeInstanceOf(VoiceNameError);
    await expect(registry.register(voiceInput(alice, 'bad\nname'))).rejects.toBeInstanceOf(VoiceNameError);
    await expect(registry.register(voiceInput(alice, 'evil\u202Eeman'))).rejects.toBeInstanceOf(VoiceNameError);
    await expect(registry.register(voiceInput(alice, 'ok', { transcript: ' ' }))).rejects.toBeInstanceOf(VoiceInputError);
    const noConsent = { ...voiceInput(alice, 'ok'), consent: undefined } as unknown as Parameters<VoiceRegistry['register']>[0];
    await expect(registry.register(noConsent)).rejects.toMatchObject({ code: 'voice-consent-missing' });
    await expect(registry.register(voiceInput(alice, 'ok', { scope: { kind: 'guild', guildId: '' } }))).rejects.toBeInstanceOf(
      VoiceInputError,
    );
    // 32 characters counted as characters, not UTF-16 units or bytes.
    const chinese = '声'.repeat(32);
    expect((await registry.register(voiceInput(alice, chinese))).name).toBe(chinese);
    expect(await registry.list()).toHaveLength(1);
    expect(await voiceDirectories()).toHaveLength(1);
  });
});

describe('VoiceRegistry: changes and permissions', () => {
  it('renames, shares and unshares for the owner only', async () => {
    const voice = await registry.register(voiceInput(alice, 'Alice'));
    await registry.register(voiceInput(alice, 'Other'));

    await expect(registry.rename(voice.id, 'Mallory', bob)).rejects.toBeInstanceOf(VoicePermissionError);
    await expect(registry.rename(voice.id, 'other', alice)).rejects.toBeInstanceOf(VoiceNameTakenError);
    const renamed = await registry.rename(voice.id, 'ALICE', alice); // a case change of its own name is fine
    expect(renamed.name).toBe('ALICE');
    expect((await registry.get(voice.id))?.name).toBe('ALICE');
    const meta = JSON.parse(await readFile(join(voicesDir, voice.id, 'meta.json'), 'utf8')) as { name: string };
    expect(meta.name).toBe('ALICE');

    await expect(registry.setScope(voice.id, { kind: 'global' }, bob)).rejects.toBeInstanceOf(VoicePermissionError);
    await registry.setScope(voice.id, { kind: 'guild', guildId: 'g1' }, alice);
    expect((await registry.list({ guildId: 'g1' })).map((v) => v.id)).toEqual([voice.id]);
    expect((await registry.get(voice.id))?.scope).toEqual({ kind: 'guild', guildId: 'g1' });
    await registry.setScope(voice.id, { kind: 'private' }, alice);
    expect(await registry.list({ guildId: 'g1' })).toEqual([]);
    expect((await registry.list({ owner: alice })).map((v) => v.name)).toEqual(['ALICE', 'Other']);
    await expect(registry.rename('0123456789abcdef', 'x', alice)).rejects.toBeInstanceOf(VoiceNotFoundError);
  });

  it('deletes the row, its selections and its files; managers may delete voices shared in their guild only', async () => {
    const privateVoice = await registry.register(voiceInput(alice, 'Private'));
    const shared = await registry.register(voiceInput(alice, 'Shared', { scope: { kind: 'guild', guildId: 'g1' } }));
    const global = await registry.register(voiceInput(alice, 'Global', { scope: { kind: 'global' } }));
    await registry.selectVoice(bob, 'g1', shared.id);

    const manager = { ...bob, isManager: true };
    await expect(registry.delete(privateVoice.id, manager, 'g1')).rejects.toBeInstanceOf(VoicePermissionError);
    await expect(registry.delete(global.id, manager, 'g1')).rejects.toBeInstanceOf(VoicePermissionError);
    await expect(registry.delete(shared.id, bob, 'g1')).rejects.toBeInstanceOf(VoicePermissionError);
    await expect(registry.delete(shared.id, manager, 'g2')).rejects.toBeInstanceOf(VoicePermissionError);
    expect(await voiceDirectories()).toHaveLength(3);

    await registry.delete(shared.id, manager, 'g1');
    expect(await registry.get(shared.id)).toBeUndefined();
    expect(await registry.selectedVoice(bob, 'g1')).toBeUndefined();
    await registry.delete(privateVoice.id, alice);
    expect(await voiceDirectories()).toEqual([global.id]);
    expect((await registry.list()).map((v) => v.id)).toEqual([global.id]);
    await expect(registry.delete(privateVoice.id, alice)).rejects.toBeInstanceOf(VoiceNotFoundError);
  });
});

describe('VoiceRegistry: resolution and selection', () => {
  it('resolves a name to the own voice first, then the guild-shared one, then a global one', async () => {
    const own = await registry.register(voiceInput(alice, 'Narrator'));
    const guild = await registry.register(voiceInput(bob, 'narrator', { scope: { kind: 'guild', guildId: 'g1' } }));
    const global = await registry.register(voiceInput(carol, 'NARRATOR', { scope: { kind: 'global' } }));
    const dave = { platform: 'discord', userId: '1004' } as const;

    expect((await registry.findByName('narrator', alice, 'g1'))?.id).toBe(own.id);
    expect((await registry.findByName('Narrator', dave, 'g1'))?.id).toBe(guild.id);
    expect((await registry.findByName('Narrator', dave, 'g2'))?.id).toBe(global.id);
    expect((await registry.findByName('Narrator', dave))?.id).toBe(global.id);
    expect(await registry.findByName('nobody', dave, 'g1')).toBeUndefined();
    // Same user id on another platform is another person.
    expect((await registry.findByName('narrator', { platform: 'bilibili', userId: '1001' }, 'g2'))?.id).toBe(global.id);

    const usable = await registry.listUsable(dave, 'g1');
    expect(usable.map((v) => v.id)).toEqual([guild.id, global.id]);
    expect((await registry.listUsable(alice, 'g1')).map((v) => v.id)).toEqual([own.id, guild.id, global.id]);
  });

  it('keeps a selection across reopening and forgets it when the voice stops being usable', async () => {
    const own = await registry.register(voiceInput(bob, 'Mine'));
    const shared = await registry.register(voiceInput(alice, 'Shared', { scope: { kind: 'guild', guildId: 'g1' } }));
    await expect(registry.selectVoice(bob, 'g2', shared.id)).rejects.toBeInstanceOf(VoicePermissionError);
    await registry.selectVoice(bob, undefined, own.id);
    await registry.selectVoice(bob, 'g1', shared.id);

    await registry.close();
    registry = await VoiceRegistry.open(dbPath, voicesDir);
    expect((await registry.selectedVoice(bob, 'g1'))?.id).toBe(shared.id);
    expect((await registry.selectedVoice(bob, 'g2'))?.id).toBe(own.id); // falls back to the general choice
    expect((await registry.selectedVoice(bob))?.id).toBe(own.id);
    expect(await registry.selectedVoice(carol, 'g1')).toBeUndefined();

    await registry.setScope(shared.id, { kind: 'private' }, alice);
    expect((await registry.selectedVoice(bob, 'g1'))?.id).toBe(own.id);
    expect(await registry.clearSelection(bob)).toBe(true);
    expect(await registry.selectedVoice(bob, 'g1')).toBeUndefined();
  });
});

describe('VoiceRegistry: database and recovery', () => {
  it('runs on a WAL database whose schema version is stable across reopening', async () => {
    await registry.register(voiceInput(alice, 'A'));
    await registry.close();
    registry = await VoiceRegistry.open(dbPath, voicesDir);
    const db = await SqliteDatabase.open(dbPath);
    try {
      expect(db.journalMode).toBe('wal');
      expect(await db.get('PRAGMA user_version')).toEqual({ user_version: CHORUS_MIGRATIONS.length });
      expect(await db.get('SELECT count(*) AS n FROM voices')).toEqual({ n: 1 });
    } finally {
      await db.close();
    }
  });

  it('can share a database opened by someone else, leaving it open on close', async () => {
    await registry.close();
    const db = await SqliteDatabase.open(dbPath);
    try {
      registry = await VoiceRegistry.attach(db, voicesDir);
      const voice = await registry.register(voiceInput(alice, 'Shared DB'));
      await registry.close();
      expect(await db.get('SELECT name FROM voices WHERE id = ?', [voice.id])).toEqual({ name: 'Shared DB' });
    } finally {
      await db.close();
    }
    registry = await VoiceRegistry.open(dbPath, voicesDir);
  });

  it('removes directories without a row and abandoned staging, and hides voices whose clip is gone until it returns', async () => {
    const kept = await registry.register(voiceInput(alice, 'Kept'));
    const damaged = await registry.register(voiceInput(alice, 'Damaged'));
    await registry.close();

    const orphan = 'fedcba9876543210';
    await mkdir(join(voicesDir, orphan));
    await writeFile(join(voicesDir, orphan, 'reference.wav'), 'half');
    await mkdir(join(voicesDir, '.staging', '999999999-abc'), { recursive: true }); // no such process
    await mkdir(join(voicesDir, 'not-a-voice')); // not ours to delete
    await rename(join(voicesDir, damaged.id, 'reference.wav'), join(dir, 'moved.wav'));

    registry = await VoiceRegistry.open(dbPath, voicesDir);
    expect(registry.lastRecovery).toEqual({
      removedDirectories: [orphan],
      removedStaging: 1,
      missingFiles: [damaged.id],
      restored: [],
    });
    expect((await readdir(voicesDir)).sort()).toEqual(['.staging', damaged.id, kept.id, 'not-a-voice'].sort());
    expect(await registry.get(damaged.id)).toBeUndefined();
    expect(await registry.findByName('Damaged', alice)).toBeUndefined();
    expect((await registry.list({ includeUnavailable: true })).map((v) => v.name)).toEqual(['Damaged', 'Kept']);

    await rename(join(dir, 'moved.wav'), join(voicesDir, damaged.id, 'reference.wav'));
    const report = await registry.recover();
    expect(report.restored).toEqual([damaged.id]);
    expect((await registry.get(damaged.id))?.name).toBe('Damaged');
  });
});
