import { describe, expect, it } from 'vitest'
import { decodeTaskMeta } from '../src/backend/codec.ts'
import { comparable } from './support/meta.ts'

// Documents exactly as Celery writes them (reference: anchors-celery-bullmq.md §1.2–1.4).
const taskId = '9130013f-4f7c-4c38-8a59-5e5b1b0b8f11'
const doneAt = Date.UTC(2026, 7, 8, 14, 15, 20, 123)

function celerySuccess(dateDone: string): string {
  return `{"status": "SUCCESS", "result": 4, "traceback": null, "children": [], "date_done": "${dateDone}", "task_id": "${taskId}"}`
}

describe('decodeTaskMeta reads what Celery writes', () => {
  it('reads a SUCCESS document with a +00:00 offset', () => {
    const meta = decodeTaskMeta(celerySuccess('2026-08-08T14:15:20.123456+00:00'), taskId)
    expect(comparable(meta)).toEqual({
      taskId,
      taskName: null,
      result: { state: 'SUCCESS', value: 4 },
      createdAt: null,
      startedAt: null,
      completedAt: doneAt,
      worker: null,
    })
  })

  it.each([
    ['without an offset (naive UTC)', '2026-08-08T14:15:20.123456', doneAt],
    ['without a fraction', '2026-08-08T14:15:20+00:00', Date.UTC(2026, 7, 8, 14, 15, 20)],
    ['with Z', '2026-08-08T14:15:20.123456Z', doneAt],
    ['with another offset', '2026-08-08T16:15:20.123456+02:00', doneAt],
    ['with a negative offset', '2026-08-08T09:45:20.123-04:30', doneAt],
    ['with chrono nanoseconds', '2026-08-08T14:15:20.123456789Z', doneAt],
    ['with a space separator', '2026-08-08 14:15:20.123456+00:00', doneAt],
  ])('reads date_done %s', (_name, dateDone, expected) => {
    const meta = decodeTaskMeta(celerySuccess(dateDone), taskId)
    expect(meta.completedAt?.getTime()).toBe(expected)
    expect(meta.result).toEqual({ state: 'SUCCESS', value: 4 })
  })

  it('reads a FAILURE document with exc_message as the args array', () => {
    const raw = `{"status": "FAILURE",
      "result": {"exc_type": "ValueError", "exc_message": ["bad input"], "exc_module": "builtins"},
      "traceback": "Traceback (most recent call last):\\n  File \\"t.py\\"\\nValueError: bad input", "children": [],
      "date_done": "2026-08-08T14:15:20.123456+00:00", "task_id": "${taskId}"}`
    const meta = decodeTaskMeta(raw, taskId)
    expect(meta.result).toEqual({
      state: 'FAILURE',
      message: 'bad input',
      excType: 'ValueError',
      excModule: 'builtins',
      traceback: 'Traceback (most recent call last):\n  File "t.py"\nValueError: bad input',
    })
    expect(meta.completedAt?.getTime()).toBe(doneAt)
  })

  it('reads an exception with several args as their JSON text', () => {
    const raw = `{"status": "FAILURE", "result": {"exc_type": "KeyError", "exc_message": ["k", 2], "exc_module": "builtins"}, "traceback": null, "children": [], "date_done": null, "task_id": "${taskId}"}`
    expect(decodeTaskMeta(raw, taskId).result).toEqual({
      state: 'FAILURE',
      message: '["k",2]',
      excType: 'KeyError',
      excModule: 'builtins',
    })
  })

  it('reads an exception without args with an empty message', () => {
    const raw = `{"status": "FAILURE", "result": {"exc_type": "ZeroDivisionError", "exc_message": [], "exc_module": "builtins"}, "traceback": null, "children": [], "date_done": null, "task_id": "${taskId}"}`
    expect(decodeTaskMeta(raw, taskId).result).toEqual({
      state: 'FAILURE',
      message: '',
      excType: 'ZeroDivisionError',
      excModule: 'builtins',
    })
  })

  it('reads a STARTED document whose result is {pid, hostname}', () => {
    const raw = `{"status": "STARTED", "result": {"pid": 4242, "hostname": "celery@worker1"}, "traceback": null, "children": [], "date_done": null, "task_id": "${taskId}"}`
    expect(comparable(decodeTaskMeta(raw, taskId))).toEqual({
      taskId,
      taskName: null,
      result: { state: 'STARTED' },
      createdAt: null,
      startedAt: null,
      completedAt: null,
      worker: 'celery@worker1',
    })
  })

  it('reads a result_extended document (name, args, kwargs, worker, retries, queue)', () => {
    const raw = `{"status": "SUCCESS", "result": [1, 2], "traceback": null, "children": [],
      "date_done": "2026-08-08T14:15:20.123456+00:00", "name": "proj.tasks.add", "args": [1, 1],
      "kwargs": {"debug": true}, "worker": "celery@host-7", "retries": 2, "queue": "celery",
      "task_id": "${taskId}"}`
    expect(comparable(decodeTaskMeta(raw, taskId))).toEqual({
      taskId,
      taskName: 'proj.tasks.add',
      result: { state: 'SUCCESS', value: [1, 2] },
      createdAt: null,
      startedAt: null,
      completedAt: doneAt,
      worker: 'celery@host-7',
    })
  })

  it('reads group_id, parent_id and children entries without complaint', () => {
    const raw = `{"status": "SUCCESS", "result": null, "traceback": null,
      "children": [[["c1", null], null], [["g1", null], [[["c2", null], null]]]],
      "date_done": "2026-08-08T14:15:20.123456+00:00", "group_id": "g-0", "parent_id": "p-0",
      "task_id": "${taskId}"}`
    const meta = decodeTaskMeta(raw, taskId)
    expect(meta.result).toEqual({ state: 'SUCCESS', value: null })
    expect(meta.completedAt?.getTime()).toBe(doneAt)
  })

  it('reads a REVOKED document as the TaskRevokedError reason', () => {
    const raw = `{"status": "REVOKED", "result": {"exc_type": "TaskRevokedError", "exc_message": ["terminated"], "exc_module": "celery.exceptions"}, "traceback": null, "children": [], "date_done": "2026-08-08T14:15:20.123456+00:00", "task_id": "${taskId}"}`
    const meta = decodeTaskMeta(raw, taskId)
    expect(meta.result).toEqual({ state: 'REVOKED', reason: 'terminated' })
    expect(meta.completedAt?.getTime()).toBe(doneAt)
  })

  it('reads a RETRY document, with and without result_extended retries', () => {
    const retry = (extra: string) =>
      `{"status": "RETRY", "result": {"exc_type": "Retry", "exc_message": ["Retry in 10s"], "exc_module": "celery.exceptions"}, "traceback": "Tb", "children": [], "date_done": null${extra}, "task_id": "${taskId}"}`
    expect(decodeTaskMeta(retry(', "retries": 2'), taskId).result).toEqual({
      state: 'RETRY',
      retries: 2,
      message: 'Retry in 10s',
    })
    expect(decodeTaskMeta(retry(''), taskId).result).toEqual({
      state: 'RETRY',
      retries: 0,
      message: 'Retry in 10s',
    })
    expect(decodeTaskMeta(retry(''), taskId).completedAt).toBeNull()
  })

  it('reads a document without task_id (it names no other task)', () => {
    const meta = decodeTaskMeta('{"status": "SUCCESS", "result": "x"}', taskId)
    expect(meta.taskId).toBe(taskId)
    expect(meta.result).toEqual({ state: 'SUCCESS', value: 'x' })
  })
})
