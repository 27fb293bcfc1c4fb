"""Django settings: the operational store (ledger, users, registers) and, later, the web app.

SQLite in the data directory by default; PostgreSQL (or any database Django supports) when
``DATABASE_URL`` is set. The secret key comes from ``ONEWORKFORCE_SECRET_KEY`` or is made once
and kept (mode 600) in the data directory; it is never committed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from oneworkforce.config import Home

HOME = Home.resolve()
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    if key := os.environ.get("ONEWORKFORCE_SECRET_KEY"):
        return key
    path = HOME.root / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ONEWORKFORCE_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("ONEWORKFORCE_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "oneworkforce.data.ledger",
]

DATABASES = {
    "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)
    if os.environ.get("DATABASE_URL")
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(HOME.sqlite),
        "OPTIONS": {"timeout": 30},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
