import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkProperty, describeCheck } from './check-property.ts'
import { type OpenProperty, type PropertyDefinition, usesExternalRedis } from './definition.ts'

const openTimeoutMs = 60_000

/**
 * The vitest face of a property definition: one test per variant, at the `quick` size with a fresh
 * random seed each time. The real implementation must hold; each broken variant must be caught,
 * its shrunk counterexample is printed with the seed and path, and (where the property is
 * deterministic) replaying that seed and path must give the very same counterexample.
 */
export function describeProperty(definition: PropertyDefinition): void {
  describe(definition.title, () => {
    let open: OpenProperty | undefined
    beforeAll(async () => {
      open = await definition.open('quick')
    }, openTimeoutMs)
    afterAll(async () => {
      await open?.[Symbol.asyncDispose]()
    })

    for (const variant of definition.variants) {
      const name =
        variant.expectation === 'holds'
          ? `holds for ${variant.name}`
          : `catches ${variant.name} with a shrunk counterexample`
      it.skipIf(variant.needsOwnServer === true && usesExternalRedis())(
        name,
        async () => {
          if (open === undefined) throw new Error(`${definition.id} did not open`)
          const check = await checkProperty(definition, open, variant, { numRuns: definition.runs.quick })
          const report = describeCheck(check)
          if (check.error !== null) console.log(report)
          expect(check.verdict, report).toBe(variant.expectation === 'holds' ? 'held' : 'caught')
          if (variant.expectation === 'fails') {
            expect(
              check.counterexample.length,
              'a caught variant comes with a readable counterexample',
            ).toBeGreaterThan(0)
            expect(check.replay, 'and a command that replays it').toContain(`--seed=${check.seed}`)
            if (definition.replayable && check.path !== null) {
              const replayed = await checkProperty(definition, open, variant, {
                numRuns: 1,
                seed: check.seed,
                path: check.path,
                ...(check.replayPath === null ? {} : { replayPath: check.replayPath }),
              })
              expect(replayed.verdict, 'the seed and path replay the failure').toBe('caught')
              expect(replayed.counterexample, 'exactly as it was reported').toEqual(check.counterexample)
            }
          }
        },
        definition.timeoutMs,
      )
    }
  })
}
