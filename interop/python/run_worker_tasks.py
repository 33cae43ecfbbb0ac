"""Item 2, Celery writes: sends real tasks to the suite's worker and waits until each has stored the
document the test wants to read with chordlab.

Input (stdin): {"redisUrl", "queue", "worker", "keyPrefix", "successValues": [...], "waitSeconds"}
Output (stdout): {"celeryVersion", "tasks": [{"scenario", "taskId", "document"}], "releaseKey"}
  `document` is the raw string Celery stored; the STARTED task is still running when this
  script exits, until the test sets `releaseKey`.
"""

import uuid

from interop_app import emit, make_app, poll, read_input


def main():
    spec = read_input()
    app = make_app(spec['redisUrl'], queue=spec['queue'])
    tasks, client, wait = app.tasks, app.backend.client, spec['waitSeconds']
    prefix = spec['keyPrefix']
    sent = []

    def stored(task_id):
        raw = client.get(app.backend.get_key_for_task(task_id))
        return raw.decode() if raw is not None else None

    def status(task_id):
        return app.backend.get_task_meta(task_id, cache=False)['status']

    def settle(scenario, task_id, condition):
        poll(condition, wait, f'{scenario} ({task_id})')
        sent.append({'scenario': scenario, 'taskId': task_id, 'document': stored(task_id)})

    # 1. Values: one task per value, each returned as it came.
    for index, value in enumerate(spec['successValues']):
        result = tasks['interop.echo'].delay(value)
        settle(f'success-{index}', result.id, lambda: status(result.id) == 'SUCCESS')

    # 2. Exceptions: a builtin one and the app's own class with two args.
    result = tasks['interop.fail'].delay('bad input')
    settle('failure', result.id, lambda: status(result.id) == 'FAILURE')
    result = tasks['interop.fail_custom'].delay('card declined', 402)
    settle('failure-custom', result.id, lambda: status(result.id) == 'FAILURE')

    # 3. A retry: the second attempt's RETRY (the attempts counter reads 2 before it is stored).
    attempts_key = f'{prefix}attempts'
    result = tasks['interop.retry_twice'].delay(attempts_key)
    settle('retry', result.id, lambda: client.get(attempts_key) == b'2' and status(result.id) == 'RETRY')

    # 4. A revoke: the worker confirms it holds the id as revoked before the task is sent.
    task_id = str(uuid.uuid4())
    replies = app.control.revoke(task_id, reply=True, destination=[spec['worker']], limit=1, timeout=wait)
    if not replies:
        raise RuntimeError(f'worker {spec["worker"]} did not confirm the revoke of {task_id}')
    tasks['interop.echo'].apply_async(args=['never runs'], task_id=task_id)
    settle('revoked', task_id, lambda: status(task_id) == 'REVOKED')

    # 5. STARTED, held open: the task waits for the test to set releaseKey.
    release_key = f'{prefix}release'
    result = tasks['interop.wait_for_key'].delay(release_key, 'released', wait)
    settle('started', result.id, lambda: status(result.id) == 'STARTED')

    emit({'tasks': sent, 'releaseKey': release_key})


main()
