import { readFile } from 'node:fs/promises'
import { OFFLINE_SPEECH_LANGS } from '../ai/langs'
import { pcmWav } from '../ai/media'
import type { Speaker } from '../ai/types'
import { yieldToEventLoop } from '../yield'

// Real speech with no provider and no network: SVOX Pico compiled to WASM, reading the lingware in ./pico-lingware/.
// English, German, Spanish, French and Italian; other languages get null (the caller says so).
const VOICES: Record<(typeof OFFLINE_SPEECH_LANGS)[number], [ta: string, sg: string]> = {
  en: ['en-US_ta.bin', 'en-US_lh0_sg.bin'],
  de: ['de-DE_ta.bin', 'de-DE_gl0_sg.bin'],
  es: ['es-ES_ta.bin', 'es-ES_zl0_sg.bin'],
  fr: ['fr-FR_ta.bin', 'fr-FR_nk0_sg.bin'],
  it: ['it-IT_ta.bin', 'it-IT_cm0_sg.bin'],
}
const RATE = 16_000
const MEMORY = 2_500_000 // Pico's working memory, as its Android wrapper gives it

// The engine's C functions (`_pico_*`, `_malloc`, `_free`) take and return pointers and integers.
type Pico = Record<`_${string}`, (...args: number[]) => number> & {
  HEAPU8: Uint8Array
  HEAP16: Int16Array
  HEAP32: Int32Array
  FS: { writeFile(p: string, d: Uint8Array): void }
}
let engine: Promise<Pico> | null = null
const load = () =>
  (engine ??= import('@echogarden/svoxpico-wasm').then((m) => (m.default as () => Promise<Pico>)()))

/** A Speaker over SVOX Pico; one synthesis at a time (the engine has one heap). */
export function picoSpeaker(dir: URL = new URL('./pico-lingware/', import.meta.url)): Speaker {
  let turn: Promise<unknown> = Promise.resolve()
  const written = new Set<string>()
  return (text, language) => {
    const voice = VOICES[language as keyof typeof VOICES]
    if (!voice) return Promise.resolve(null)
    const run = turn.then(async () => {
      const m = await load()
      for (const f of voice)
        if (!written.has(f)) {
          m.FS.writeFile(`/${f}`, new Uint8Array(await readFile(new URL(f, dir))))
          written.add(f)
        }
      return pcmWav(await synthesize(m, text, voice), RATE)
    })
    turn = run.catch(() => null)
    return run
  }
}

// Synthesis is CPU work on the role's one thread: it gives the event loop back every few milliseconds, so a
// long text (seconds of work) never stalls the role's other requests (another learner's translation, the
// database pool's connects).
const SLICE_MS = 20

async function synthesize(m: Pico, text: string, [ta, sg]: [string, string]) {
  const held: number[] = []
  const alloc = (n: number) => {
    const at = m._malloc(n)
    held.push(at)
    return at
  }
  const cString = (s: string) => {
    const bytes = new TextEncoder().encode(`${s}\0`)
    const at = alloc(bytes.length)
    m.HEAPU8.set(bytes, at)
    return { at, length: bytes.length }
  }
  const i32 = (at: number) => m.HEAP32[at >> 2]
  const i16 = (at: number) => m.HEAP16[at >> 1]
  const ok = (code: number, what: string, success = [0]) => {
    if (!success.includes(code)) throw new Error(`SVOX Pico: ${what} failed (${code})`)
    return code
  }
  const systemRef = alloc(4)
  ok(m._pico_initialize(alloc(MEMORY), MEMORY, systemRef), 'initialize')
  const system = i32(systemRef)
  const resources: number[] = []
  const voiceName = cString('voice').at
  try {
    ok(m._pico_createVoiceDefinition(system, voiceName), 'voice')
    for (const file of [ta, sg]) {
      const ref = alloc(4)
      ok(m._pico_loadResource(system, cString(`/${file}`).at, ref), `loading ${file}`)
      resources.push(ref)
      const name = alloc(64)
      ok(m._pico_getResourceName(system, i32(ref), name), 'resource name')
      ok(m._pico_addResourceToVoiceDefinition(system, voiceName, name), 'voice resource')
    }
    const engineRef = alloc(4)
    ok(m._pico_newEngine(system, voiceName, engineRef), 'engine')
    const engine = i32(engineRef)
    const input = cString(text)
    const put = alloc(4)
    const out = alloc(16_384)
    const count = alloc(4)
    const kind = alloc(4)
    const parts: Int16Array[] = []
    let slice = performance.now()
    for (let done = 0; done < input.length;) {
      m.HEAP32[put >> 2] = 0
      ok(m._pico_putTextUtf8(engine, input.at + done, input.length - done, put), 'text')
      done += i16(put)
      // 201: more audio waiting; 200: the engine is idle again.
      while (
        ok(m._pico_getData(engine, out, 16_384, count, kind), 'audio', [200, 201]) === 201 ||
        i16(count) > 0
      ) {
        const n = i16(count)
        if (n > 0) parts.push(new Int16Array(m.HEAPU8.slice(out, out + n).buffer))
        m.HEAP16[count >> 1] = 0
        if (performance.now() - slice > SLICE_MS) {
          await yieldToEventLoop() // the heap is this call's alone meanwhile: syntheses run one at a time
          slice = performance.now()
        }
      }
    }
    m._pico_disposeEngine(system, engineRef)
    const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0))
    parts.reduce((at, p) => (samples.set(p, at), at + p.length), 0)
    return samples
  } finally {
    m._pico_releaseVoiceDefinition(system, voiceName)
    for (const ref of resources) m._pico_unloadResource(system, ref)
    m._pico_terminate(systemRef)
    for (const at of held) m._free(at)
  }
}
