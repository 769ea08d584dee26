"""All SQLModel tables; importing this package registers them on SQLModel.metadata."""

from .auth import (
    AuditLog,
    DownloadTicket,
    OAuthAccount,
    Organization,
    Permission,
    Role,
    RolePermission,
    SignInFailure,
    User,
    UserRole,
    UserSession,
    VerificationToken,
)
from .automation import AICall, AICallCampaign, Task
from .crm import Company, Interaction, Lead, LeadEnrichment, LeadTag
from .documents import Contract, Product, Proposal, ProposalLineItem
from .enums import (
    AICallOutcome,
    AICallStatus,
    BusinessType,
    CampaignStatus,
    ContractStatus,
    InteractionType,
    LeadSource,
    LeadStatus,
    OpportunityStatus,
    ProposalStatus,
    TaskPriority,
    TaskStatus,
    UserStatus,
)
from .lead_inbox import LeadRoundRobin, SavedView
from .pipeline import Opportunity, OpportunityStageHistory, Pipeline, PipelineStage

__all__ = [
    "AICall",
    "AICallCampaign",
    "AICallOutcome",
    "AICallStatus",
    "AuditLog",
    "BusinessType",
    "CampaignStatus",
    "Company",
    "Contract",
    "ContractStatus",
    "DownloadTicket",
    "Interaction",
    "InteractionType",
    "Lead",
    "LeadEnrichment",
    "LeadRoundRobin",
    "LeadSource",
    "LeadStatus",
    "LeadTag",
    "OAuthAccount",
    "Opportunity",
    "OpportunityStageHistory",
    "OpportunityStatus",
    "Organization",
    "Permission",
    "Pipeline",
    "PipelineStage",
    "Product",
    "Proposal",
    "ProposalLineItem",
    "ProposalStatus",
    "Role",
    "RolePermission",
    "SavedView",
    "SignInFailure",
    "Task",
    "TaskPriority",
    "TaskStatus",
    "User",
    "UserRole",
    "UserSession",
    "UserStatus",
    "VerificationToken",
]

TENANT_KEY = "organization_id"
