// bench/results.json: every figure and ratio of the last `npm run bench`, each benchmark under its own name,
// with the machine it ran on, so runs can be compared. The file is git-ignored; results.example.json is one
// run kept as an example.
import { readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg } from 'node:os'

const FILE = new URL('./results.json', import.meta.url)
const VITEST = new URL('./vitest-bench.json', import.meta.url) // `vitest bench --outputJson` writes it

/** Merges one benchmark's figures into results.json, with the load average at the time. */
export async function record(name: string, figures: Record<string, unknown>) {
  const old = JSON.parse(await readFile(FILE, 'utf8').catch(() => '{}'))
  const next = {
    ...old,
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model,
      node: process.version,
    },
    [name]: {
      at: new Date().toISOString(),
      loadavg: loadavg().map((l) => +l.toFixed(2)),
      ...figures,
    },
  }
  await writeFile(FILE, JSON.stringify(next, null, 2) + '\n')
}

type VitestBench = {
  name: string
  mean: number
  median?: number
  p75: number
  p99: number
  hz: number
}
type VitestJson = { files: { groups: { fullName: string; benchmarks: VitestBench[] }[] }[] }

/** Takes vitest's own JSON of the `*.bench.ts` files in: ms per call (mean, p50, p99) by group and case. */
async function recordVitest() {
  const json = JSON.parse(await readFile(VITEST, 'utf8')) as VitestJson
  const ms = (n: number | undefined) => (n === undefined ? undefined : +n.toFixed(2))
  const figures = Object.fromEntries(
    json.files.flatMap((f) =>
      f.groups.map((g) => [
        g.fullName,
        Object.fromEntries(
          g.benchmarks.map((b) => [
            b.name,
            {
              'mean ms': ms(b.mean),
              'p50 ms': ms(b.median),
              'p99 ms': ms(b.p99),
              'per s': ms(b.hz),
            },
          ]),
        ),
      ]),
    ),
  )
  // vitest's own table has p75 and p99 but no median: print the figures kept, per case.
  for (const [group, cases] of Object.entries(figures))
    for (const [name, f] of Object.entries(cases))
      console.log(
        `${group} > ${name}: p50 ${f['p50 ms']} ms, p99 ${f['p99 ms']} ms, mean ${f['mean ms']} ms`,
      )
  await rm(FILE, { force: true }) // the first step of a run: the file starts anew
  await record('vitest', figures)
  await rm(VITEST)
}

if (import.meta.url === `file://${process.argv[1]}`) await recordVitest()
