import { type PersistenceProfile, persistenceDirectives, type SavePoint } from './persistence-profiles.ts'
import type { ServerDirLayout } from './server-dir.ts'

/** Everything that goes into one server's redis.conf, already resolved to concrete values. */
export interface RedisConfSettings {
  port: number
  layout: ServerDirLayout
  profile: PersistenceProfile
  savePoints: readonly SavePoint[]
  tls: { certFile: string; keyFile: string; caFile: string; requireClientCert: boolean } | undefined
  unixSocket: boolean
  password: string | undefined
  users: ReadonlyArray<{ name: string; password: string; rules: string }>
  config: Readonly<Record<string, string>>
}

export function renderRedisConf(settings: RedisConfSettings): string {
  const { layout, tls } = settings
  const lines = [
    'bind 127.0.0.1',
    // With TLS the port answers TLS only: plain TCP is switched off by `port 0`.
    ...(tls === undefined
      ? [`port ${settings.port}`]
      : [
          'port 0',
          `tls-port ${settings.port}`,
          `tls-cert-file ${quoteConfString(tls.certFile)}`,
          `tls-key-file ${quoteConfString(tls.keyFile)}`,
          `tls-ca-cert-file ${quoteConfString(tls.caFile)}`,
          `tls-auth-clients ${tls.requireClientCert ? 'yes' : 'no'}`,
        ]),
    ...(settings.unixSocket
      ? [`unixsocket ${quoteConfString(layout.socketPath)}`, 'unixsocketperm 700']
      : []),
    `dir ${quoteConfString(layout.dir)}`,
    `pidfile ${quoteConfString(layout.pidPath)}`,
    `logfile ${quoteConfString(layout.logPath)}`,
    'daemonize no',
    ...persistenceDirectives(settings.profile, settings.savePoints),
    ...(settings.password === undefined ? [] : [`requirepass ${quoteConfString(settings.password)}`]),
    ...settings.users.map(user => {
      const rules = singleLine(user.rules, `the rules of user ${user.name}`)
      return `user ${quoteConfString(user.name)} on ${quoteConfString(`>${user.password}`)} ${rules}`
    }),
    // Last, so that a caller's directive overrides one of ours.
    ...Object.entries(settings.config).map(
      ([name, value]) => `${directiveName(name)} ${singleLine(value, name)}`,
    ),
  ]
  return `${lines.join('\n')}\n`
}

/**
 * A double-quoted redis.conf argument. Redis unescapes `\\`, `\"` and `\xHH` inside double quotes,
 * so any string (a password with spaces or quotes, a path) arrives unchanged.
 */
function quoteConfString(value: string): string {
  return `"${escapeConfString(value)}"`
}

/** The inside of `quoteConfString(value)`: what Redis echoes back when it complains about a line. */
export function escapeConfString(value: string): string {
  return Array.from(value, character => {
    if (character === '\\' || character === '"') return `\\${character}`
    const code = character.charCodeAt(0)
    return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : character
  }).join('')
}

// Rules and extra directives are passed through unquoted (they hold several arguments), so a line
// break would smuggle in a directive of its own.
function singleLine(value: string, what: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`${what} must not contain a line break`)
  return value
}

function directiveName(name: string): string {
  if (!/^[a-z][a-z0-9-]*$/i.test(name)) throw new Error(`"${name}" is not a redis.conf directive name`)
  return name
}
