import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { redactSecrets } from './redact-secrets.ts'

const execFileAsync = promisify(execFile)

/** How redis-cli reaches the servers: the password (passed in the environment, never on the command line) and TLS files. */
export interface RedisCliAccess {
  password: string | undefined
  tls: { caFile: string; certFile: string; keyFile: string; requireClientCert: boolean } | undefined
}

/** How redis-cli reaches servers started with `options` (a password, TLS files). */
export function redisCliAccess(options: {
  password?: string | undefined
  tls?: { caFile: string; certFile: string; keyFile: string; requireClientCert?: boolean } | undefined
}): RedisCliAccess {
  return {
    password: options.password,
    tls: options.tls === undefined ? undefined : { requireClientCert: false, ...options.tls },
  }
}

/**
 * Runs `redis-cli <args>` and returns its output; a failure quotes what it printed, with any
 * password replaced. `REDIS_CLI_BIN` selects another binary (e.g. valkey-cli).
 */
export async function runRedisCli(
  args: readonly string[],
  access: RedisCliAccess,
  timeoutMs: number,
): Promise<string> {
  const binary = process.env.REDIS_CLI_BIN || 'redis-cli'
  const tlsArgs =
    access.tls === undefined
      ? []
      : [
          '--tls',
          '--cacert',
          access.tls.caFile,
          ...(access.tls.requireClientCert
            ? ['--cert', access.tls.certFile, '--key', access.tls.keyFile]
            : []),
        ]
  const secrets = access.password === undefined ? [] : [access.password]
  try {
    const { stdout } = await execFileAsync(binary, [...tlsArgs, ...args], {
      timeout: timeoutMs,
      env: { ...process.env, ...(access.password === undefined ? {} : { REDISCLI_AUTH: access.password }) },
    })
    return stdout
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `redis-cli not found (looked for "${binary}"). Install it: sudo apt-get install redis-tools (Debian/Ubuntu), or set REDIS_CLI_BIN.`,
        { cause: error },
      )
    }
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    const output = redactSecrets(`${stdout}\n${stderr}`.trim(), secrets).split('\n').slice(-20).join('\n')
    throw new Error(`redis-cli ${args[0] ?? ''} failed:\n${output}`)
  }
}
