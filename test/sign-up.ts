import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Signs a new learner up through the backend as the SPA does: start, read the code auth wrote to `mailDir`
 * (SMTP_URL=file://…), finish. Answers what the finish answers: the access token and the user.
 */
export async function signUp(backendUrl: string, mailDir: string, ip = '192.0.2.1') {
  const email = `learner.${randomBytes(6).toString('hex')}@example.com`
  const post = async (path: string, body: unknown) =>
    (
      await fetch(`${backendUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-device-id': `bench-device-${randomBytes(8).toString('hex')}`,
          'x-forwarded-for': ip,
        },
        body: JSON.stringify(body),
      })
    ).json() as Promise<Record<string, string>>
  const { challenge } = await post('/api/auth/register', {
    email,
    password: 'benchmark passphrase',
    name: 'Bench',
  })
  let code: string | undefined
  for (let i = 0; i < 100 && !code; i++, await new Promise((r) => setTimeout(r, 50)))
    for (const name of await readdir(mailDir).catch(() => [] as string[])) {
      const text = await readFile(join(mailDir, name), 'utf8')
      if (text.includes(`To: ${email}`)) code = /Subject: .*\b(\d{6})\b/.exec(text)?.[1]
    }
  return (await post('/api/auth/register/verify', { challenge, code })) as unknown as {
    accessToken: string
    user: { id: string }
  }
}
