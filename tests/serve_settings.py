"""Settings for tests that start the real server: the product's, plus a response header
naming the worker process, so a test can tell which of gunicorn's workers answered."""

from oneworkforce.web.settings import *  # noqa: F403

MIDDLEWARE = [*MIDDLEWARE, "tests.serve_settings.worker_header"]  # noqa: F405


def worker_header(get_response):
    import os

    def middleware(request):
        response = get_response(request)
        response["X-Test-Worker"] = str(os.getpid())
        return response

    return middleware
