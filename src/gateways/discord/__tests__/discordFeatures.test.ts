import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission, type FakeUser, type InteractionRecord } from '../../../../test/fakes/discord/FakeDiscord.ts';
import type { RecordedSynthesis } from '../../../../test/fakes/discord/RecordingEngine.ts';
import { guildTarget } from '../SpeechHost.ts';
import { audioPackets, isEphemeralReply, replyText, startBotHarness, type BotHarness } from '../../../../test/fakes/discord/botHarness.ts';

/**
 * The guild features around reading chat, against the fake Discord with the real discord.js: the voice channel's
 * own chat, the required role, the dictionary, join/leave announcements, /queue, the maxSeconds cut-off, /voice
 * management by a manager, auto-leave with its grace period, autojoin, a moderator moving the bot, rejoining after a
 * restart, give-up notices in the bound channel (4021, a kick with 4014) and /leave.
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
    const messages = h.fake.channelMessages.length;
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
    // Leaving because nobody listens is not a failure: nothing is posted, and a restart would not rejoin.
    expect(h.fake.channelMessages.length).toBe(messages);
    expect(await h.discord.bot.store.voiceSessionsToResume()).toEqual([]);

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

  it('follows a moderator\'s move (4014 then a new voice server, or the same server), keeps speaking there, and does not move back', async () => {
    const voice = h.discord.bot.voice(h.guild.id);
    expect(voice?.state.status).toBe('ready');
    const stream = h.fake.addChannel(h.guild, 'Stream', 2);
    await h.fake.waitFor(() => h.discord.bot.voice(h.guild.id) !== undefined && h.discord.gateway.client.channels.cache.has(stream.id), 5000, 'the new channel');
    const requests = h.fake.voiceStateRequests.length;
    const sessions = h.fake.voice.sessions.length;
    const messages = h.fake.channelMessages.length;
    const rejoins = voice?.totalRejoins;

    // The streamer moves first (the old channel is empty for a moment: auto-leave must not fire), then drags the bot.
    h.fake.setUserVoice(h.guild, h.owner.id, stream.id);
    h.fake.moveBot(h.guild, stream.id);
    await h.fake.waitFor(() => voice?.state.status === 'ready' && voice.channelId === stream.id && h.fake.voice.sessions.length > sessions && h.fake.voice.openSessions().length === 1, 10_000, 'the bot to reconnect in the new channel');
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS * 2));
    expect(h.discord.bot.voice(h.guild.id)).toBe(voice);
    expect(voice?.state).toEqual({ status: 'ready', channelId: stream.id });
    const session = h.fake.voice.openSessions()[0];
    const before = h.fake.voice.packets.length;
    await h.command(h.owner, 'say', [str('text', 'speaking in the new channel')]);
    await h.fake.waitFor(() => audioPackets(h.fake.voice.packets.slice(before)).length > 5, 10_000, 'audio in the new channel');
    expect(audioPackets(h.fake.voice.packets.slice(before)).every((packet) => packet.ssrc === session?.ssrc)).toBe(true);
    // The bot neither asked to go back nor counted the move as a failure, and said nothing in chat.
    expect(h.fake.voiceStateRequests.slice(requests)).toEqual([]);
    expect(voice?.totalRejoins).toBe(rejoins);
    expect(h.fake.channelMessages.length).toBe(messages);
    expect(await h.discord.bot.store.voiceSessionsToResume()).toEqual([{ guildId: h.guild.id, voiceChannelId: stream.id, boundChannelId: text }]);

    // Moved back within the same voice server: no new voice session, only the channel changes.
    const sameSessions = h.fake.voice.sessions.length;
    h.fake.setUserVoice(h.guild, h.owner.id, voiceChannel);
    h.fake.moveBot(h.guild, voiceChannel, { sameServer: true });
    await h.fake.waitFor(() => voice?.channelId === voiceChannel, 5000, 'the bot to follow the same-server move');
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS * 2));
    expect(voice?.state).toEqual({ status: 'ready', channelId: voiceChannel });
    expect(h.fake.voice.sessions.length).toBe(sameSessions);
    expect(h.fake.voiceStateRequests.slice(requests)).toEqual([]);
    silence();
  });

  it('after a restart, rejoins the voice channel it was in (someone listening, text channel bound) and speaks again', async () => {
    expect(h.discord.bot.voice(h.guild.id)?.channelId).toBe(voiceChannel);
    await h.restartDiscord();
    await h.fake.waitFor(() => h.discord.bot.voice(h.guild.id)?.state.status === 'ready', 10_000, 'the bot to rejoin after the restart');
    expect(h.discord.bot.voice(h.guild.id)?.channelId).toBe(voiceChannel);
    expect(h.fake.voiceStateRequests.at(-1)?.channel_id).toBe(voiceChannel);
    // Speaking works at once; /say rather than chat, which Chorus' per-viewer chat rate limit may hold back here.
    const before = h.fake.voice.packets.length;
    expect(replyText(await h.command(h.owner, 'say', [str('text', 'welcome back')]))).toBe('Queued.');
    await h.fake.waitFor(() => audioPackets(h.fake.voice.packets.slice(before)).length > 5, 10_000, 'audio after the restart');
    silence();
  });

  it('gives up on 4021 without posting where it may not write; kicked (4014): says so once in the bound channel, no autojoin until asked', async () => {
    const textChannel = h.fake.textChannel(h.guild);
    h.fake.denyBot(h.guild, textChannel, Permission.SendMessages);
    await h.fake.waitFor(() => h.discord.gateway.client.channels.cache.get(text)?.isSendable() === true && h.discord.gateway.client.guilds.cache.get(h.guild.id)?.members.me?.permissionsIn(text).has('SendMessages') === false, 5000, 'the overwrite');
    let messages = h.fake.channelMessages.length;
    let voice = h.discord.bot.voice(h.guild.id);
    h.fake.voice.closeSessions(4021);
    await h.fake.waitFor(() => voice?.state.status === 'failed', 10_000, 'the connection to give up');
    expect(voice?.state.status === 'failed' && voice.state.cause).toBe('rate-limited');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.fake.channelMessages.length).toBe(messages);
    h.fake.denyBot(h.guild, textChannel, 0n);
    await h.fake.waitFor(() => h.discord.gateway.client.guilds.cache.get(h.guild.id)?.members.me?.permissionsIn(text).has('SendMessages') === true, 5000, 'the overwrite to be lifted');

    await h.command(h.owner, 'join');
    voice = h.discord.bot.voice(h.guild.id);
    await settings([{ name: 'autojoin', type: 5, value: true }]);
    messages = h.fake.channelMessages.length;
    const rejoins = voice?.totalRejoins;
    h.fake.kickBot(h.guild);
    await h.fake.waitFor(() => voice?.state.status === 'failed', 10_000, 'the connection to give up');
    expect(voice?.state.status === 'failed' && voice.state.reason).toMatch(/disconnected from the channel/);
    expect(voice?.totalRejoins).toBe(rejoins);
    const notice = await h.fake.waitFor(() => h.fake.channelMessages[messages], 5000, 'the notice');
    expect(notice.channelId).toBe(text);
    expect(String(notice.body.content)).toMatch(/disconnected me from <#\d+>.*\/join/);
    expect(await h.discord.bot.store.voiceSessionsToResume()).toEqual([]);

    // A chat message does not pull the kicked bot back (autojoin is on); an explicit /say does.
    const requests = h.fake.voiceStateRequests.length;
    say(h.owner, 'are you gone');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.fake.voiceStateRequests.slice(requests).filter((request) => request.channel_id !== null)).toEqual([]);
    await settings([{ name: 'autojoin', type: 5, value: false }]);
    const before = h.fake.voice.packets.length;
    expect(replyText(await h.command(h.owner, 'say', [str('text', 'back again')]))).toBe('Queued.');
    await h.fake.waitFor(() => audioPackets(h.fake.voice.packets.slice(before)).length > 5, 10_000, 'audio after joining again');
    expect(h.discord.bot.voice(h.guild.id)?.state.status).toBe('ready');
    expect(h.fake.channelMessages.length).toBe(messages + 1);
    silence();
  });

  it('/leave leaves voice, unbinds the channel and stops reading, says nothing in chat, and a restart does not rejoin', async () => {
    await h.command(h.owner, 'join');
    const messages = h.fake.channelMessages.length;
    expect(replyText(await h.command(h.owner, 'leave'))).toBe('Left the voice channel.');
    expect(h.fake.voiceStateRequests.at(-1)?.channel_id).toBeNull();
    expect((await h.discord.bot.store.load(h.guild.id)).boundChannelId).toBeUndefined();
    expect(replyText(await h.command(h.owner, 'leave'))).toBe('I was not in a voice channel.');
    const since = h.engine.syntheses.length;
    say(h.owner, 'nobody reads this');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(said(/nobody reads this/i, since)).toBe(false);
    expect(h.fake.channelMessages.length).toBe(messages);

    await h.restartDiscord();
    const requests = h.fake.voiceStateRequests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.fake.voiceStateRequests.slice(requests)).toEqual([]);
    expect(h.discord.bot.voice(h.guild.id)).toBeUndefined();
  });
});
