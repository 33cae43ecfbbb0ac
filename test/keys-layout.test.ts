import { describe, expect, it } from 'vitest'
import { KeyLayout, RedisResultBackend } from '../src/index.ts'
import { expectBackendErrorSync } from './support/errors.ts'

const taskId = '9130013f-4f7c-4c38-8a59-5e5b1b0b8f11'

describe('KeyLayout', () => {
  it("uses the spec's (and Celery's) key names by default", () => {
    const keys = new KeyLayout()
    expect(keys.result(taskId)).toBe(`celery-task-meta-${taskId}`)
    expect(keys.chord('c1')).toEqual({
      state: 'celery-chord-c1',
      counter: 'celery-chord-counter-c1',
      members: 'celery-chord-members-c1',
    })
    expect(keys.namespace).toBe('')
    expect(keys.resultPrefix).toBe('celery-task-meta-')
  })

  it("appends `_` to a namespace like Celery's global_keyprefix", () => {
    const keys = new KeyLayout('app')
    expect(keys.namespace).toBe('app_')
    expect(keys.result(taskId)).toBe(`app_celery-task-meta-${taskId}`)
    expect(keys.chord('c1')).toEqual({
      state: 'app_celery-chord-c1',
      counter: 'app_celery-chord-counter-c1',
      members: 'app_celery-chord-members-c1',
    })
  })

  it.each(['app:', 'app_', 'app-', 'app.'])('keeps a namespace ending in a separator (%s)', namespace => {
    const keys = new KeyLayout(namespace)
    expect(keys.namespace).toBe(namespace)
    expect(keys.result('t')).toBe(`${namespace}celery-task-meta-t`)
    expect(keys.chord('c').counter).toBe(`${namespace}celery-chord-counter-c`)
  })

  it('withResultPrefix replaces only the result prefix', () => {
    const keys = new KeyLayout().withResultPrefix('myapp-task-')
    expect(keys.result(taskId)).toBe(`myapp-task-${taskId}`)
    expect(keys.chord('c1')).toEqual(new KeyLayout().chord('c1'))

    const namespaced = new KeyLayout('app').withResultPrefix('myapp-task-')
    expect(namespaced.result('t')).toBe('app_myapp-task-t')
    expect(namespaced.chord('c1').state).toBe('app_celery-chord-c1')
  })

  it('withResultPrefix leaves the original layout unchanged', () => {
    const original = new KeyLayout('app:')
    original.withResultPrefix('other-')
    expect(original.result('t')).toBe('app:celery-task-meta-t')
  })

  it("keeps a chord's keys distinct from each other and from results", () => {
    const keys = new KeyLayout()
    const names = [keys.result('x'), ...Object.values(keys.chord('x'))]
    expect(new Set(names).size).toBe(4)
  })
})

describe('the backend builds its keys from the namespace option', () => {
  it('applies the `_` rule to the namespace option', async () => {
    const backend = new RedisResultBackend('redis://127.0.0.1:1', { namespace: 'app' })
    const derived = backend.withPrefix('myapp-task-')
    try {
      expect(backend.keys.result('t')).toBe('app_celery-task-meta-t')
      expect(derived.keys.result('t')).toBe('app_myapp-task-t')
      expect(derived.keys.chord('c').state).toBe('app_celery-chord-c')
    } finally {
      await derived.close()
      await backend.close()
    }
  })

  it('has no namespace when the option is empty', async () => {
    const backend = new RedisResultBackend('redis://127.0.0.1:1', { namespace: '' })
    try {
      expect(backend.keys.result('t')).toBe('celery-task-meta-t')
    } finally {
      await backend.close()
    }
  })

  it.each(['has space', 'brace{', 'line\nbreak', 'x'.repeat(257)])('refuses the namespace %j', namespace => {
    expectBackendErrorSync(() => new RedisResultBackend('redis://127.0.0.1:1', { namespace }), 'InvalidInput')
  })

  it.each(['', 'has space', 'tag{x}', 'x'.repeat(257)])('withPrefix refuses the prefix %j', async prefix => {
    const backend = new RedisResultBackend('redis://127.0.0.1:1')
    try {
      expectBackendErrorSync(() => backend.withPrefix(prefix), 'InvalidInput')
    } finally {
      await backend.close()
    }
  })
})
