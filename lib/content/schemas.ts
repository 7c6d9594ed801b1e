import { z } from 'zod'
import { Lang } from '../ai/operations'

// Field limits that protect the service, with messages a learner can act on.
export const Tag = z.string().trim().min(1).max(40).regex(/^[^\s,]+$/, 'must be one word without commas')
export const CardBody = z.object({
  front: z.string().trim().min(1, 'is required').max(2000, 'must be at most 2000 characters'),
  back: z.string().max(4000, 'must be at most 4000 characters').optional(),
  notes: z.string().max(8000, 'must be at most 8000 characters').optional(),
  examples: z.array(z.object({ sentence: z.string().min(1).max(500), translation: z.string().max(500) })).max(10).optional(),
  tags: z.array(Tag).max(20, 'at most 20 tags').optional(),
})
export const DeckBody = z.object({
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  description: z.string().max(2000).optional(),
  sourceLang: Lang,
  targetLang: Lang,
  newPerDay: z.number().int().min(0).max(9999).optional(),
  reviewsPerDay: z.number().int().min(0).max(99999).optional(),
})
export const IdParam = z.object({ id: z.uuid() })
