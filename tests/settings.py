"""Django settings for the tests: a throwaway data directory and a test-only key."""

import os
import tempfile

os.environ.setdefault("ONEWORKFORCE_HOME", tempfile.mkdtemp(prefix="oneworkforce-test-"))
os.environ.setdefault("ONEWORKFORCE_SECRET_KEY", "test-only-not-a-secret")

from oneworkforce.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher"]

# Jobs run at once, in the test's own process and transaction; the tests of the queue itself
# (tests/jobs) start real worker processes with the embedded queue and with Redis.
HUEY = make_huey(HOME, immediate=True)  # noqa: F405
