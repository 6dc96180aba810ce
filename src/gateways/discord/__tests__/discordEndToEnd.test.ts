import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../audio/WavWriter.ts';
import { TextFrontEnd } from '../../../text/TextFrontEnd.ts';
import type { FakeUser, InteractionRecord } from '../../../../test/fakes/discord/FakeDiscord.ts';
import { resample } from '../../../audio/resample.ts';
import { DEFAULT_VOICE } from '../../../app/DefaultVoice.ts';
import { loadCommands } from '../CommandRegistry.ts';
import { deployCommands } from '../deployCommands.ts';
import { recordedSamples, type RecordedSynthesis } from '../../../../test/fakes/discord/RecordingEngine.ts';
import { audioPackets, decodePackets, isEphemeralReply, replyText, startBotHarness, type BotHarness } from '../../../../test/fakes/discord/botHarness.ts';
import { concatSamples } from '../../../audio/pcm.ts';

/** Best normalised cross-correlation of `a` against `b` over lags of ±maxLag samples. */
function bestCorrelation(a: Float32Array, b: Float32Array, maxLag: number): number {
  let best = -1;
  for (let lag = -maxLag; lag <= maxLag; lag += 1) {
    let dot = 0;
    let ea = 0;
    let eb = 0;
    for (let i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
      const x = a[i] as number;
      const y = b[i + lag] as number;
      dot += x * y;
      ea += x * x;
      eb += y * y;
    }
    if (ea > 0 && eb > 0) best = Math.max(best, dot / Math.sqrt(ea * eb));
  }
  return best;
}

describe('Discord end to end against the fake Discord', () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('/say: defers within 3 s, joins, and the fake receives Opus that decodes to the speech the engine produced', async () => {
    const text = 'Hello everyone, welcome to the stream tonight.';
    const before = h.fake.voice.packets.length;
    const record = await h.command(h.owner, 'say', [{ name: 'text', type: 3, value: text }]);
    expect(record.callbacks[0]?.type).toBe(5);
    expect((record.callbacks[0]?.at ?? Infinity) - record.dispatchedAt).toBeLessThan(3000);
    expect(replyText(record)).toBe('Queued.');
    // Wait for the utterance to end: speaking goes back to 0 after the trailing silence.
    const session = await h.fake.waitFor(() => h.fake.voice.openSessions()[0], 10_000, 'a voice session');
    await h.fake.waitFor(() => session.speaking.at(-1)?.value === 0 && h.fake.voice.packets.length > before, 20_000, 'the end of the utterance');
    const packets = h.fake.voice.packets.slice(before);
    expect(packets.every((packet) => packet.ssrc === session.ssrc)).toBe(true);
    for (let i = 1; i < packets.length; i++) {
      expect(((packets[i] as { sequence: number }).sequence - (packets[i - 1] as { sequence: number }).sequence + 65_536) % 65_536).toBe(1);
      expect(((packets[i] as { timestamp: number }).timestamp - (packets[i - 1] as { timestamp: number }).timestamp + 2 ** 32) % 2 ** 32).toBe(960);
    }
    const received = decodePackets(audioPackets(packets));

    // The PCM the engine produced for this utterance, resampled to 48 kHz.
    const synthesis = h.engine.syntheses.at(-1);
    expect(synthesis?.voiceId).toBe(DEFAULT_VOICE.id);
    const expected = await resample(recordedSamples(synthesis as RecordedSynthesis), h.engine.sampleRate, 48_000);

    expect(Math.abs(received.length - expected.length) / expected.length).toBeLessThan(0.05);
    expect(bestCorrelation(expected, received, 960)).toBeGreaterThanOrEqual(0.9);
  });

  /** Runs /clone with `bytes` as the clip; returns the interaction (the consent question, or an error). */
  async function clone(user: FakeUser, name: string, bytes: Buffer, filename = 'me.wav', size = bytes.length): Promise<InteractionRecord> {
    const url = h.fake.putAttachment(filename, bytes, 'audio/wav');
    const attachment = h.fake.attachmentOption('clip', url, filename, size, 'audio/wav');
    return h.command(user, 'clone', [
      { name: 'name', type: 3, value: name },
      attachment.option,
      { name: 'transcript', type: 3, value: '大家好，我是今天的主播。欢迎来到我的直播间，我们一起聊聊天吧。' },
      { name: 'language', type: 3, value: 'zh' },
    ], { resolved: attachment.resolved });
  }

  /** Presses a button of the latest reply; resolves when the bot has finished updating it. */
  async function press(user: FakeUser, record: InteractionRecord, which: 'yes' | 'no'): Promise<InteractionRecord> {
    const rows = (record.edits.at(-1)?.body.components ?? []) as { components: { custom_id: string }[] }[];
    const customId = rows.flatMap((row) => row.components).map((button) => button.custom_id).find((id) => id.startsWith(`clone:${which}:`));
    expect(customId).toBeDefined();
    const press = h.fake.interact({ guildId: h.guild.id, channelId: h.fake.textChannel(h.guild).id, userId: user.id, customId: customId as string });
    await h.fake.waitFor(() => press.callbacks.length > 0 && (which === 'no' || press.edits.some((edit) => !String(edit.body.content).startsWith('Analysing'))), 60_000, 'the consent answer');
    return press;
  }

  async function speech(text: string): Promise<Buffer> {
    const sentences = new TextFrontEnd({}).process(text);
    const chunks: Int16Array[] = [];
    for await (const chunk of h.chorus.engine.synthesize({ sentences, voice: DEFAULT_VOICE })) chunks.push(chunk.samples);
    return encodeWav(concatSamples(Int16Array, chunks), h.chorus.engine.sampleRate);
  }

  it('/clone registers a voice only after the consent button, then replies with measurements and a sample', async () => {
    const wav = await speech('大家好，我是今天的主播。欢迎来到我的直播间，我们一起聊聊天吧。');
    const asked = await clone(h.owner, 'alice', wav);
    expect(isEphemeralReply(asked)).toBe(true);
    expect(replyText(asked)).toContain('your own');
    // The question already says what the clip is like (measured before anything is stored).
    expect(replyText(asked)).toMatch(/Clip: \d+\.\d s with \d+\.\d s of speech; loudness -?\d+ LUFS/);
    expect(await h.chorus.registry.list()).toHaveLength(0);

    const cancelled = await press(h.owner, asked, 'no');
    expect(cancelled.callbacks[0]?.data?.content).toContain('Nothing was stored');
    expect(await h.chorus.registry.list()).toHaveLength(0);

    const again = await clone(h.owner, 'alice', wav);
    const confirmed = await press(h.owner, again, 'yes');
    const final = confirmed.edits.at(-1);
    expect(String(final?.body.content)).toContain('Registered the voice "alice"');
    expect(String(final?.body.content)).toMatch(/LUFS/);
    expect(final?.files[0]?.filename).toBe('alice-sample.wav');
    expect(final?.files[0]?.body.subarray(0, 4).toString('ascii')).toBe('RIFF');
    const voices = await h.chorus.registry.list();
    expect(voices.map((voice) => voice.name)).toEqual(['alice']);
    expect(voices[0]?.consent.confirmedBy.userId).toBe(h.owner.id);
  });

  it('/clone refuses oversized, non-audio, corrupt and too-short clips with an ephemeral error, storing nothing', async () => {
    const bob = h.fake.addUser('bob');
    h.fake.addMember(h.guild, bob);
    const oversized = await clone(h.owner, 'big', Buffer.from('RIFF'), 'big.wav', 500 * 1024 * 1024);
    expect(replyText(oversized)).toMatch(/limit is/);
    const notAudio = await clone(h.owner, 'text', Buffer.from('this is a text file, not audio '.repeat(50)), 'notes.wav');
    expect(replyText(notAudio)).toMatch(/not an audio file/);
    for (const record of [oversized, notAudio]) expect(isEphemeralReply(record)).toBe(true);

    // Decoded and judged before the consent question: refused at once, with no buttons to press.
    const corrupt = await clone(h.owner, 'corrupt', Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.alloc(2000, 7)]));
    expect(replyText(corrupt)).toMatch(/damaged|could not be decoded|no audio/i);
    const short = await clone(h.owner, 'short', await speech('好。'));
    expect(replyText(short)).toMatch(/short|speech/i);
    for (const record of [corrupt, short]) {
      expect(isEphemeralReply(record)).toBe(true);
      expect(record.edits.at(-1)?.body.components ?? []).toEqual([]);
    }
    expect(h.discord.bot.consent.size).toBe(0);
    expect((await h.chorus.registry.list()).map((voice) => voice.name)).toEqual(['alice']);
  });

  it('reads chat in the bound channel in the author\'s voice; skips ;-messages and muted users', async () => {
    const join = await h.command(h.owner, 'join');
    expect(replyText(join)).toContain('Joined');
    const text = h.fake.textChannel(h.guild).id;
    const alice = (await h.chorus.registry.list())[0];
    const count = h.engine.syntheses.length;
    h.fake.message({ guildId: h.guild.id, channelId: text, userId: h.owner.id, content: ';do not read this' });
    h.fake.message({ guildId: h.guild.id, channelId: text, userId: h.owner.id, content: 'good evening **chat** https://example.com' });
    const spoken = await h.fake.waitFor(() => h.engine.syntheses.slice(count).find((synthesis) => /good evening/i.test(synthesis.text)), 10_000, 'the message to be spoken');
    expect(spoken.voiceId).toBe(alice?.id);
    expect(spoken.text.toLowerCase()).toContain('good evening chat');
    expect(spoken.text).not.toContain('example');
    expect(h.engine.syntheses.slice(count).some((synthesis) => /do not read/i.test(synthesis.text))).toBe(false);

    const mute = await h.command(h.owner, 'mute', [{ name: 'who', type: 9, value: h.owner.id }]);
    expect(replyText(mute)).toContain('will not read');
    const muted = h.engine.syntheses.length;
    h.fake.message({ guildId: h.guild.id, channelId: text, userId: h.owner.id, content: 'you should not hear this' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.engine.syntheses.slice(muted).some((synthesis) => /should not hear/i.test(synthesis.text))).toBe(false);
    await h.chorus.whenIdle();
    await h.command(h.owner, 'unmute', [{ name: 'who', type: 9, value: h.owner.id }]);
  });

  it('/skip stops audio within 200 ms, even mid-utterance; /clear empties the queue', async () => {
    const long = 'This is a long announcement. '.repeat(8);
    const before = h.fake.voice.packets.length;
    await h.command(h.owner, 'say', [{ name: 'text', type: 3, value: long }]);
    await h.command(h.owner, 'say', [{ name: 'text', type: 3, value: 'second message' }]);
    await h.command(h.owner, 'say', [{ name: 'text', type: 3, value: 'third message' }]);
    await h.fake.waitFor(() => audioPackets(h.fake.voice.packets.slice(before)).length > 25, 20_000, 'audio to start');
    const cleared = await h.command(h.owner, 'clear');
    expect(replyText(cleared)).toBe('Cleared 2 waiting messages.');
    const skip = h.fake.interact({ guildId: h.guild.id, channelId: h.fake.textChannel(h.guild).id, userId: h.owner.id, command: 'skip' });
    await h.fake.waitFor(() => skip.edits.length > 0, 5000, 'the skip reply');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const lastAudio = audioPackets(h.fake.voice.packets.slice(before)).at(-1);
    expect(String(skip.edits[0]?.body.content)).toBe('Skipped.');
    expect((lastAudio?.at ?? Infinity) - skip.dispatchedAt).toBeLessThan(200);
  });

  it('permissions: another member cannot use or delete a private voice, and /settings needs Manage Server', async () => {
    const bob = h.guild.members.find((member) => member.user.username === 'bob')?.user as FakeUser;
    const use = await h.command(bob, 'voice', [{ name: 'use', type: 1, options: [{ name: 'name', type: 3, value: 'alice' }] }]);
    expect(replyText(use)).toMatch(/no voice called "alice"/);
    const sayAs = await h.command(bob, 'say', [{ name: 'text', type: 3, value: 'hi' }, { name: 'voice', type: 3, value: 'alice' }]);
    expect(isEphemeralReply(sayAs)).toBe(true);
    expect(replyText(sayAs)).toMatch(/alice/);
    const settings = await h.command(bob, 'settings', [{ name: 'readnames', type: 5, value: false }]);
    expect(isEphemeralReply(settings)).toBe(true);
    expect(replyText(settings)).toMatch(/Manage Server/);
    expect((await h.discord.bot.store.load(h.guild.id)).settings.readNames).toBe(true);

    // Shared: bob may use it, but still not delete it; the owner may.
    await h.command(h.owner, 'voice', [{ name: 'share', type: 1, options: [{ name: 'name', type: 3, value: 'alice' }] }]);
    expect(replyText(await h.command(bob, 'voice', [{ name: 'use', type: 1, options: [{ name: 'name', type: 3, value: 'alice' }] }]))).toMatch(/now speak with "alice"/);
    expect(replyText(await h.command(bob, 'voice', [{ name: 'delete', type: 1, options: [{ name: 'name', type: 3, value: 'alice' }] }]))).toMatch(/Only the owner/);
    expect(await h.chorus.registry.list()).toHaveLength(1);
    const changed = await h.command(h.owner, 'settings', [{ name: 'readnames', type: 5, value: false }]);
    expect(replyText(changed)).toContain('Changed readNames');
  });

  it('resumes after the gateway connection drops', async () => {
    h.fake.dropGateway();
    await h.fake.waitFor(() => h.fake.resumes.length > 0 && h.fake.connected, 20_000, 'a RESUME');
    expect(h.fake.identifies).toHaveLength(1);
    expect(replyText(await h.command(h.owner, 'queue'))).toBeTruthy();
  });

  it('rejoins when the voice server closes the connection', async () => {
    const voice = h.discord.bot.voice(h.guild.id);
    const sessions = h.fake.voice.sessions.length;
    const messages = h.fake.channelMessages.length;
    h.fake.voice.closeSessions(4006);
    await h.fake.waitFor(() => h.fake.voice.sessions.length > sessions && voice?.state.status === 'ready', 10_000, 'a rejoin');
    const before = h.fake.voice.packets.length;
    await h.command(h.owner, 'say', [{ name: 'text', type: 3, value: 'still here' }]);
    await h.fake.waitFor(() => audioPackets(h.fake.voice.packets.slice(before)).length > 5, 10_000, 'audio after the rejoin');
    // Recovered by itself: nothing to tell the guild.
    expect(h.fake.channelMessages.length).toBe(messages);
  });

  it('gives up after a handful of rejoins when every voice connection is closed with 4017', async () => {
    const voice = h.discord.bot.voice(h.guild.id);
    const requests = h.fake.voiceStateRequests.length;
    const messages = h.fake.channelMessages.length;
    h.fake.voice.closeOnIdentify.push(...Array<number>(50).fill(4017));
    h.fake.voice.closeSessions(4017);
    await h.fake.waitFor(() => voice?.state.status === 'failed', 10_000, 'the connection to give up');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const sent = h.fake.voiceStateRequests.length - requests;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(5);
    expect(voice?.state.status === 'failed' && voice.state.reason).toMatch(/DAVE/);
    // One notice in the bound text channel, in words a streamer can act on.
    expect(h.fake.channelMessages.slice(messages).map((message) => message.channelId)).toEqual([h.fake.textChannel(h.guild).id]);
    const notice = String(h.fake.channelMessages[messages]?.body.content);
    expect(notice).toMatch(/end-to-end encrypted voice \(DAVE\)/);
    expect(notice).toMatch(/closed it 4 times in a minute/);
    expect(notice).toMatch(/\/join/);
    h.fake.voice.closeOnIdentify.length = 0;
  });

  it('commands:deploy bulk-overwrites every command file to the development guild through DISCORD_API_URL', async () => {
    const commands = await loadCommands();
    const count = await deployCommands({ token: h.fake.token, clientId: h.fake.application.id, apiUrl: h.fake.apiUrl, guildId: h.guild.id, commands: commands.values() });
    expect(count).toBe(commands.size);
    const deploy = h.fake.commandDeploys.at(-1);
    expect(deploy?.path).toBe(`/applications/${h.fake.application.id}/guilds/${h.guild.id}/commands`);
    const names = (deploy?.body as { name: string }[]).map((command) => command.name).sort();
    expect(names).toEqual(['clear', 'clone', 'dict', 'join', 'leave', 'mute', 'queue', 'say', 'settings', 'skip', 'unmute', 'voice']);
    const settings = (deploy?.body as { name: string; default_member_permissions?: string }[]).find((command) => command.name === 'settings');
    expect(settings?.default_member_permissions).toBe(String(1n << 5n));
  });
});
