"""What a web process would otherwise do in its first requests, done while it starts instead.

A worker that has just started (a deploy, or gunicorn's ``--max-requests`` replacing one) made its first
callers wait: for the URL configuration, and with it every view, serializer and service module, to be
imported (about 0.4 s); and on the first change that queues a task, for the tasks to be imported and for
Celery to finalize its app and import its result backend and broker transport (a first hold took 100 ms
against 20 for the next ones; 52 with this). Nothing here opens a connection: a process must start whether
or not the database and Redis are reachable.
"""

from django.urls import get_resolver
from django.utils.module_loading import autodiscover_modules


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 (the property imports the URLconf)
    autodiscover_modules("tasks")  # what Celery's own autodiscovery imports, without its worker start-up checks

    from mentorhub.celery import app

    app.finalize(auto=True)  # reads the installed packages' entry points
    app.backend  # noqa: B018 (imports and builds the result backend each queued task's AsyncResult asks for)
    connection = app.connection_for_write()
    connection.transport  # noqa: B018 (imports the transport; connecting waits for the first task)
    connection.release()
