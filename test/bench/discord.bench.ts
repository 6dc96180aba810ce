import { startBotHarness } from '../fakes/discord/botHarness.ts';
import { OPUS_SILENCE } from '../fakes/discord/FakeVoiceServer.ts';
import { percentile } from './percentile.ts';

const TEXTS = ['主播晚上好！', 'Good evening, everyone!', '这波操作太秀了', 'That was amazing.', '谢谢大家的礼物', 'See you tomorrow.'];
const RUNS = 50;
const GUILDS = 10;

const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;

/**
 * Discord with the fake Discord on loopback, the built-in engine, and the real discord.js/@discordjs/voice:
 * INTERACTION_CREATE → first RTP packet for /say, and the process's RSS with 10 guilds speaking at once
 * (the fake Discord runs in the same process, so RSS includes it).
 */
export async function runDiscordBench(): Promise<string[]> {
  const lines: string[] = [];
  const h = await startBotHarness({ guilds: GUILDS });
  try {
    const { fake } = h;
    const say = (guildIndex: number, text: string) => {
      const guild = fake.guilds[guildIndex];
      if (guild === undefined) throw new Error('no such guild');
      const owner = guild.members.find((member) => member.user.id === guild.ownerId)?.user;
      return fake.interact({ guildId: guild.id, channelId: fake.textChannel(guild).id, userId: owner?.id ?? '', command: 'say', options: [{ name: 'text', type: 3, value: text }] });
    };
    // Warm-up: the first /say joins voice and compiles the engine.
    say(0, 'warm up');
    await fake.waitFor(() => fake.voice.packets.length > 0, 30_000, 'the first packet');
    await h.chorus.whenIdle();

    const latencies: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const before = fake.voice.packets.length;
      const record = say(0, TEXTS[run % TEXTS.length] as string);
      // The first audio packet sent after the interaction (trailing silence of the previous utterance does not count).
      const first = await fake.waitFor(() => fake.voice.packets.slice(before).find((packet) => packet.at > record.dispatchedAt && !packet.opus.equals(OPUS_SILENCE)), 20_000, 'a packet');
      latencies.push(first.at - record.dispatchedAt);
      await h.chorus.whenIdle();
    }
    lines.push(
      `/say INTERACTION_CREATE → first RTP packet (${RUNS} runs, short Chinese and English): p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
        `p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (first run in a fresh channel includes the voice join)`,
    );

    const idleRss = process.memoryUsage().rss;
    const long = '今天的直播真的太精彩了，主播的操作让我大开眼界。我从下午三点就开始看，一直看到现在，完全停不下来。';
    for (let index = 0; index < GUILDS; index++) say(index, long);
    let peak = 0;
    const started = performance.now();
    const ssrcs = new Set<number>();
    const stop = fake.voice.onPacket((packet) => ssrcs.add(packet.ssrc));
    while (performance.now() - started < 8000) {
      peak = Math.max(peak, process.memoryUsage().rss);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stop();
    await h.chorus.whenIdle();
    lines.push(`RSS with ${GUILDS} guilds speaking at once (${ssrcs.size} voice streams seen): ${mib(peak)} peak vs ${mib(idleRss)} with one guild idle (bot + fake Discord + engine in one process)`);
  } finally {
    await h.close();
  }
  return lines;
}
