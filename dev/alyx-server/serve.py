"""Start the development Alyx on 127.0.0.1 and serve until Ctrl-C or SIGTERM.

    python dev/alyx-server/serve.py --port 8123 [--db FILE] [--throttle 10/second]
        [--cors-origin ORIGIN ...] [--no-seed]

Prints "ALYX READY http://127.0.0.1:<port>" on stdout once it accepts requests; everything else
goes to stderr. Without --db the database lives in a temporary folder removed on exit.
"""

import argparse
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# DRF reads only the first letter of the period, but a typo should fail here, not at first use.
RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")
# Enough threads for parallel test clients; SQLite serialises the writes anyway.
THREADS = 8


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--port", default="8123", help='port on 127.0.0.1; "0" or "auto" picks a free one'
    )
    parser.add_argument(
        "--db", type=Path, help="SQLite file to use and keep (created if missing)"
    )
    parser.add_argument(
        "--throttle",
        default=os.environ.get("ALYX_DEV_THROTTLE", ""),
        help='per-user rate limit such as "10/second" or "550/minute" (default: none)',
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="allow this origin by CORS, e.g. http://127.0.0.1:5173 (repeatable; default none)",
    )
    parser.add_argument(
        "--seed",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="create the records of seed.json if missing (default: yes)",
    )
    args = parser.parse_args(argv)
    if args.port == "auto":
        args.port = "0"
    if not args.port.isdigit():
        parser.error(f'--port must be a number or "auto", not "{args.port}"')
    if args.throttle and not RATE.match(args.throttle):
        parser.error(f'--throttle must look like "10/second" or "550/minute", not "{args.throttle}"')
    for origin in args.cors_origin:
        if not re.match(r"^https?://[^/]+$", origin):
            parser.error(f'--cors-origin must be scheme://host[:port] without a path, not "{origin}"')
    return args


def configure_django(db: Path, args: argparse.Namespace) -> None:
    os.environ["ALYX_DEV_DB"] = str(db)
    os.environ["ALYX_DEV_THROTTLE"] = args.throttle
    os.environ["ALYX_DEV_CORS_ORIGINS"] = ",".join(args.cors_origin)
    os.environ["DJANGO_SETTINGS_MODULE"] = "alyx_dev.settings"
    sys.path.insert(0, str(HERE))

    import django

    django.setup()


def stop_on_sigterm() -> None:
    """Make SIGTERM unwind like Ctrl-C, so the finally blocks below clean up."""

    def handler(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    workdir = None if args.db else Path(tempfile.mkdtemp(prefix="alyx-qc-dev-"))
    db = args.db.resolve() if args.db else workdir / "alyx.sqlite3"
    stop_on_sigterm()
    try:
        configure_django(db, args)

        import waitress
        from django.core.wsgi import get_wsgi_application

        from alyx_dev.database import prepare_database

        prepare_database(db, seed=args.seed)
        # "Task queue depth is N" on every burst of parallel requests is noise, not a problem.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        try:
            server = waitress.create_server(
                get_wsgi_application(), host="127.0.0.1", port=int(args.port), threads=THREADS
            )
        except OSError as error:
            sys.exit(f"serve.py: cannot listen on 127.0.0.1:{args.port}: {error.strerror}")
        # create_server has bound and is listening: requests from now on are queued, not refused.
        print(f"ALYX READY http://127.0.0.1:{server.effective_port}", flush=True)
        try:
            server.run()
        finally:
            server.close()
    except KeyboardInterrupt:
        pass
    finally:
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
