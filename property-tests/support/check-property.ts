import { performance } from 'node:perf_hooks'
import fc from 'fast-check'
import type { PropsCheck, PropsVerdict } from '../../src/report/sections/props.ts'
import type { OpenProperty, PropertyDefinition, RunSettings, Variant } from './definition.ts'
import { PropertyViolation } from './violation.ts'

/**
 * Runs one property against one variant with `fc.check` and turns fast-check's details into a
 * report entry: the verdict, the shrunk counterexample as the property wrote it down, and the
 * command that replays it. `onExecution` is called after every execution of the predicate
 * (generated cases and shrinking attempts alike), for progress lines.
 */
export async function checkProperty(
  definition: PropertyDefinition,
  open: OpenProperty,
  variant: Variant,
  settings: RunSettings,
  onExecution?: () => void,
): Promise<PropsCheck> {
  const property = open.property(variant, settings)
  const observed =
    onExecution === undefined
      ? property
      : property.afterEach(async previous => {
          await previous()
          onExecution()
        })
  const started = performance.now()
  const details = await fc.check(observed, {
    numRuns: settings.numRuns,
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    // A path replays one known case: shrinking it again would only repeat the original run's work.
    ...(settings.path === undefined ? {} : { path: settings.path, endOnFailure: true }),
  })
  const durationMs = performance.now() - started
  const violation = details.errorInstance instanceof PropertyViolation ? details.errorInstance : undefined
  const fastCheckView = details.counterexample === null ? null : fc.stringify(details.counterexample)
  const replayPath = fastCheckView === null ? undefined : /replayPath="([^"]+)"/.exec(fastCheckView)?.[1]
  return {
    ...checkIdentity(definition, variant),
    verdict: verdictOf(variant, details.failed, violation !== undefined),
    runs: details.numRuns,
    shrinks: details.numShrinks,
    durationMs,
    seed: details.seed,
    path: details.counterexamplePath,
    replayPath: replayPath ?? null,
    replay: details.failed ? replayCommand(definition, variant, details, replayPath) : null,
    counterexample: violation ? [...violation.trace] : fastCheckView === null ? [] : [fastCheckView],
    error: details.failed ? errorText(details.errorInstance) : null,
  }
}

/** What a report entry says about the property and the variant it checked, whatever the outcome. */
export function checkIdentity(
  definition: PropertyDefinition,
  variant: Variant,
): Pick<PropsCheck, 'property' | 'title' | 'guarantees' | 'variant' | 'about' | 'expectation'> {
  return {
    property: definition.id,
    title: definition.title,
    guarantees: definition.guarantees,
    variant: variant.name,
    about: variant.about,
    expectation: variant.expectation,
  }
}

function verdictOf(variant: Variant, failed: boolean, violated: boolean): PropsVerdict {
  if (!failed) return variant.expectation === 'holds' ? 'held' : 'not-caught'
  // Only a violated invariant counts: a broken variant "caught" by Redis being down proves nothing.
  if (!violated) return 'errored'
  return variant.expectation === 'holds' ? 'failed' : 'caught'
}

function replayCommand(
  definition: PropertyDefinition,
  variant: Variant,
  details: { seed: number; counterexamplePath: string | null },
  replayPath: string | undefined,
): string {
  const parts = [
    'npm run props --',
    `--property ${definition.id}`,
    `--variant ${variant.name}`,
    `--seed=${details.seed}`,
    ...(details.counterexamplePath === null ? [] : [`--path "${details.counterexamplePath}"`]),
    ...(replayPath === undefined ? [] : [`--replay-path "${replayPath}"`]),
  ]
  return parts.join(' ')
}

function errorText(error: unknown): string {
  if (error instanceof PropertyViolation) return error.message
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}

/** Several lines for a terminal or a test log: verdict, error, counterexample, replay command. */
export function describeCheck(check: PropsCheck): string {
  const head = `${check.property} × ${check.variant}: ${check.verdict} after ${check.runs} run(s), ${check.shrinks} shrink(s), ${Math.round(check.durationMs)} ms, seed ${check.seed}`
  if (check.error === null) return head
  return [
    head,
    ...indent(check.error.split('\n')),
    '  counterexample:',
    ...indent(check.counterexample, '    '),
    ...(check.replay === null ? [] : [`  replay: ${check.replay}`]),
  ].join('\n')
}

function indent(lines: readonly string[], by = '  '): string[] {
  return lines.map(line => `${by}${line}`)
}
