"""the job queue: procrastinate's schema (jobs, workers, events, periodic defers)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:40:00

The schema is procrastinate's own ``schema.sql`` for the pinned version (3.10). A later
procrastinate upgrade adds a revision that applies the files of its ``sql/migrations`` folder.
Tenant transactions (the app role) may enqueue — insert jobs through
``procrastinate_defer_jobs_v1`` — and read job status; everything else is the worker's, which
connects as the database owner. Job arguments are ids only (see ``services.core.queue``).
"""

from collections.abc import Sequence

from alembic import op
from procrastinate.schema import SchemaManager

from smartweb_ui.config import settings

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = settings.app_role


def upgrade() -> None:
    # A script with $$-quoted bodies and % signs: hand it to psycopg as is (no parameters, so
    # nothing is parsed for placeholders), on the migration's own connection and transaction.
    driver = op.get_bind().connection.dbapi_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(SchemaManager.get_schema())
    op.execute(f"GRANT SELECT, INSERT ON procrastinate_jobs, procrastinate_events TO {APP_ROLE}")
    op.execute(f"GRANT SELECT ON procrastinate_workers TO {APP_ROLE}")
    op.execute(
        f"GRANT USAGE ON SEQUENCE procrastinate_jobs_id_seq, procrastinate_events_id_seq "
        f"TO {APP_ROLE}"
    )
    op.execute(
        "GRANT EXECUTE ON FUNCTION procrastinate_defer_jobs_v1(procrastinate_job_to_defer_v1[]) "
        f"TO {APP_ROLE}"
    )


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS procrastinate_periodic_defers, procrastinate_events, "
        "procrastinate_jobs, procrastinate_workers CASCADE"
    )
    op.execute(
        """
        DO $$
        DECLARE f record;
        BEGIN
          FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%'
          LOOP
            EXECUTE 'DROP FUNCTION ' || f.sig || ' CASCADE';
          END LOOP;
        END $$;
        """
    )
    op.execute(
        "DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type, "
        "procrastinate_job_status CASCADE"
    )
