"""The organization itself, its users (the demo logins) and its sales pipelines."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ..services.access.accounts import create_organization, create_user
from .context import OrgContext
from .generator import Weighted


class OrgPeopleMixin(OrgContext):
    """Creates the organization and its users (``users``, ``manager``...) and ``pipes``."""

    def _org_and_users(self) -> None:
        spec, now, domain = self.spec, self.now, self.spec["domain"]
        address = {"street": "400 Commerce St", "city": "Dallas", "state": "TX", "zip": "75202"}
        org = create_organization(
            self.s,
            spec["name"],
            slug=spec["slug"],
            timezone=spec["timezone"],
            currency="USD",
            settings=spec["settings"],
            billing_email=f"billing@{domain}",
            billing_address=address,
            created_at=now - timedelta(days=420),
        )
        self.org_id = org.id
        self.users = {}
        self.names = {}
        roles: dict[str, str] = {}
        for n, (key, first, last, role, title) in enumerate(spec["users"]):
            email = f"{key}@{domain}"
            user = create_user(
                self.s,
                org,
                email=email,
                password="",
                password_hash=self.pw,
                first_name=first,
                last_name=last,
                roles=[role],
                job_title=title,
                department="Operations" if role == "Admin" else "Sales",
                phone=f"(214) 555-01{n:02d}",
                created_at=now - timedelta(days=410 - n),
                email_verified=now - timedelta(days=410 - n),
                last_login_at=now - timedelta(hours=6 + 7 * n),
            )
            self.users[key], self.names[user.id], roles[key] = user.id, user.full_name, role
            self.logins.append((email, role))
        self.reps = [self.users[k] for k, r in roles.items() if r == "Sales Rep"]
        self.manager = next(self.users[k] for k, r in roles.items() if r == "Sales Manager")
        self.admin = self.users.get("admin", self.manager)
        share = spec["manager_share"]
        owners = [*((r, (1 - share) / len(self.reps)) for r in self.reps), (self.manager, share)]
        self.pick_owner = Weighted(self.rng, owners)

    def _pipelines(self) -> None:
        self.pipes = []
        created = self.now - timedelta(days=400)
        stamps = {"created_at": created, "updated_at": created}
        for pos, spec in enumerate(self.spec["pipelines"]):
            pid = self.g.uid()
            self.add(
                "pipelines",
                id=pid,
                name=spec["name"],
                description=spec["description"],
                is_default=pos == 0,
                position=pos,
                **stamps,
            )
            stages = []
            for i, (name, prob, rot, wip, color, kind) in enumerate(spec["stages"]):
                sid = self.g.uid()
                stages.append(
                    {
                        "id": sid,
                        "name": name,
                        "probability": Decimal(prob),
                        "rotting_days": rot,
                        "kind": kind,
                    }
                )
                self.add(
                    "pipeline_stages",
                    id=sid,
                    pipeline_id=pid,
                    name=name,
                    position=i,
                    probability=Decimal(prob),
                    is_won=kind == "won",
                    is_lost=kind == "lost",
                    rotting_days=rot,
                    wip_limit=wip,
                    color=color,
                    **stamps,
                )
            self.pipes.append(
                {
                    "id": pid,
                    "index": pos,
                    "spec": spec,
                    "open": [s for s in stages if s["kind"] == "open"],
                    "by_name": {s["name"]: s for s in stages},
                }
            )
