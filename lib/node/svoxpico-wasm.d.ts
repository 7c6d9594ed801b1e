// @echogarden/svoxpico-wasm ships no types: an Emscripten module factory.
declare module '@echogarden/svoxpico-wasm' {
  const factory: () => Promise<Record<string, unknown>>
  export default factory
}
