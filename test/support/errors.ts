import { expect } from 'vitest'
import { BackendError, type BackendErrorKind } from '../../src/index.ts'
import { settleWithin } from './wait.ts'

/**
 * What `action` threw or rejected with. `action` may be a promise or a function (a constructor call
 * that throws synchronously, or an async operation). Fails the test when it succeeds.
 */
export async function failureOf(action: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof action === 'function' ? action() : action)
  } catch (error) {
    return error
  }
  return expect.fail('expected the operation to fail, but it succeeded')
}

/** Expects `action` to fail with a BackendError of `kind`, and returns that error. */
export async function expectBackendError(
  action: Promise<unknown> | (() => unknown),
  kind: BackendErrorKind,
): Promise<BackendError> {
  const error = await failureOf(action)
  expect(error, `expected a BackendError, got ${String(error)}`).toBeInstanceOf(BackendError)
  const backendError = error as BackendError
  expect(backendError.kind, backendError.message).toBe(kind)
  expect(backendError.message.startsWith(`${kind}: `)).toBe(true)
  return backendError
}

/** Expects a synchronous call to throw a BackendError of `kind`, and returns that error. */
export function expectBackendErrorSync(action: () => unknown, kind: BackendErrorKind): BackendError {
  let thrown: unknown
  try {
    action()
  } catch (error) {
    thrown = error
  }
  expect(thrown, `expected a BackendError, got ${String(thrown)}`).toBeInstanceOf(BackendError)
  const backendError = thrown as BackendError
  expect(backendError.kind, backendError.message).toBe(kind)
  return backendError
}

/**
 * Expects `operation` to fail with a BackendError of `kind` before `timeoutMs` passes (a hang fails
 * the test instead of timing it out), and returns that error.
 */
export async function expectBackendErrorWithin(
  operation: Promise<unknown>,
  kind: BackendErrorKind,
  timeoutMs: number,
): Promise<BackendError> {
  const outcome = await settleWithin(operation, timeoutMs)
  if (!outcome.settled) return expect.fail(`the operation was still pending after ${timeoutMs} ms`)
  if (outcome.status === 'fulfilled') return expect.fail('expected the operation to fail, but it succeeded')
  expect(outcome.error, `expected a BackendError, got ${String(outcome.error)}`).toBeInstanceOf(BackendError)
  const error = outcome.error as BackendError
  expect(error.kind, error.message).toBe(kind)
  expect(outcome.elapsedMs).toBeLessThan(timeoutMs)
  return error
}
