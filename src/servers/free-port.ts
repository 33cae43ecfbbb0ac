import { createServer } from 'node:net'

/**
 * Asks the kernel for a port that is free on 127.0.0.1 right now. Another process may take it
 * before redis-server binds it, so callers must be ready to retry with a new one.
 */
export async function findFreePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  await new Promise<void>(resolve => server.close(() => resolve()))
  if (address === null || typeof address === 'string') {
    throw new Error('could not read the port of a TCP listener on 127.0.0.1')
  }
  return address.port
}
