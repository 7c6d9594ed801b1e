import { z } from 'zod'
import { CEFR_LEVELS } from '../content/levels'
import { Text } from '../validate'

import { LANGS } from './langs'

export { LANGS }
export const Lang = z.enum(LANGS, { error: 'choose a language from the list' })
const Refresh = { refresh: z.boolean().default(false) }
const Words = (max: number) => Text.trim().min(1).max(max)

/**
 * The learner operations: input schema, the prompt (the one place each lives), the answer schema for text
 * operations, and which kind of provider serves them.
 */
export const OPERATIONS = {
  translate: {
    kind: 'text' as const,
    input: z.object({ text: Words(2000), from: Lang, to: Lang, ...Refresh }),
    output: z.object({
      translation: z.string().min(1),
      alternatives: z.array(z.string()).max(5).default([]),
    }),
    prompt: (i: { text: string; from: string; to: string }) => ({
      system:
        'You are a precise translator for language learners. Answer only with JSON: {"translation": string, "alternatives": string[] (0-3 other natural renderings)}.',
      prompt: `Translate from ${i.from} to ${i.to}:\n${i.text}`,
      maxTokens: 800,
    }),
  },
  examples: {
    kind: 'text' as const,
    input: z.object({
      text: Words(200),
      from: Lang,
      to: Lang,
      level: z.enum(CEFR_LEVELS).default('B1'),
      n: z.number().int().min(1).max(10).default(3),
      ...Refresh,
    }),
    output: z.object({
      examples: z
        .array(z.object({ sentence: z.string().min(1), translation: z.string().min(1) }))
        .min(1)
        .max(10),
    }),
    prompt: (i: { text: string; from: string; to: string; level: string; n: number }) => ({
      system:
        'You write example sentences for language learners. Answer only with JSON: {"examples": [{"sentence": string, "translation": string}]}.',
      prompt: `Write ${i.n} natural example sentences in ${i.from} using "${i.text}" at CEFR level ${i.level}, each with its translation into ${i.to}.`,
      maxTokens: 1200,
    }),
  },
  explain: {
    kind: 'text' as const,
    input: z.object({ text: Words(500), from: Lang, to: Lang, ...Refresh }),
    output: z.object({
      explanation: z.string().min(1),
      notes: z.array(z.string()).max(10).default([]),
    }),
    prompt: (i: { text: string; from: string; to: string }) => ({
      system:
        'You explain grammar and usage to language learners, briefly and concretely. Answer only with JSON: {"explanation": string, "notes": string[]}.',
      prompt: `Explain the grammar and usage of this ${i.from} phrase, writing in ${i.to}:\n${i.text}`,
      maxTokens: 1000,
    }),
  },
  image: {
    kind: 'image' as const,
    input: z.object({ prompt: Words(500), ...Refresh }),
    output: null,
    prompt: (i: { prompt: string }) => ({
      prompt: `A clear, friendly flashcard illustration of: ${i.prompt}. No text in the image.`,
    }),
  },
  speech: {
    kind: 'audio' as const,
    input: z.object({
      text: Words(1000),
      language: Lang,
      voice: z
        .string()
        .regex(/^[a-z0-9_-]{1,40}$/)
        .default('default'),
      ...Refresh,
    }),
    output: null,
    // The engine needs the language to pick a voice that speaks it (SVOX Pico offline), and the voice asked for.
    prompt: (i: { text: string; language: string; voice: string }) => ({
      text: i.text,
      language: i.language,
      voice: i.voice,
    }),
  },
}
export type OperationName = keyof typeof OPERATIONS

/** Lenient JSON read of a model's answer: tolerates a ```json fence around it. */
export function parseModelJson(text: string): unknown {
  const body = text
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '')
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}
