"""Background jobs: uploads, results refreshes, scenario runs and board packs, run by worker
processes off a Huey queue (embedded SQLite by default, Redis when ONEWORKFORCE_REDIS_URL is
set), each recorded in a :class:`~oneworkforce.jobs.models.Job` row that the pages poll."""
