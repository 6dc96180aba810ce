import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser, InteractionRecord } from '../../../../test/fakes/discord/FakeDiscord.ts';
import type { RecordedSynthesis } from '../../../../test/fakes/discord/RecordingEngine.ts';
import { guildTarget } from '../SpeechHost.ts';
import { audioPackets, isEphemeralReply, replyText, startBotHarness, type BotHarness } from '../../../../test/fakes/discord/botHarness.ts';

/**
 * The guild features around reading chat, against the fake Discord with the real discord.js: the voice channel's
 * own chat, the required role, the dictionary, join/leave announcements, /queue, the maxSeconds cut-off, /voice
 * management by a manager, auto-leave with its grace period, autojoin, a kick (4014) and /leave.
 * The tests share one bot and run in order; each leaves the settings it changed as it found them.
 */
describe('Discord guild features against the fake Discord', () => {
  const GRACE_MS = 300;
  let h: BotHarness;
  let bob: FakeUser;
  let text: string;
  let voiceChannel: string;

  beforeAll(async () => {
    h = await startBotHarness({ bot: { autoLeaveGraceMs: GRACE_MS, voiceMoveGraceMs: 500 } });
    bob = h.fake.addUser('bob');
    h.fake.addMember(h.guild, bob);
    text = h.fake.textChannel(h.guild).id;
    voiceChannel = h.fake.voiceChannel(h.guild).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  const sub = (name: string, options: Record<string, unknown>[] = []): Record<string, unknown>[] => [{ name, type: 1, options }];
  const str = (name: string, value: string): Record<string, unknown> => ({ name, type: 3, value });
  const settings = (options: Record<string, unknown>[]): Promise<InteractionRecord> => h.command(h.owner, 'settings', options);

  /** Waits for the engine to be asked to speak something matching `pattern` (after synthesis number `since`). */
  function spoken(pattern: RegExp, since: number, what = String(pattern)): Promise<RecordedSynthesis> {
    return h.fake.waitFor(() => h.engine.syntheses.slice(since).find((synthesis) => pattern.test(synthesis.text)), 10_000, `the engine to speak ${what}`);
  }
  const said = (pattern: RegExp, since: number): boolean => h.engine.syntheses.slice(since).some((synthesis) => pattern.test(synthesis.text));
  /** Drops whatever plays or waits, so the next test starts quiet without waiting for speech to finish. */
  const silence = (): void => h.chorus.player(guildTarget(h.guild.id)).stop();
  const say = (user: FakeUser, content: string, channelId = text): string => h.fake.message({ guildId: h.guild.id, channelId, userId: user.id, content });

  it('reads the voice channel\'s own text chat, and /settings required_role limits who is read', async () => {
    expect(replyText(await h.command(h.owner, 'join'))).toContain('Joined');
    let since = h.engine.syntheses.length;
    say(h.owner, 'hello from the voice chat', voiceChannel);
    await spoken(/hello from the voice chat/i, since);

    const readers = h.fake.addRole(h.guild, 'Readers', 0n);
    const changed = await settings([{ name: 'required_role', type: 8, value: readers }]);
    expect(replyText(changed)).toContain('Changed requiredRoleId');
    expect((await h.discord.bot.store.load(h.guild.id)).settings.requiredRoleId).toBe(readers);
    since = h.engine.syntheses.length;
    say(h.owner, 'without the role');
    const member = h.guild.members.find((candidate) => candidate.user.id === h.owner.id);
    member?.roles.push(readers);
    say(h.owner, 'with the role');
    await spoken(/with the role/i, since);
    expect(said(/without the role/i, since)).toBe(false);

    expect(replyText(await settings([{ name: 'clear_required_role', type: 5, value: true }]))).toContain('requiredRoleId: null');
    if (member) member.roles = [];
    silence();
  });

  it('/dict add, list and remove: managers only, applied to messages and to the announced name', async () => {
    const refused = await h.command(bob, 'dict', sub('add', [str('word', 'pog'), str('reading', 'wonderful')]));
    expect(isEphemeralReply(refused)).toBe(true);
    expect(replyText(refused)).toMatch(/Manage Server/);

    // Announce the name on every message, so the dictionary's effect on it shows.
    await settings([{ name: 'namerepeatseconds', type: 4, value: 0 }]);
    expect(replyText(await h.command(h.owner, 'dict', sub('add', [str('word', 'POG'), str('reading', 'wonderful')])))).toBe('"POG" is now read as "wonderful".');
    await h.command(h.owner, 'dict', sub('add', [str('word', 'Alice'), str('reading', 'Ally')]));
    expect(replyText(await h.command(h.owner, 'dict', sub('list')))).toBe('• alice → Ally\n• pog → wonderful');

    let since = h.engine.syntheses.length;
    say(h.owner, 'pog everyone');
    const read = await spoken(/everyone/i, since);
    expect(read.text).toMatch(/Ally said/);
    expect(read.text).toMatch(/wonderful everyone/i);
    expect(read.text).not.toMatch(/Alice|\bpog\b/i);

    expect(replyText(await h.command(h.owner, 'dict', sub('remove', [str('word', 'pog')])))).toBe('Removed "pog".');
    expect(replyText(await h.command(h.owner, 'dict', sub('remove', [str('word', 'pog')])))).toMatch(/was not in the dictionary/);
    since = h.engine.syntheses.length;
    say(h.owner, 'pog again');
    const again = await spoken(/again/i, since);
    expect(again.text).toMatch(/\bpog again/i);
    expect(replyText(await h.command(h.owner, 'dict', sub('list')))).toBe('• alice → Ally');
    await h.command(h.owner, 'dict', sub('remove', [str('word', 'alice')]));
    await settings([{ name: 'namerepeatseconds', type: 4, value: 30 }]);
    silence();
  });

  it('announces members joining and leaving the bot\'s channel, with the dictionary applied to their names', async () => {
    await settings([{ name: 'announcejoinleave', type: 5, value: true }]);
    await h.command(h.owner, 'dict', sub('add', [str('word', 'bob'), str('reading', 'Robert')]));
    let since = h.engine.syntheses.length;
    h.fake.setUserVoice(h.guild, bob.id, voiceChannel);
    await spoken(/^Robert joined\.$/, since);
    since = h.engine.syntheses.length;
    h.fake.setUserVoice(h.guild, bob.id, null);
    await spoken(/^Robert left\.$/, since);
    // The owner is still listening: the bot stays.
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 200));
    expect(h.discord.bot.voice(h.guild.id)?.state.status).toBe('ready');

    await settings([{ name: 'announcejoinleave', type: 5, value: false }]);
    await h.command(h.owner, 'dict', sub('remove', [str('word', 'bob')]));
    since = h.engine.syntheses.length;
    h.fake.setUserVoice(h.guild, bob.id, voiceChannel);
    h.fake.setUserVoice(h.guild, bob.id, null);
    say(h.owner, 'announcements are off now');
    await spoken(/announcements are off/i, since);
    expect(said(/joined|left/, since)).toBe(false);
    silence();
  });

  it('/queue shows what plays and waits; an utterance longer than maxSeconds is cut off', async () => {
    await settings([{ name: 'maxseconds', type: 4, value: 3 }]);
    const session = await h.fake.waitFor(() => h.fake.voice.openSessions()[0], 10_000, 'a voice session');
    const before = h.fake.voice.packets.length;
    const long = 'This is a very long announcement that goes on and on. '.repeat(4);
    await h.command(h.owner, 'say', [str('text', long)]);
    await h.command(h.owner, 'say', [str('text', 'second message')]);
    await h.command(h.owner, 'say', [str('text', 'third message')]);
    await h.fake.waitFor(() => audioPackets(h.fake.voice.packets.slice(before)).length > 10, 20_000, 'audio to start');

    const queue = await h.command(h.owner, 'queue');
    expect(isEphemeralReply(queue)).toBe(true);
    const lines = replyText(queue).split('\n');
    expect(lines[0]).toMatch(/^▶ \*\*Alice\*\*: This is a very long announcement/);
    expect(lines[0]?.endsWith('…')).toBe(true);
    expect(lines.slice(1)).toEqual(['1. **Alice**: second message', '2. **Alice**: third message']);
    expect(replyText(await h.command(h.owner, 'clear'))).toBe('Cleared 2 waiting messages.');

    // ~12 s of speech; the cut comes after 3 s of playback.
    const speakingSince = session.speaking.length;
    await h.fake.waitFor(() => session.speaking.slice(speakingSince).some((event) => event.value === 0), 10_000, 'the cut-off');
    const seconds = (audioPackets(h.fake.voice.packets.slice(before)).length * 20) / 1000;
    expect(seconds).toBeGreaterThan(2);
    expect(seconds).toBeLessThan(3.8);
    expect(replyText(await h.command(h.owner, 'queue'))).toBe('Nothing is playing or waiting.');
    await settings([{ name: 'maxseconds', type: 4, value: 30 }]);
  });

  it('/voice list, info and rename for the owner; a manager may delete a voice shared here, never a private one', async () => {
    // /voice manages stored voices; a registered clip is enough (no engine analysis needed for these commands).
    const owner = { platform: 'discord' as const, userId: bob.id };
    const samples = new Float32Array(5 * 24_000).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 140 * i) / 24_000));
    await h.chorus.registry.register({
      name: 'bobvoice',
      owner,
      scope: { kind: 'private' },
      language: 'en',
      transcript: 'Hello there, this is how I sound when I read the chat for everyone.',
      clip: { samples, sampleRate: 24_000 },
      features: {},
      consent: { confirmedBy: owner, confirmedAt: new Date(), statement: 'test' },
    });

    expect(replyText(await h.command(bob, 'voice', sub('list')))).toBe('• **bobvoice** (en, yours, private)');
    const info = replyText(await h.command(bob, 'voice', sub('info', [str('name', 'bobvoice')]))).split('\n');
    expect(info[0]).toBe(`**bobvoice**: English, owned by <@${bob.id}>, private.`);
    expect(info[1]).toMatch(/^Reference clip: 5\.0 s\. Registered \d{4}-\d\d-\d\d\.$/);
    expect(info[2]).toBe('Transcript: Hello there, this is how I sound when I read the chat for everyone.');
    expect(replyText(await h.command(bob, 'voice', sub('rename', [str('name', 'bobvoice'), str('new_name', 'bobby')])))).toBe('Renamed to "bobby".');
    expect(replyText(await h.command(h.owner, 'voice', sub('rename', [str('name', 'bobby'), str('new_name', 'mine')])))).toMatch(/no voice called "bobby"/);

    // The guild owner manages the server, but bob's private voice is not theirs to see or delete.
    expect(replyText(await h.command(h.owner, 'voice', sub('delete', [str('name', 'bobby')])))).toMatch(/no voice called "bobby"/);
    expect((await h.chorus.registry.list()).map((voice) => voice.name)).toEqual(['bobby']);
    await h.command(bob, 'voice', sub('share', [str('name', 'bobby')]));
    expect(replyText(await h.command(h.owner, 'voice', sub('list')))).toBe(`• **bobby** (en, by <@${bob.id}>, shared with this server)`);
    // A manager may not rename someone else's voice, but may delete it once it is shared here.
    expect(replyText(await h.command(h.owner, 'voice', sub('rename', [str('name', 'bobby'), str('new_name', 'mine')])))).toMatch(/owner/i);
    expect(replyText(await h.command(h.owner, 'voice', sub('delete', [str('name', 'bobby')])))).toBe('Deleted "bobby" and its recording.');
    expect(await h.chorus.registry.list()).toEqual([]);
  });

  it('leaves after the grace period when alone (not if someone returns in time), keeps the channel bound, and autojoins', async () => {
    await settings([{ name: 'autojoin', type: 5, value: true }]);
    const leaves = (): number => h.fake.voiceStateRequests.filter((request) => request.channel_id === null).length;
    const left = leaves();
    h.fake.setUserVoice(h.guild, h.owner.id, null);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS / 3));
    h.fake.setUserVoice(h.guild, h.owner.id, voiceChannel);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS * 2));
    expect(leaves()).toBe(left);
    expect(h.discord.bot.voice(h.guild.id)?.state.status).toBe('ready');

    const alone = performance.now();
    h.fake.setUserVoice(h.guild, h.owner.id, null);
    await h.fake.waitFor(() => leaves() > left, 5000, 'the bot to leave');
    expect(performance.now() - alone).toBeGreaterThanOrEqual(GRACE_MS - 20);
    expect(h.discord.bot.voice(h.guild.id)).toBeUndefined();
    expect((await h.discord.bot.store.load(h.guild.id)).boundChannelId).toBe(text);

    // Back in voice, a message in the bound channel brings the bot back and is read.
    h.fake.setUserVoice(h.guild, h.owner.id, voiceChannel);
    const joins = h.fake.voiceStateRequests.length;
    const since = h.engine.syntheses.length;
    say(h.owner, 'are you there');
    await spoken(/are you there/i, since);
    expect(h.fake.voiceStateRequests.slice(joins).map((request) => request.channel_id)).toContain(voiceChannel);
    expect(h.discord.bot.voice(h.guild.id)?.state.status).toBe('ready');
    await settings([{ name: 'autojoin', type: 5, value: false }]);
    silence();
  });

  it('kicked from voice (4014): gives up with a reason, and the next /say joins again', async () => {
    const voice = h.discord.bot.voice(h.guild.id);
    h.fake.kickBot(h.guild);
    await h.fake.waitFor(() => voice?.state.status === 'failed', 10_000, 'the connection to give up');
    expect(voice?.state.status === 'failed' && voice.state.reason).toMatch(/disconnected from the channel/);
    expect(voice?.totalRejoins).toBe(0);

    const before = h.fake.voice.packets.length;
    expect(replyText(await h.command(h.owner, 'say', [str('text', 'back again')]))).toBe('Queued.');
    await h.fake.waitFor(() => audioPackets(h.fake.voice.packets.slice(before)).length > 5, 10_000, 'audio after joining again');
    expect(h.discord.bot.voice(h.guild.id)?.state.status).toBe('ready');
    silence();
  });

  it('/leave leaves voice, unbinds the channel and stops reading', async () => {
    await h.command(h.owner, 'join');
    expect(replyText(await h.command(h.owner, 'leave'))).toBe('Left the voice channel.');
    expect(h.fake.voiceStateRequests.at(-1)?.channel_id).toBeNull();
    expect((await h.discord.bot.store.load(h.guild.id)).boundChannelId).toBeUndefined();
    expect(replyText(await h.command(h.owner, 'leave'))).toBe('I was not in a voice channel.');
    const since = h.engine.syntheses.length;
    say(h.owner, 'nobody reads this');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(said(/nobody reads this/i, since)).toBe(false);
  });
});
