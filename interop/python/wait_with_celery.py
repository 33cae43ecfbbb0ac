"""Celery's client blocked in AsyncResult.get() while chordlab stores the result.

Celery's Redis backend does not poll: get() subscribes to the channel named by the result key
and wakes on a PUBLISH there (it reads the key once, when it starts waiting).

Input (stdin): {"redisUrl", "taskId", "timeoutSeconds"}
Output (stdout): {"celeryVersion", "outcome": "value", "value"} or
                 {"celeryVersion", "outcome": "timeout", "gaveUpAtMs"} (wall clock, epoch ms)
"""

import time

from celery.exceptions import TimeoutError as CeleryTimeoutError
from celery.result import AsyncResult

from interop_app import emit, make_app, read_input


def main():
    spec = read_input()
    app = make_app(spec['redisUrl'])
    try:
        value = AsyncResult(spec['taskId'], app=app).get(timeout=spec['timeoutSeconds'])
        emit({'outcome': 'value', 'value': value})
    except CeleryTimeoutError:
        emit({'outcome': 'timeout', 'gaveUpAtMs': round(time.time() * 1000)})


main()
