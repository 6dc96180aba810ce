import { describe, expect, it } from 'vitest';
import { OPUS_PRE_SKIP } from '../../audio/OpusFrameEncoder.ts';
import { InProcessSynthesisQueue } from '../../queue/InProcessSynthesisQueue.ts';
import { ToneEngine, toneFrequency, toneSampleCount } from '../../synthesis/engines/tone/ToneEngine.ts';
import { FRAME_SAMPLES } from '../AudioFrame.ts';
import { createOpusFramePipeline } from '../OpusFramePipeline.ts';
import { PlaybackQueue } from '../PlaybackQueue.ts';
import { Player } from '../Player.ts';
import type { UtteranceReport } from '../UtteranceReport.ts';
import { RecordingSink, TARGET, estimateFrequency, speechJob } from './playbackTestKit.ts';

describe('createOpusFramePipeline', () => {
  it.each([24_000, 48_000])('turns %i Hz engine PCM into whole 20 ms Opus frames covering the audio', async (sampleRate) => {
    const engine = new ToneEngine({ sampleRate, chunkDelayMs: 0, msPerCharacter: 20 });
    const pipeline = await createOpusFramePipeline(sampleRate);
    const frames = [];
    for await (const chunk of engine.synthesize({ sentences: [{ parts: [{ language: 'en', text: 'opus frames please' }] }], voice: { id: 'v', language: 'en', features: {} } })) {
      frames.push(...pipeline.push(chunk));
    }
    frames.push(...pipeline.end());
    pipeline.close();
    const samples48k = Math.round((toneSampleCount('opus frames please', sampleRate, 20) * 48_000) / sampleRate);
    // Audio plus the encoder lookahead, in whole frames.
    expect(frames).toHaveLength(Math.ceil((samples48k + OPUS_PRE_SKIP) / FRAME_SAMPLES));
    expect(frames.every((frame) => frame.pcm.length === FRAME_SAMPLES && frame.opus.length > 0)).toBe(true);
    expect(Math.abs(estimateFrequency(frames) - toneFrequency('opus frames please'))).toBeLessThan(8);
  });

  it('drives a player end to end', async () => {
    const engine = new ToneEngine();
    const synthesis = new InProcessSynthesisQueue({ engine });
    const player = new Player({
      queue: new PlaybackQueue({ target: TARGET }),
      synthesis,
      resolveVoice: (id) => ({ id, language: 'en', features: {} }),
      createFramePipeline: createOpusFramePipeline,
    });
    const sink = new RecordingSink();
    player.attach(sink);
    const ends: UtteranceReport[] = [];
    player.on('utteranceEnd', (report) => ends.push(report));
    player.enqueue(speechJob('a', 'hello from the real pipeline'));
    while (ends.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await player.close();
    await synthesis.close();
    expect(ends[0]).toMatchObject({ outcome: 'finished', started: true });
    expect(sink.record('a')?.frames.length).toBe(ends[0]?.framesWritten);
    expect(Math.abs(estimateFrequency(sink.record('a')?.frames ?? []) - toneFrequency('hello from the real pipeline'))).toBeLessThan(8);
    expect(sink.violations).toEqual([]);
  });
});
