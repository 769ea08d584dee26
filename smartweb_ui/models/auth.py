"""Auth & tenancy: organizations, users, roles, permissions, sessions, tokens, OAuth, audit."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Index, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import INET
from sqlmodel import Field, SQLModel

from .base import (
    TZ,
    count,
    created_at,
    fk,
    flag,
    jsonb_obj,
    opt_fk,
    opt_ts,
    org_fk,
    pg_enum,
    pk,
    table_name,
    updated_at,
)
from .enums import UserStatus


class Organization(SQLModel, table=True):
    __tablename__ = table_name("organizations")

    id: UUID = pk()
    name: str
    slug: str = Field(unique=True)
    billing_email: str | None = None
    billing_address: dict[str, Any] = jsonb_obj()
    stripe_customer_id: str | None = Field(default=None, unique=True)
    subscription_tier: str = Field(default="pro", sa_column_kwargs={"server_default": "pro"})
    subscription_status: str = Field(
        default="active", sa_column_kwargs={"server_default": "active"}
    )
    subscription_expires_at: datetime | None = opt_ts()
    max_users: int = count(25)
    max_leads_per_month: int = count(10000)
    max_ai_calls_per_month: int = count(5000)
    timezone: str = Field(
        default="America/New_York", sa_column_kwargs={"server_default": "America/New_York"}
    )
    currency: str = Field(default="USD", sa_column_kwargs={"server_default": "USD"})
    settings: dict[str, Any] = jsonb_obj()
    features: dict[str, Any] = jsonb_obj()
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    is_active: bool = flag(True)


class User(SQLModel, table=True):
    __tablename__ = table_name("users")
    __table_args__ = (
        Index("uq_users_email_lower", text("lower(email)"), unique=True),
        Index("ix_users_org_status", "organization_id", "status"),
    )

    id: UUID = pk()
    email: str
    email_verified: datetime | None = opt_ts()
    password_hash: str | None = None
    first_name: str = ""
    last_name: str = ""
    full_name: str = ""
    avatar_url: str | None = None
    phone: str | None = None
    organization_id: UUID = org_fk()
    department: str | None = None
    job_title: str | None = None
    status: UserStatus = Field(
        default=UserStatus.ACTIVE,
        sa_type=pg_enum(UserStatus, "user_status"),
        sa_column_kwargs={"server_default": UserStatus.ACTIVE.value},
    )
    is_super_admin: bool = flag(False)
    preferences: dict[str, Any] = jsonb_obj()
    notification_settings: dict[str, Any] = jsonb_obj()
    two_factor_enabled: bool = flag(False)
    two_factor_secret: str | None = None
    last_login_at: datetime | None = opt_ts()
    last_login_ip: str | None = Field(default=None, sa_type=INET)
    failed_login_attempts: int = count(0)
    locked_until: datetime | None = opt_ts()
    open_lead_capacity: int | None = None
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    deleted_at: datetime | None = opt_ts()


class Role(SQLModel, table=True):
    __tablename__ = table_name("roles")
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: UUID = pk()
    organization_id: UUID = org_fk()
    name: str
    description: str = ""
    is_system: bool = flag(False)
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()


class Permission(SQLModel, table=True):
    """The global permission catalog (seeded by migration); not tenant-owned."""

    __tablename__ = table_name("permissions")

    id: UUID = pk()
    code: str = Field(unique=True)
    category: str
    description: str = ""


class RolePermission(SQLModel, table=True):
    __tablename__ = table_name("role_permissions")

    role_id: UUID = Field(foreign_key="roles.id", ondelete="CASCADE", primary_key=True)
    permission_id: UUID = Field(
        foreign_key="permissions.id", ondelete="CASCADE", primary_key=True, index=True
    )
    organization_id: UUID = org_fk()
    created_at: datetime = created_at()


class UserRole(SQLModel, table=True):
    __tablename__ = table_name("user_roles")

    user_id: UUID = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    role_id: UUID = Field(foreign_key="roles.id", ondelete="CASCADE", primary_key=True, index=True)
    organization_id: UUID = org_fk()
    assigned_by: UUID | None = opt_fk("users.id")
    created_at: datetime = created_at()


class UserSession(SQLModel, table=True):
    """A server-side sign-in session; the browser holds the token, we keep only its hash."""

    __tablename__ = table_name("sessions")

    id: UUID = pk()
    organization_id: UUID = org_fk()
    user_id: UUID = fk("users.id", ondelete="CASCADE")
    token_hash: str = Field(unique=True)
    ip_address: str | None = Field(default=None, sa_type=INET)
    user_agent: str | None = None
    expires_at: datetime = Field(sa_type=TZ)
    last_seen_at: datetime = created_at()
    revoked_at: datetime | None = opt_ts()
    created_at: datetime = created_at()


class SignInFailure(SQLModel, table=True):
    """A failed sign-in, counted per account, per address and per pair of both to slow guessing
    down. Not a tenant table: the e-mail typed may belong to no organization. Keys are hashes."""

    __tablename__ = table_name("sign_in_failures")
    __table_args__ = (Index("ix_sign_in_failures_key_time", "key", "failed_at"),)

    id: UUID = pk()
    key: str
    failed_at: datetime = created_at()


class DownloadTicket(SQLModel, table=True):
    """A single-use ticket for a file served outside the websocket (an export): bound to the
    session that asked, dead once used, expired or signed out."""

    __tablename__ = table_name("download_tickets")

    id: UUID = pk()
    organization_id: UUID = org_fk()
    user_id: UUID = fk("users.id", ondelete="CASCADE")
    session_id: UUID = fk("sessions.id", ondelete="CASCADE")
    purpose: str
    payload: dict[str, Any] = jsonb_obj()
    expires_at: datetime = Field(sa_type=TZ)
    used_at: datetime | None = opt_ts()
    created_at: datetime = created_at()


class VerificationToken(SQLModel, table=True):
    __tablename__ = table_name("verification_tokens")

    id: UUID = pk()
    organization_id: UUID = org_fk()
    user_id: UUID = fk("users.id", ondelete="CASCADE")
    purpose: str
    token_hash: str = Field(unique=True)
    expires_at: datetime = Field(sa_type=TZ)
    used_at: datetime | None = opt_ts()
    created_at: datetime = created_at()


class OAuthAccount(SQLModel, table=True):
    __tablename__ = table_name("oauth_accounts")
    __table_args__ = (UniqueConstraint("provider", "provider_account_id"),)

    id: UUID = pk()
    organization_id: UUID = org_fk()
    user_id: UUID = fk("users.id", ondelete="CASCADE")
    provider: str
    provider_account_id: str
    access_token: str | None = None
    refresh_token: str | None = None
    expires_at: datetime | None = opt_ts()
    scope: str | None = None
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()


class AuditLog(SQLModel, table=True):
    """One row per change or security event: who did what to which entity, with a diff."""

    __tablename__ = table_name("audit_logs")
    __table_args__ = (
        Index("ix_audit_org_created", "organization_id", text("created_at DESC")),
        Index("ix_audit_org_entity", "organization_id", "entity_type", "entity_id"),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    actor_id: UUID | None = opt_fk("users.id")
    action: str
    entity_type: str
    entity_id: UUID | None = None
    changes: dict[str, Any] = jsonb_obj()
    ip_address: str | None = Field(default=None, sa_type=INET)
    user_agent: str | None = None
    created_at: datetime = created_at()
