"""Celery's own Redis chord barrier, driven the way a Celery worker drives it.

After a header task of a chord finishes, the worker's `mark_as_done` stores the result and then
calls `backend.on_chord_part_return(request, state, result)`; this script makes that second call
only (the barrier step), with Celery's own `RedisBackend` from Debian's python3-celery, on a
request carrying what a worker's request carries for a chord member (id, group, group_index and
the body signature). The chord is created as `group.apply_async` creates it for a simple header:
`backend.set_chord_size(group_id, size)`.

The body is a real task run eagerly (`task_always_eager`), so `callback.delay(results)` runs it
in this process: a call "fires" when the body ran during it, and the body reports how many
header results Celery handed it.

Protocol (one JSON object per line): read the job; for `create` print `{}`; for `complete`
connect, print `{"ready": true}`, wait for the line `go`, complete every delivery one at a time
(running again, up to `redelivery.attempts` times, a call that raised), print `{"records": [...]}`. Times are CLOCK_MONOTONIC milliseconds, the clock Node's hrtime reads.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'interop', 'python'))

from celery import Celery  # noqa: E402
from celery.app.task import Context  # noqa: E402
from interop_app import stop_when_orphaned  # noqa: E402

fired_results = []


def make_app(redis_url):
    app = Celery('chordlab_peers', broker='memory://', backend=redis_url, set_as_current=True)
    app.conf.update(task_always_eager=True, worker_hijack_root_logger=False)

    @app.task(name='peers.body')
    def body(results):
        fired_results.append(len(results))
        return len(results)

    return app


def now_ms():
    return time.monotonic_ns() / 1e6


def complete(app, job):
    backend = app.backend
    body = app.signature('peers.body')
    positions = {task_id: index for index, task_id in enumerate(job['taskIds'])}
    backend.client.ping()
    print(json.dumps({'ready': True}), flush=True)
    if sys.stdin.readline().strip() != 'go':
        raise SystemExit('expected go')
    records = []
    redelivery = job['redelivery']
    for task_id in job['deliveries']:
        # A call that raised (a reset, Redis down) may have been applied: the worker runs the task
        # again, as deliver.ts does for Node, up to the same bound.
        for _attempt in range(1 + redelivery['attempts']):
            record = complete_once(backend, body, job['groupId'], task_id, positions[task_id])
            records.append(record)
            if record[3] == 'ok':
                break
            time.sleep(redelivery['backoffMs'] / 1000)
    print(json.dumps({'records': records}), flush=True)


def complete_once(backend, body, group_id, task_id, index):
    request = Context(id=task_id, group=group_id, group_index=index, chord=body)
    fires_before = len(fired_results)
    started = now_ms()
    try:
        # The result is the task's own value, the same on every delivery (a deterministic task).
        backend.on_chord_part_return(request, 'SUCCESS', index)
    except Exception as error:  # noqa: BLE001 - every failure is recorded as an outcome
        return [task_id, started, now_ms(), 'unknown', repr(error)]
    ended = now_ms()
    fired = len(fired_results) > fires_before
    return [task_id, started, ended, 'ok', fired_results[-1] if fired else 0, fired]


def main():
    stop_when_orphaned()
    job = json.loads(sys.stdin.readline())
    app = make_app(job['redisUrl'])
    if job['action'] == 'create':
        app.backend.set_chord_size(job['groupId'], len(job['taskIds']))
        print(json.dumps({}), flush=True)
    else:
        complete(app, job)


if __name__ == '__main__':
    main()
