"""Domain enums, stored as native PostgreSQL enum types."""

from enum import StrEnum


class UserStatus(StrEnum):
    ACTIVE = "active"
    INVITED = "invited"
    SUSPENDED = "suspended"


class BusinessType(StrEnum):
    PLUMBING = "plumbing"
    HVAC = "hvac"
    ROOFING = "roofing"
    ELECTRICAL = "electrical"
    GENERAL_CONTRACTOR = "general_contractor"
    LANDSCAPING = "landscaping"
    PAINTING = "painting"
    PEST_CONTROL = "pest_control"
    OTHER = "other"


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    UNQUALIFIED = "unqualified"
    CONVERTED = "converted"
    LOST = "lost"


class LeadSource(StrEnum):
    SCRAPE = "scrape"
    IMPORT = "import"
    REFERRAL = "referral"
    WEBSITE = "website"
    COLD_CALL = "cold_call"
    AI_CAMPAIGN = "ai_campaign"
    EVENT = "event"
    MANUAL = "manual"


class InteractionType(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"
    AI_CALL = "ai_call"
    SMS = "sms"


class OpportunityStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    VIEWED = "viewed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"


class ContractStatus(StrEnum):
    DRAFT = "draft"
    PENDING_SIGNATURE = "pending_signature"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"


class AICallStatus(StrEnum):
    QUEUED = "queued"
    DIALING = "dialing"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    FAILED = "failed"


class AICallOutcome(StrEnum):
    INTERESTED = "interested"
    MEETING_BOOKED = "meeting_booked"
    CALLBACK = "callback"
    NOT_INTERESTED = "not_interested"
    WRONG_NUMBER = "wrong_number"
    DO_NOT_CALL = "do_not_call"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"
