import { cleanup, fireEvent, render, screen } from '@testing-library/svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { QueueCard } from '../lib/api'
import CardFace from './CardFace.svelte'

afterEach(() => cleanup())

const card = (c: Partial<QueueCard> & Pick<QueueCard, 'note'>) =>
  ({ id: 'c', front: '', back: '', ord: 0, ...c }) as QueueCard

describe('a card drawn by its note type', () => {
  it('cloze: hides the deletions of its number (with the hint), shows the others, answers in place', async () => {
    const props = {
      card: card({
        ord: 1,
        note: {
          type: 'cloze',
          fields: { text: '{{c1::Rom::Stadt}} liegt in {{c2::Italien}}', backExtra: 'seit 753' },
        },
      }),
      revealed: false,
      onreveal: () => {},
    }
    const { container, rerender } = render(CardFace, props)
    expect(container.querySelector('.cloze-text')?.textContent?.trim()).toBe(
      '[Stadt] liegt in Italien',
    )
    await rerender({ ...props, revealed: true })
    expect(container.querySelector('mark.cloze')?.textContent).toBe('Rom')
    expect(screen.getByText('seit 753')).toBeTruthy()
  })

  it('typed: Enter answers unless an input method is composing, then the diff shows what differs', async () => {
    const onreveal = vi.fn()
    const props = {
      card: card({
        front: 'Schule',
        back: '学校',
        note: { type: 'typed', fields: { front: 'Schule', back: '学校' } },
      }),
      revealed: false,
      onreveal,
    }
    const { container, rerender } = render(CardFace, props)
    const input = screen.getByLabelText('Type the answer') as HTMLInputElement
    await fireEvent.compositionStart(input)
    await fireEvent.input(input, { target: { value: '学生' } })
    await fireEvent.keyDown(input, { key: 'Enter' }) // picks the candidate
    await fireEvent.keyDown(input, { key: 'Enter', isComposing: true })
    expect(onreveal).not.toHaveBeenCalled()
    await fireEvent.compositionEnd(input)
    await fireEvent.keyDown(input, { key: 'Enter' })
    expect(onreveal).toHaveBeenCalledTimes(1)
    await rerender({ ...props, revealed: true })
    const parts = [...container.querySelectorAll('.typed-diff span')].map((s) => [
      s.className,
      s.textContent,
    ])
    expect(parts).toEqual([
      ['diff-ok', '学'],
      ['diff-missing', '校'],
      ['diff-wrong', '生'],
    ])
  })
})
