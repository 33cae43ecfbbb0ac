import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Every server directory is `<os.tmpdir()>/chordlab-redis-XXXXXX`, which is how the sweep finds them. */
export const serverDirPrefix = 'chordlab-redis-'

/** Where each file of one server lives inside its directory. */
export interface ServerDirLayout {
  dir: string
  confPath: string
  /** Written by redis-server itself once it runs; left behind when it is SIGKILLed. */
  pidPath: string
  logPath: string
  socketPath: string
  /**
   * The pid of the Node process that started the server. The sweep only touches directories whose
   * owner is gone, so it never kills the servers of a test run that is still going.
   */
  ownerPath: string
}

export function serverDirLayout(dir: string): ServerDirLayout {
  return {
    dir,
    confPath: join(dir, 'redis.conf'),
    pidPath: join(dir, 'redis.pid'),
    logPath: join(dir, 'redis.log'),
    socketPath: join(dir, 'redis.sock'),
    ownerPath: join(dir, 'owner.pid'),
  }
}

/** Makes a fresh, private (mode 700) directory for one server and records this process as its owner. */
export async function createServerDir(): Promise<ServerDirLayout> {
  const layout = serverDirLayout(await mkdtemp(join(tmpdir(), serverDirPrefix)))
  await writeFile(layout.ownerPath, `${process.pid}\n`)
  return layout
}
