"""Item 1, Celery reads: what Celery's own client makes of the documents chordlab stored.

Input (stdin): {"redisUrl", "taskIds": [...], "getTimeoutSeconds"}
Output (stdout): {"celeryVersion", "results": {taskId: {...}}}, each with
  state, ready, successful, failed, result, traceback, dateDone, name, worker, retries
  (AsyncResult's properties), and for a ready task `get`: what AsyncResult.get() returned or raised;
  or only {"error": {class, module, args, text}} when Celery cannot read the document at all.
  A result or an exception is described as {"value": …} or {"exception": {class, module, args, text}}.
"""

from datetime import datetime, timedelta, timezone

from celery.result import AsyncResult

from interop_app import emit, make_app, read_input


def describe(value):
    if isinstance(value, BaseException):
        cls = type(value)
        return {'exception': {'class': cls.__name__, 'module': cls.__module__, 'args': list(value.args), 'text': str(value)}}
    return {'value': value}


def describe_date(date):
    if date is None:
        return None
    has_offset = date.tzinfo is not None
    # Celery means UTC by a date without an offset.
    instant = date if has_offset else date.replace(tzinfo=timezone.utc)
    # Whole milliseconds by integer arithmetic (a float timestamp can land a hair below the mark).
    epoch_ms = (instant - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1)
    return {'epochMs': epoch_ms, 'hasOffset': has_offset}


def read(app, task_id, get_timeout):
    result = AsyncResult(task_id, app=app)
    try:
        state = result.state
    except Exception as error:
        # Celery refuses to rebuild some stored exceptions (SecurityError): that is an answer too.
        return {'error': describe(error)['exception']}
    seen = {
        'state': state,
        'ready': result.ready(),
        'successful': result.successful(),
        'failed': result.failed(),
        'result': describe(result.result),
        'traceback': result.traceback,
        'dateDone': describe_date(result.date_done),
        'name': result.name,
        'worker': result.worker,
        'retries': result.retries,
    }
    if seen['ready']:
        try:
            seen['get'] = describe(result.get(timeout=get_timeout, propagate=True))
        except Exception as error:
            seen['get'] = describe(error)
    return seen


def main():
    spec = read_input()
    app = make_app(spec['redisUrl'])
    emit({'results': {task_id: read(app, task_id, spec['getTimeoutSeconds']) for task_id in spec['taskIds']}})


main()
