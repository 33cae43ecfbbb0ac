export { type BackendOptions, backendDefaults, RedisResultBackend } from './backend/backend.ts'
export type { BarrierName } from './backend/barrier/index.ts'
export { barrierNames } from './backend/barrier/index.ts'
export type { ConnectionOptions } from './backend/connection.ts'
export type { AppliedWrite, BackendErrorKind } from './backend/errors.ts'
export { BackendError, isBackendError, ReplicationError } from './backend/errors.ts'
export type { JsonValue } from './backend/json.ts'
export type { ChordKeys } from './backend/keys.ts'
export { KeyLayout } from './backend/keys.ts'
export type {
  ClusterTarget,
  NodeAddress,
  NodeCredentials,
  RedisTarget,
  SentinelTarget,
} from './backend/target.ts'
export type {
  ChordInit,
  ChordProgress,
  ChordState,
  StoreOptions,
  TaskMeta,
  TaskResult,
  TaskState,
} from './backend/types.ts'
export type { TlsOptions } from './backend/url.ts'
export { redactUrl } from './backend/url.ts'
