"""The tables, one module a concern; every existing name is imported from here.

- `columns`: shared column types (BIG_ID, optional_instant)
- `people`: Role, TeamKind, Setting, Team, User, AuditEntry, SignInSession, SignInThrottle
- `leads`: BatchStatus, ImportBatch, ImportReject, ColumnMapping, Lead, LeadEvent, Reminder
- `agreement`: Agreement, AgreementVersion, Signature, AgreementComment, AgreementRevision
- `gamification`: PointAdjustment, PeriodClose, ClosedStanding, BadgeAward
"""

from sla_core.models.agreement import (
    Agreement,
    AgreementComment,
    AgreementRevision,
    AgreementVersion,
    Signature,
)
from sla_core.models.columns import BIG_ID
from sla_core.models.gamification import BadgeAward, ClosedStanding, PeriodClose, PointAdjustment
from sla_core.models.leads import (
    BatchStatus,
    ColumnMapping,
    HandoffRules,
    ImportBatch,
    ImportReject,
    Lead,
    LeadEvent,
    Reminder,
)
from sla_core.models.people import (
    AuditEntry,
    Role,
    Setting,
    SignInSession,
    SignInThrottle,
    Team,
    TeamKind,
    User,
)

__all__ = [
    "BIG_ID",
    "Agreement",
    "AgreementComment",
    "AgreementRevision",
    "AgreementVersion",
    "AuditEntry",
    "BadgeAward",
    "BatchStatus",
    "ClosedStanding",
    "ColumnMapping",
    "HandoffRules",
    "ImportBatch",
    "ImportReject",
    "Lead",
    "LeadEvent",
    "PeriodClose",
    "PointAdjustment",
    "Reminder",
    "Role",
    "Setting",
    "SignInSession",
    "SignInThrottle",
    "Signature",
    "Team",
    "TeamKind",
    "User",
]
