"""What `celery -A interop_worker worker` loads: the interop app, configured by the suite's environment."""

from interop_app import app_from_environment

app = app_from_environment()
