"""The Celery app of chordlab's interop suite, shared by the worker and the client scripts.

Broker and result backend are the suite's redis-server. The tasks are the smallest ones that
make a real worker write each kind of result document: a value, an exception with a traceback,
a retry, a STARTED state held open until the test releases it, and a chord.

Every wait here is bounded: a task that waits for the test gives up after `wait_seconds`.
"""

import json
import os
import sys
import threading
import time

import celery
from celery import Celery


def make_app(redis_url, queue='chordlab-interop', extended=False, config=None):
    """A Celery app on `redis_url` (broker and backend), with Celery's defaults unless `config` says otherwise."""
    app = Celery('chordlab_interop', broker=redis_url, backend=redis_url, set_as_current=True)
    app.conf.update(
        task_default_queue=queue,
        result_extended=extended,
        # STARTED is only stored with this setting; the suite checks that document too.
        task_track_started=True,
        worker_hijack_root_logger=False,
        broker_connection_retry=False,
    )
    app.conf.update(config or {})
    register_tasks(app)
    return app


class InteropError(Exception):
    """A task's own exception class, so the stored `exc_module` is not `builtins`."""


def register_tasks(app):
    @app.task(name='interop.echo')
    def echo(value):
        return value

    @app.task(name='interop.fail')
    def fail(message):
        raise ValueError(message)

    @app.task(name='interop.fail_custom')
    def fail_custom(message, code):
        raise InteropError(message, code)

    @app.task(name='interop.retry_twice', bind=True)
    def retry_twice(self, attempts_key):
        # The first attempt retries at once; the second one parks in RETRY for an hour, so the
        # test reads a RETRY document whose `retries` is 1 (stored with result_extended only).
        app.backend.client.incr(attempts_key)
        countdown = 0 if self.request.retries == 0 else 3600
        raise self.retry(countdown=countdown, exc=ValueError(f'attempt {self.request.retries + 1} failed'))

    @app.task(name='interop.wait_for_key')
    def wait_for_key(key, value, wait_seconds):
        deadline = time.monotonic() + wait_seconds
        while app.backend.client.exists(key) == 0:
            if time.monotonic() > deadline:
                raise TimeoutError(f'{key} was not set within {wait_seconds} s')
            time.sleep(0.02)
        return value

    @app.task(name='interop.count_and_sum')
    def count_and_sum(values, runs_key):
        # A chord body: counts its own runs, so the test can tell "fired once" from "fired twice".
        app.backend.client.incr(runs_key)
        return sum(values)


def app_from_environment():
    """The worker's app: `celery -A interop_worker` imports this through interop_worker.py."""
    stop_when_orphaned()
    return make_app(
        os.environ['CHORDLAB_INTEROP_REDIS_URL'],
        queue=os.environ['CHORDLAB_INTEROP_QUEUE'],
        extended=os.environ.get('CHORDLAB_INTEROP_EXTENDED') == '1',
    )


def stop_when_orphaned():
    """Exits when the process that started us is gone, so a crashed test run leaves no worker behind."""
    expected = os.environ.get('CHORDLAB_INTEROP_PARENT_PID')
    if not expected:
        return

    def watch():
        while os.getppid() == int(expected):
            time.sleep(0.5)
        os._exit(3)

    threading.Thread(target=watch, name='orphan-watch', daemon=True).start()


def read_input():
    """The script's input: one JSON object on stdin."""
    return json.load(sys.stdin)


def emit(output):
    """The script's output: one JSON object on stdout, with the Celery version that produced it."""
    # repr() stands in for what JSON cannot hold (an exception's args may include the exception itself).
    json.dump({'celeryVersion': celery.__version__, **output}, sys.stdout, default=repr)
    sys.stdout.write('\n')


def poll(condition, seconds, what):
    """Polls `condition` every 20 ms until it returns something truthy; raises after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f'gave up after {seconds} s waiting for {what}')
        time.sleep(0.02)
