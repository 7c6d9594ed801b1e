import { describe, expect, it } from 'vitest'
import { must } from '../../test/must'
import { picoSpeaker } from './pico'

/** Root mean square of a 16-bit PCM WAV's samples (after its 44-byte header), and its length in seconds. */
function measure(wav: Uint8Array) {
  const samples = new Int16Array(wav.slice(44).buffer)
  return {
    seconds: samples.length / 16_000,
    rms: Math.sqrt(samples.reduce((a, v) => a + v * v, 0) / samples.length),
  }
}

describe('keyless speech (SVOX Pico in WASM)', () => {
  it('reads a sentence aloud in each of its languages, one after another, and says null for the rest', async () => {
    const speak = picoSpeaker()
    const said = await Promise.all([
      speak('Der Hund spielt im Garten.', 'de'),
      speak('The dog plays in the garden.', 'en'),
      speak('El perro juega.', 'es'),
      speak('Le chien joue.', 'fr'),
      speak('Il cane gioca.', 'it'),
    ])
    for (const wav of said) {
      const { seconds, rms } = measure(must(wav, 'speech'))
      expect(seconds).toBeGreaterThan(0.7) // a sentence, not the offline tone of 0.6 s
      expect(rms).toBeGreaterThan(1000) // speech, not silence
    }
    expect(measure(must(said[0])).seconds).toBeGreaterThan(measure(must(said[2])).seconds) // longer text, longer audio
    expect(await speak('犬', 'ja')).toBeNull()
  })
})
