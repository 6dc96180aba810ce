import { runCorePipelineBench } from './corePipeline.bench.ts';

// `npm run bench`: figures, not pass/fail. Each section runs its comparisons side by side in this one process.
const sections: ReadonlyArray<readonly [string, () => Promise<string[]>]> = [['Core pipeline (in-process)', runCorePipelineBench]];

for (const [title, run] of sections) {
  process.stdout.write(`\n## ${title}\n`);
  for (const line of await run()) process.stdout.write(`- ${line}\n`);
}
const peakMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`\nPeak RSS of the benchmark process: ${peakMiB.toFixed(0)} MiB\n`);
