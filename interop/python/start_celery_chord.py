"""Item 4, chords: starts a real Celery chord and stops when its barrier is half full.

The header is echo(1), echo(2) and a task that waits for `releaseKey` and then returns 3; the
body sums the header's results and counts its own runs in `runsKey`. This script returns once
Celery's chord size key (.s) exists, two header results are in Celery's join set (.j) and the
third task is running: the state in which chordlab meets a live Celery chord.

Input (stdin): {"redisUrl", "queue", "releaseKey", "runsKey", "waitSeconds"}
Output (stdout): {"celeryVersion", "groupId", "headerIds", "bodyId", "sizeKey", "joinKey", "joined"}
"""

from celery import chord

from interop_app import emit, make_app, poll, read_input


def main():
    spec = read_input()
    app = make_app(spec['redisUrl'], queue=spec['queue'])
    tasks, backend, wait = app.tasks, app.backend, spec['waitSeconds']
    header = [
        tasks['interop.echo'].s(1),
        tasks['interop.echo'].s(2),
        tasks['interop.wait_for_key'].s(spec['releaseKey'], 3, wait),
    ]
    body = chord(header)(tasks['interop.count_and_sum'].s(spec['runsKey']))
    group = body.parent
    size_key = backend.get_key_for_group(group.id, '.s').decode()
    join_key = backend.get_key_for_group(group.id, '.j').decode()
    waiting = group.results[2]
    poll(
        lambda: backend.client.exists(size_key) == 1
        and backend.client.zcard(join_key) == 2
        and waiting.state == 'STARTED',
        wait,
        'two header results in Celery\'s join set and the third task running',
    )
    emit({
        'groupId': group.id,
        'headerIds': [result.id for result in group.results],
        'bodyId': body.id,
        'sizeKey': size_key,
        'joinKey': join_key,
        'joined': backend.client.zcard(join_key),
    })


main()
