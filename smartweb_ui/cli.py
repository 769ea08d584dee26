"""`python -m smartweb_ui.cli <command>`: migrate, seed-demo, prepare, create-user, worker,
simulate-campaign, db-url, db-stop."""

from __future__ import annotations

import argparse
import getpass
import sys
import time

from .config import PROJECT_ROOT, settings


def migrate() -> None:
    from alembic import command
    from alembic.config import Config

    command.upgrade(Config(str(PROJECT_ROOT / "alembic.ini")), "head")


def seed_demo(scale: int) -> dict:
    from .seed.demo import seed_demo as run_seed

    started = time.perf_counter()
    report = run_seed(scale=scale, password=settings.demo_password)
    print(f"Seeded the demo organizations (scale {scale}) in {time.perf_counter() - started:.1f}s")
    return report


def database_is_empty() -> bool:
    from sqlmodel import select

    from .db import system_session
    from .models import Organization

    with system_session() as session:
        return session.exec(select(Organization.id).limit(1)).first() is None


def print_logins() -> None:
    from .seed.data import demo_logins

    logins = demo_logins()
    width = max(len(e) for e, _ in logins)
    print(f"\nDemo sign-ins (password: {settings.demo_password})")
    for email, role in logins:
        print(f"  {email:<{width}}  {role}")
    print()


def prepare() -> None:
    """Start the database, migrate, seed the demo data when empty, print the logins."""
    from .db import DatabaseUnavailable, check_connection

    _ = settings.secret_key  # a missing key stops here, before anything else (config.py)
    try:
        check_connection()
    except DatabaseUnavailable as exc:
        sys.exit(f"error: {exc}")
    migrate()
    if database_is_empty():
        seed_demo(scale=1)
    print_logins()


def create_user(args: argparse.Namespace) -> None:
    from sqlmodel import select

    from .db import system_session
    from .models import Organization
    from .services.access.accounts import create_user as make_user

    password = args.password or getpass.getpass("Password: ")
    with system_session() as session:
        org = session.exec(select(Organization).where(Organization.slug == args.org)).first()
        if org is None:
            sys.exit(f"error: no organization with slug {args.org!r}")
        first, _, last = args.name.partition(" ")
        make_user(
            session,
            org,
            email=args.email,
            password=password,
            first_name=first,
            last_name=last,
            roles=[args.role],
        )
    print(f"Created {args.email} ({args.role}) in {args.org}")


def check_port(port: int) -> None:
    """Refuse to start when the port is taken, with a message instead of a stack trace."""
    import socket

    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            sys.exit(
                f"error: port {port} is already in use. Stop the other server, "
                f"or choose another port: make run PORT={port + 1}"
            )


def run_worker(args: argparse.Namespace) -> None:
    import asyncio
    import contextlib
    import logging

    from .services.core import queue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(queue.run_worker(wait=not args.until_idle, concurrency=args.concurrency))


def simulate_campaign(args: argparse.Namespace) -> None:
    from .config import settings
    from .db import system_session
    from .services.campaigns.simulate import plan_simulation, simulate
    from .services.core.errors import NotFound

    if args.calls < 1 or args.rate <= 0 or args.speed <= 0:
        sys.exit("error: --calls, --rate and --speed must be positive")
    try:
        with system_session() as s:
            plan = plan_simulation(s, args.campaign, args.calls)
    except NotFound as exc:
        sys.exit(f"error: {exc.message}")
    url = args.url or settings.simulator_url
    print(f"simulating {args.calls} calls of {plan.campaign_name!r} against {url} ...", flush=True)
    codes = simulate(plan, url, calls=args.calls, rate=args.rate, speed=args.speed, seed=args.seed)
    print("webhook answers: " + ", ".join(f"{c}: {n}" for c, n in sorted(codes.items())))
    if any(c >= 500 for c in codes):
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m smartweb_ui.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply Alembic migrations")
    seed = sub.add_parser("seed-demo", help="seed the demo organizations")
    seed.add_argument("--scale", type=int, default=1, help="multiply the demo volume (100 = bench)")
    sub.add_parser("prepare", help="migrate, seed when empty, print the demo logins")
    sub.add_parser("logins", help="print the demo logins")
    user = sub.add_parser("create-user", help="add a user to an organization")
    user.add_argument("--org", required=True, help="organization slug, e.g. demo-trades")
    user.add_argument("--email", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", default="Sales Rep")
    user.add_argument("--password")
    sim = sub.add_parser("simulate-campaign", help="post simulated AI-call events to a running app")
    sim.add_argument("campaign", help="campaign id or name")
    sim.add_argument("--calls", type=int, default=20, help="how many calls to play")
    sim.add_argument("--rate", type=float, default=2.0, help="calls started per second")
    sim.add_argument("--speed", type=float, default=20.0, help="time compression of each call")
    sim.add_argument("--url", default="", help="the app's base URL (SMARTWEB_SIMULATOR_URL)")
    sim.add_argument("--seed", type=int, help="make the calls reproducible")
    sub.add_parser("db-url", help="print the database URL (starting the embedded server)")
    sub.add_parser("db-stop", help="stop the embedded PostgreSQL server")
    worker = sub.add_parser("worker", help="run a background-job worker (until Ctrl-C)")
    worker.add_argument("--concurrency", type=int, help="jobs at once (SMARTWEB_JOB_CONCURRENCY)")
    worker.add_argument("--until-idle", action="store_true", help="stop once the queue is empty")
    port = sub.add_parser("check-port", help="fail clearly when a TCP port is taken")
    port.add_argument("port", type=int)
    args = parser.parse_args(argv)

    if args.command == "migrate":
        migrate()
    elif args.command == "seed-demo":
        migrate()
        if not database_is_empty():
            sys.exit("error: the database already has data; seed-demo runs on an empty database")
        seed_demo(args.scale)
    elif args.command == "prepare":
        prepare()
    elif args.command == "logins":
        print_logins()
    elif args.command == "create-user":
        create_user(args)
    elif args.command == "simulate-campaign":
        simulate_campaign(args)
    elif args.command == "db-url":
        from .db import database_url

        print(database_url())
    elif args.command == "worker":
        run_worker(args)
    elif args.command == "check-port":
        check_port(args.port)
    elif args.command == "db-stop":
        from .db import stop_embedded_server

        stop_embedded_server()


if __name__ == "__main__":
    main()
