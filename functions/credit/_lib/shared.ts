import { z } from 'zod'
import { UserId } from '../../../lib/ids'
/** A positive amount of micro-euros (1 EUR = 1,000,000). */
export const Micros = z.number().int().positive().max(1_000_000_000_000)
export const Key = z
  .string()
  .regex(/^[\w.:-]{8,200}$/, 'must be 8–200 characters of [A-Za-z0-9_.:-]')
export { UserId }
