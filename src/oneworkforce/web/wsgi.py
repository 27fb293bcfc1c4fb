"""WSGI entry point, used by ``oneworkforce serve`` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneworkforce.web.settings")
application = get_wsgi_application()
