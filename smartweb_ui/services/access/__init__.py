"""Who may sign in and what they may do: sessions, accounts, users and roles, the audit trail."""

from .admin import (
    AdminView,
    AuditPage,
    AuditRow,
    PermissionRow,
    RoleMatrix,
    RoleRow,
    UserRow,
    add_user,
    admin_view,
    audit_page,
    role_matrix,
    set_role_permission,
    set_user_role,
    set_user_status,
)
from .auth import Profile, SignedIn, profile_of, resume, resume_with_profile, sign_in, sign_out

__all__ = [
    "AdminView",
    "AuditPage",
    "AuditRow",
    "PermissionRow",
    "Profile",
    "RoleMatrix",
    "RoleRow",
    "SignedIn",
    "UserRow",
    "add_user",
    "admin_view",
    "audit_page",
    "profile_of",
    "resume",
    "resume_with_profile",
    "role_matrix",
    "set_role_permission",
    "set_user_role",
    "set_user_status",
    "sign_in",
    "sign_out",
]
