import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { encodeWav } from '../../audio/WavWriter.ts';
import { concatSamples } from '../../audio/pcm.ts';
import { sniffAudioFormat, ACCEPTED_AUDIO_FORMATS } from '../../audio/sniffAudioFormat.ts';
import type { Logger } from '../../log/createLogger.ts';
import { TextFrontEnd } from '../../text/TextFrontEnd.ts';
import type { Language } from '../../text/TextPart.ts';
import { describeClip, describeEnrollment } from '../../voices/describeEnrollment.ts';
import type { Voice } from '../../voices/Voice.ts';
import { normalizeTranscript } from '../../voices/transcript.ts';
import { normalizeVoiceName } from '../../voices/voiceName.ts';
import { VoiceNameTakenError } from '../../voices/VoiceNameTakenError.ts';
import { CONSENT_STATEMENT, consentCustomId, parseConsentCustomId } from './CloneConsent.ts';
import type { DiscordBot } from './DiscordBot.ts';
import { DiscordUserError, userMessageOf } from './DiscordUserError.ts';
import type { CommandReply } from './SlashCommand.ts';
import type { SynthesisEngine } from '../../synthesis/SynthesisEngine.ts';

const SAMPLE_TEXT: Readonly<Record<Language, string>> = { zh: '你好，这是我的新声音。', en: 'Hello, this is my new voice.' };
const SAMPLE_MAX_SECONDS = 8;

/**
 * /clone, step 1: check the name and transcript, download, sniff, decode and judge the clip, and ask for
 * consent. Nothing is stored; the accepted clip waits in memory until the caller presses Yes (step 2) or it expires.
 */
export async function startClone(interaction: ChatInputCommandInteraction<'cached'>, bot: DiscordBot): Promise<CommandReply> {
  bot.limiter.take('clone', interaction.user.id);
  const name = normalizeVoiceName(interaction.options.getString('name', true));
  const transcript = normalizeTranscript(interaction.options.getString('transcript', true));
  const language = (interaction.options.getString('language') ?? (/\p{Script=Han}/u.test(transcript) ? 'zh' : 'en')) as Language;
  const clip = interaction.options.getAttachment('clip', true);
  const owner = { platform: 'discord' as const, userId: interaction.user.id };
  if (await bot.host.registry.isNameTaken(owner, name)) throw new VoiceNameTakenError(name);
  const bytes = await bot.fetcher.fetch({ url: clip.url, filename: clip.name, size: clip.size });
  if (sniffAudioFormat(bytes) === null) {
    throw new DiscordUserError('clip-not-audio', `"${clip.name}" is not an audio file I can read. Upload a recording as ${ACCEPTED_AUDIO_FORMATS}.`);
  }
  // Decode and judge the clip now, so a damaged or too-short recording is refused before consent is asked;
  // the accepted clip waits in memory and is stored only after Yes.
  const inspected = await bot.host.enrollment.inspect(bytes);
  const token = bot.consent.add({ userId: interaction.user.id, guildId: interaction.guildId, name, transcript, language, inspected });
  return {
    content:
      `Before I store anything: is the voice in **${clip.name}** your own, or has its speaker agreed to it being cloned?\n` +
      'Only say yes if that is true. The voice will be yours: only you can use, rename or share it.\n' +
      // What the clip is like, so a poor recording can be replaced now rather than after registering it.
      describeClip(inspected).join('\n'),
    components: [consentButtons(consentCustomId('yes', token), consentCustomId('no', token))],
  };
}

/** /clone, step 2: the consent button. Yes registers the voice and replies with what was measured and a sample. */
export async function handleConsentButton(interaction: ButtonInteraction<'cached'>, bot: DiscordBot, logger: Logger): Promise<void> {
  const parsed = parseConsentCustomId(interaction.customId);
  if (parsed === undefined) return;
  const pending = bot.consent.take(parsed.token, interaction.user.id);
  if (pending === 'not-yours') {
    await interaction.reply({ content: 'Only the person who ran /clone can answer this.', flags: MessageFlags.Ephemeral });
    return;
  }
  if (pending === 'expired') {
    await interaction.update({ content: 'This request has expired; nothing was stored. Run /clone again.', components: [] });
    return;
  }
  if (parsed.answer === 'no') {
    await interaction.update({ content: 'Cancelled. Nothing was stored.', components: [] });
    return;
  }
  await interaction.update({ content: 'Analysing the clip…', components: [] });
  const owner = { platform: 'discord' as const, userId: interaction.user.id };
  try {
    const result = await bot.host.enrollment.enroll({
      inspected: pending.inspected,
      name: pending.name,
      transcript: pending.transcript,
      language: pending.language,
      owner,
      scope: { kind: 'private' },
      consent: { confirmedBy: owner, confirmedAt: new Date(), statement: CONSENT_STATEMENT },
    });
    await bot.host.registry.selectVoice(owner, pending.guildId, result.voice.id);
    const sample = await synthesiseSample(bot.host.engine, result.voice).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not make a sample of a new voice');
      return undefined;
    });
    await interaction.editReply({
      content: `${describeEnrollment(result)}\nYou now speak with "${result.voice.name}" in this server.${sample ? ' Here is how it sounds:' : ''}`,
      components: [],
      files: sample ? [new AttachmentBuilder(sample, { name: `${result.voice.name}-sample.wav` })] : [],
    });
  } catch (error) {
    const message = userMessageOf(error);
    if (message === undefined) logger.error({ err: error }, 'voice registration failed');
    await interaction.editReply({ content: `${message ?? 'Registering the voice failed on my side; it has been logged.'} Nothing was stored.`, components: [] });
  }
}

/** A few seconds of the new voice, as WAV at the engine's rate. */
async function synthesiseSample(engine: SynthesisEngine, voice: Voice): Promise<Buffer> {
  const sentences = new TextFrontEnd({ defaultLanguage: voice.language }).process(SAMPLE_TEXT[voice.language]);
  const chunks: Int16Array[] = [];
  let total = 0;
  for await (const chunk of engine.synthesize({ sentences, voice: { id: voice.id, language: voice.language, features: voice.features } })) {
    chunks.push(chunk.samples);
    total += chunk.samples.length;
    if (total > SAMPLE_MAX_SECONDS * engine.sampleRate) break;
  }
  return encodeWav(concatSamples(Int16Array, chunks), engine.sampleRate);
}

/** Yes/No buttons for the /clone consent question. */
export function consentButtons(yesId: string, noId: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(yesId).setLabel('Yes: it is my voice, or I have the speaker’s consent').setStyle(ButtonStyle.Success),
    new ButtonBuilder().setCustomId(noId).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
  );
}

