"""``oneworkforce serve`` (the web app under gunicorn, and the job workers), ``oneworkforce
worker`` (the job workers alone) and the accounts commands: ``createuser``, ``token``,
``deactivate``, ``revoke-token``, ``unlock``."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys

import typer

from oneworkforce.cli.common import OutputFormat, err, fail, open_stores, print_json

#: two job workers: two uploads for different organisations run side by side
DEFAULT_JOB_WORKERS = 2
#: how long stopping waits for running jobs to finish before the workers are ended
STOP_GRACE_SECONDS = 20


def register(app: typer.Typer) -> None:
    app.command(
        name="serve",
        help="Serve the web app (gunicorn) and start the job workers (migrations run first).",
    )(serve)
    app.command(
        name="worker", help="Run the job workers alone (uploads, refreshes, scenarios, packs)."
    )(worker)
    app.command(name="createuser", help="Create a user, or give an existing one another role.")(
        createuser
    )
    app.command(name="token", help="Make an API token for a user (Power BI, Excel, scripts).")(
        token
    )
    app.command(name="deactivate", help="Stop a user signing in or using their API tokens.")(
        deactivate
    )
    app.command(name="revoke-token", help="Revoke a user's API token (by the name it was given).")(
        revoke_token
    )
    app.command(name="unlock", help="Let a user locked out by wrong passwords sign in again.")(
        unlock
    )


def serve(
    port: int = typer.Option(8000, "--port", help="port to listen on"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
    workers: int = typer.Option(
        0, "--workers", help="worker processes (default: one per core, at least 2)"
    ),
    threads: int = typer.Option(4, "--threads", help="threads per worker"),
    job_workers: int = typer.Option(
        DEFAULT_JOB_WORKERS,
        "--job-workers",
        help="job worker processes started alongside (0: none, when `worker` runs elsewhere)",
    ),
) -> None:
    home = open_stores()  # migrates the operational store before any worker starts
    run_server(
        home, host=host, port=port, workers=workers, threads=threads, job_workers=job_workers
    )


def worker(
    workers: int = typer.Option(
        DEFAULT_JOB_WORKERS, "--workers", help="job worker processes", min=1
    ),
) -> None:
    """Runs until stopped: Ctrl+C (SIGINT) lets running jobs finish; SIGTERM stops at once
    (a job cut short is queued again, or failed, by the next worker to start)."""
    home = open_stores()
    run_workers(home, workers)


def run_workers(home, workers: int) -> None:
    import logging

    from django.db import connections
    from huey.contrib.djhuey import HUEY

    from oneworkforce.jobs import tasks  # noqa: F401  (registers the tasks)
    from oneworkforce.jobs.queue import describe

    logging.getLogger("huey").setLevel(logging.WARNING)
    connections.close_all()  # each worker process opens its own
    consumer = HUEY.create_consumer(
        workers=workers,
        worker_type="process",
        periodic=False,
        max_delay=1.0,  # an idle worker looks for a job at least once a second
        health_check_interval=1.0,  # a worker process that died is replaced within a second
    )
    err.print(f"Job workers: {workers}, queue: {describe(home)}")
    consumer.run()


@contextlib.contextmanager
def _job_workers(home, count: int):
    """``oneworkforce worker`` as a child process for as long as the block runs."""
    if count < 1:
        yield None
        return
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oneworkforce",
            "--home",
            str(home.root),
            "worker",
            "--workers",
            str(count),
        ]
    )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)  # let running jobs finish
            try:
                child.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.terminate()
                try:
                    child.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    child.kill()


def run_server(
    home,
    *,
    host: str,
    port: int,
    workers: int = 0,
    threads: int = 4,
    job_workers: int = DEFAULT_JOB_WORKERS,
) -> None:
    from gunicorn.app.base import BaseApplication

    from oneworkforce.config import HOME_ENV

    os.environ[HOME_ENV] = str(home.root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneworkforce.web.settings")
    workers = workers or max(2, os.cpu_count() or 1)  # measured: more only queue (docs/web.md)

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 120,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "proc_name": "oneworkforce",
                "forwarded_allow_ips": "127.0.0.1",
                "post_worker_init": _warm_worker,
                "worker_exit": _exit_worker,
            }.items():
                self.cfg.set(key, value)

        def load(self):
            from oneworkforce.web.wsgi import application

            return application

    err.print(f"Serving OneWorkforce at http://{host}:{port}/ (Ctrl+C stops it)")
    with _job_workers(home, job_workers):
        Server().run()


def _warm_worker(worker) -> None:
    from oneworkforce.web.dashboard.data import warm

    warm()


def _exit_worker(server, worker) -> None:
    """A web worker ends without tearing the interpreter down.

    Stopping the server used to abort workers now and then ("terminate called without an
    active exception", SIGABRT; SIGSEGV on some machines): a worker stopped while DuckDB or
    Arrow still had native threads at work ran the libraries' C++ destructors during interpreter
    shutdown, which end the process when a thread is still running. Everything a worker must
    keep is already written when it gets here (each request commits its own transaction), so it
    closes its database connections, flushes its output and leaves with ``os._exit`` and the exit
    code gunicorn chose. gunicorn also calls this hook in the arbiter for a worker that vanished;
    there it does nothing.
    """
    if os.getpid() != worker.pid:
        return
    from django.db import connections

    connections.close_all()
    code = sys.exc_info()[1]
    status = code.code if isinstance(code, SystemExit) and isinstance(code.code, int) else 0
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def createuser(
    username: str = typer.Argument(..., help="the sign-in name (an e-mail address for NHS mail)"),
    role: str = typer.Option(
        ...,
        "--role",
        help="admin, analyst, programme_lead, org_data_lead, board or viewer",
    ),
    org: list[str] = typer.Option(
        [], "--org", help="organisation code the role is for (repeat; org_data_lead needs one)"
    ),
    email: str = typer.Option("", "--email", help="e-mail address"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read the password from standard input"
    ),
    reset_password: bool = typer.Option(
        False,
        "--reset-password",
        help="change an existing user's password (with --password-stdin); audited",
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    home = open_stores()
    from oneworkforce.data.lake import Lake
    from oneworkforce.web.accounts.service import AccountError, create_user

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("no password on standard input")
    known = Lake(home).organisation_codes() if org else None
    try:
        user = create_user(
            username,
            role,
            password=password,
            organisations=org,
            email=email,
            actor="cli",
            known_organisations=known,
            reset_password=reset_password,
        )
    except AccountError as exc:
        fail(str(exc))
    memberships = [
        {"role": m.role, "organisation": m.organisation or None} for m in user.memberships.all()
    ]
    if fmt is OutputFormat.json:
        print_json({"username": user.username, "memberships": memberships})
    else:
        roles = ", ".join(
            f"{m['role']}" + (f" ({m['organisation']})" if m["organisation"] else "")
            for m in memberships
        )
        err.print(f"User {user.username}: {roles}")


def token(
    username: str = typer.Argument(..., help="the user the token acts as"),
    name: str = typer.Option(..., "--name", help="what the token is for, e.g. 'Power BI'"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """The key is printed once; only its hash is kept. It reads what its user may read."""
    open_stores()
    from django.contrib.auth import get_user_model

    from oneworkforce.web.accounts.service import issue_token

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        fail(f"no active user {username!r}")
    key = issue_token(user, name, actor="cli")
    if fmt is OutputFormat.json:
        print_json({"username": username, "name": name, "token": key})
    else:
        err.print(f"API token for {username} ({name}); it is shown only now:")
        sys.stdout.write(key + "\n")


def deactivate(
    username: str = typer.Argument(..., help="the user to deactivate"),
) -> None:
    """The user's history, roles and audit trail stay; they can no longer sign in."""
    open_stores()
    from oneworkforce.web.accounts.service import AccountError, deactivate_user

    try:
        deactivate_user(username, actor="cli")
    except AccountError as exc:
        fail(str(exc))
    err.print(f"User {username} is deactivated: they can no longer sign in or use API tokens.")


def revoke_token(
    username: str = typer.Argument(..., help="the user the token acts as"),
    name: str = typer.Option(..., "--name", help="the name the token was made with"),
) -> None:
    open_stores()
    from oneworkforce.web.accounts.service import AccountError
    from oneworkforce.web.accounts.service import revoke_token as revoke

    try:
        n = revoke(username, name, actor="cli")
    except AccountError as exc:
        fail(str(exc))
    err.print(f"Revoked {n} API token{'s' if n != 1 else ''} {name!r} of {username}.")


def unlock(
    username: str = typer.Argument(..., help="the user locked out by wrong passwords"),
) -> None:
    open_stores()
    from oneworkforce.web.accounts.service import unlock as unlock_user

    cleared = unlock_user(username, actor="cli")
    err.print(f"{username} can sign in again ({cleared} failed-sign-in record(s) cleared).")
