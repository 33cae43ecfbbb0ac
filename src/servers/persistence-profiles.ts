/** How a server persists its data; each profile's comment below says what a SIGKILL loses. */
export type PersistenceProfile = 'none' | 'rdb' | 'aof-always' | 'aof-everysec' | 'aof-no'

/** `[seconds, changes]`: snapshot when at least `changes` writes happened within `seconds`. */
export type SavePoint = [seconds: number, changes: number]

/** Snapshot every second when anything changed, so tests never wait long for a save. */
export const defaultSavePoints: readonly SavePoint[] = [[1, 1]]

const directivesByProfile: Record<PersistenceProfile, (savePoints: readonly SavePoint[]) => string[]> = {
  /** Nothing is written to disk: a SIGKILL, and a SIGTERM too, loses every key. */
  none: () => ['save ""', 'appendonly no'],
  /**
   * Snapshots at the save points: a SIGKILL loses every write since the last snapshot; a SIGTERM
   * writes a final snapshot first and loses nothing.
   */
  rdb: savePoints => [`save ${renderSavePoints(savePoints)}`, 'appendonly no'],
  /**
   * The append-only file is fsynced before each write is acknowledged: a SIGKILL loses no acknowledged write.
   */
  'aof-always': () => ['save ""', 'appendonly yes', 'appendfsync always'],
  /**
   * Each write reaches the kernel before it is acknowledged and is fsynced once a second: a SIGKILL
   * usually loses nothing (Redis may hold writes back for up to 2 s while a slow fsync runs); a
   * machine crash loses up to about a second.
   */
  'aof-everysec': () => ['save ""', 'appendonly yes', 'appendfsync everysec'],
  /**
   * Each write reaches the kernel before it is acknowledged, and fsync is left to the kernel: a
   * SIGKILL loses nothing; a machine crash loses up to the kernel's flush interval (~30 s).
   */
  'aof-no': () => ['save ""', 'appendonly yes', 'appendfsync no'],
}

/** The redis.conf lines that give a server `profile`; `savePoints` matters for `rdb` only. */
export function persistenceDirectives(
  profile: PersistenceProfile,
  savePoints: readonly SavePoint[] = defaultSavePoints,
): string[] {
  return directivesByProfile[profile](savePoints)
}

function renderSavePoints(savePoints: readonly SavePoint[]): string {
  if (savePoints.length === 0) throw new Error('the rdb profile needs at least one save point')
  for (const [seconds, changes] of savePoints) {
    if (!Number.isInteger(seconds) || seconds < 1 || !Number.isInteger(changes) || changes < 1) {
      throw new Error(`invalid save point [${seconds}, ${changes}]: both must be positive integers`)
    }
  }
  return savePoints.map(([seconds, changes]) => `${seconds} ${changes}`).join(' ')
}
