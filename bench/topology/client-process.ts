/**
 * A forked client process of the topology sweep (client-pool.ts starts it): it holds connections
 * to every target and runs one arm's round whenever the parent asks, so the same processes serve
 * every round and no round pays for a fork.
 */
import { measureRateRound } from '../../src/measure/rate-round.ts'
import type { TopologyOperation } from '../../src/report/sections/topology-data.ts'
import { serveRequests } from '../support/forked-worker.ts'
import { monotonicMs } from '../support/monotonic-clock.ts'
import type { ArmKey, ClientRound, PreparedRound, WorkerRequest } from './worker-protocol.ts'
import { type ArmWorkload, openWorkloads } from './workloads.ts'

const workloads = new Map<string, Record<TopologyOperation, ArmWorkload>>()

function workload(arm: ArmKey): ArmWorkload {
  const target = workloads.get(arm.targetId)
  if (target === undefined) throw new Error(`no target ${arm.targetId} was opened`)
  return target[arm.operation]
}

serveRequests<WorkerRequest>(async (request): Promise<PreparedRound | ClientRound | null> => {
  switch (request.type) {
    case 'open':
      for (const target of request.targets) {
        workloads.set(target.id, openWorkloads(target, request.settings, request.worker))
      }
      return null
    case 'prepare':
      return { counterKeys: await workload(request.arm).prepare() }
    case 'run': {
      const arm = workload(request.arm)
      const cpuBefore = process.cpuUsage()
      const startedAt = monotonicMs()
      const { units } = await measureRateRound(arm.step, { timeMs: request.timeMs, inFlight: arm.inFlight })
      const endedAt = monotonicMs()
      const cpu = process.cpuUsage(cpuBefore)
      return { units, startedAt, endedAt, cpuUs: cpu.user + cpu.system, stored: arm.stored() }
    }
    case 'close':
      await Promise.all(
        [...workloads.values()].flatMap(target => Object.values(target).map(arm => arm.close())),
      )
      workloads.clear()
      return null
  }
})
