"""The web latency benchmark's baseline: the product's settings with the cache each worker
process kept for itself before issue 16 (Django's local-memory cache), so the shared cache's
cost can be measured beside it in the same run. Never used by the product: with it a
signed-out session stays valid on the other workers."""

from oneworkforce.web.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
