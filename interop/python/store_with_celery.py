"""Item 3, keys and TTLs: Celery's backend stores one result itself (its own write path:
GET to skip over SUCCESS, then SETEX and PUBLISH in one MULTI).

Input (stdin): {"redisUrl", "taskId", "state": "SUCCESS"|"FAILURE", "value", "config": {...}}
  `config` goes into app.conf as it is (e.g. result_expires, result_backend_transport_options).
Output (stdout): {"celeryVersion", "key", "expires", "resultExpiresSeconds"}
  `key` is the key Celery's backend names for the task; `expires` is the TTL it passes to SETEX
  (null: plain SET); `resultExpiresSeconds` is app.conf.result_expires in seconds.
"""

from datetime import timedelta

from interop_app import emit, make_app, read_input


def main():
    spec = read_input()
    app = make_app(spec['redisUrl'], config=spec['config'])
    backend = app.backend
    value = ValueError(spec['value']) if spec['state'] == 'FAILURE' else spec['value']
    backend.store_result(spec['taskId'], value, spec['state'])
    configured = app.conf.result_expires
    if isinstance(configured, timedelta):
        configured = configured.total_seconds()
    emit({
        'key': backend.get_key_for_task(spec['taskId']).decode(),
        'expires': backend.expires,
        'resultExpiresSeconds': configured,
    })


main()
