/** What a suite needs from its Redis, whether chordlab started it or the user pointed at one. */
export interface RedisHandle extends AsyncDisposable {
  /** True for a server given through REDIS_URL, which chordlab must not stop, kill or restart. */
  readonly external: boolean
  /** Where to connect, without credentials for a server chordlab started. */
  url(): string
  /** Stops a server chordlab started; does nothing to an external one. */
  stop(): Promise<void>
}
