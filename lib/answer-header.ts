import type { Context } from 'hono'

type NodeBindings = { outgoing?: { setHeader(name: string, value: string): void } }

/**
 * Sets a header on whatever this request's answer turns out to be. On Node it goes onto the Node response
 * (@hono/node-server's c.env.outgoing), merged when the head is written: through Hono, the first one made a
 * Headers object per request, each set was validated and the head was built again from it. A header of the
 * same name in the answer itself wins, so this is for headers no route sets.
 */
export function answerHeader(c: Context, name: string, value: string) {
  const node = (c.env as NodeBindings | undefined)?.outgoing
  if (node) node.setHeader(name, value)
  else c.header(name, value)
}

/** Whether answerHeader writes onto a Node response here. */
export const onNode = (c: Context) => (c.env as NodeBindings | undefined)?.outgoing !== undefined
