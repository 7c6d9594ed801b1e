/**
 * A zstd frame of `size` zero bytes as RLE blocks (4 bytes for each 128 KiB), declaring its content size in
 * the frame header or not: about 32 KB for 1000 MiB, the shape of a zstd bomb.
 */
export function zstdZeros(size: number, declared: boolean) {
  const BLOCK = 128 * 1024
  const u32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24]
  // magic; descriptor (a 4-byte content size, or none); window 128 KiB
  const out = [0x28, 0xb5, 0x2f, 0xfd, declared ? 0x80 : 0, 0x38, ...(declared ? u32(size) : [])]
  for (let left = size; left > 0; left -= BLOCK) {
    const n = Math.min(left, BLOCK)
    const h = (n << 3) | (1 << 1) | (left <= BLOCK ? 1 : 0) // size, RLE, last
    out.push(h & 255, (h >> 8) & 255, h >> 16, 0)
  }
  return new Uint8Array(out)
}
