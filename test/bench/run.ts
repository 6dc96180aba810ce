import { runCorePipelineBench } from './corePipeline.bench.ts';
import { runVoiceMatchingBench } from './voiceMatching.bench.ts';
import { runDiscordBench } from './discord.bench.ts';
import { runBilibiliBench } from './bilibili.bench.ts';
import { runOverlayBench } from './overlay.bench.ts';
import { runScaleOutBench } from './scaleOut.bench.ts';

// `npm run bench`: figures, not pass/fail. Each section runs its comparisons side by side in this one process.
const sections: ReadonlyArray<readonly [string, () => Promise<string[]>]> = [
  ['Core pipeline (in-process)', runCorePipelineBench],
  ['Built-in voice matching (issue 3)', runVoiceMatchingBench],
  ['Discord against the fake Discord (issue 5)', runDiscordBench],
  ['Bilibili room flood against the fake Bilibili (issue 6)', runBilibiliBench],
  ['OBS overlay in Chromium (issue 7)', runOverlayBench],
  ['Scale-out through Redis with bull (issue 4)', runScaleOutBench],
  ['GPT-SoVITS v2 on the real graphs, random weights (issue 8)', async () => (await import('./gptSovits.bench.ts')).runGptSovitsBench()],
];

for (const [title, run] of sections) {
  process.stdout.write(`\n## ${title}\n`);
  for (const line of await run()) process.stdout.write(`- ${line}\n`);
}
const peakMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`\nPeak RSS of the benchmark process: ${peakMiB.toFixed(0)} MiB\n`);
