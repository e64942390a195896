"""The agreement's content as typed models, with the seed articles' defaults.

The MQL definition (`terms.mql`), point rules (`terms.points`) and service policy
(`terms.service`) have modules of their own; every name is imported from here.

Numbers that are not whole are Decimals so the canonical JSON never writes a float
ambiguously (they serialise as strings such as "7.0").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from sla_core.i18n.languages import N_
from sla_core.models import Role
from sla_core.stages import STAGE_LABELS, Stage
from sla_core.terms.base import Frozen
from sla_core.terms.mql import (
    NUMERIC_CRITERIA,
    Criterion,
    CriterionField,
    MQLDefinition,
    default_mql_definition,
)
from sla_core.terms.points import MARKETING_LEVELS, BonusTier, LevelRule, PointLevel, PointRules
from sla_core.terms.service import Band, Bands, Reminders, ServicePolicy

__all__ = [
    "ADDED_LATER",
    "MARKETING_LEVELS",
    "NUMERIC_CRITERIA",
    "WORKSHOP_QUESTIONS",
    "AgreementContent",
    "Band",
    "Bands",
    "BonusTier",
    "Criterion",
    "CriterionField",
    "Enforcement",
    "Frozen",
    "PointLevel",
    "LevelRule",
    "MQLDefinition",
    "PlanInputs",
    "PointRules",
    "Reminders",
    "Review",
    "ReviewCadence",
    "ServicePolicy",
    "Targets",
    "Windows",
    "default_mql_definition",
    "default_stage_definitions",
]


class PlanInputs(Frozen):
    """What the reverse-funnel calculator was given when its numbers became the quotas
    (money per month in the organisation's currency, rates in per cent), and the months of
    history its defaults came from ("" when none was read)."""

    revenue_goal: Decimal = Field(ge=0)
    deal_size: Decimal = Field(gt=0)
    mql_to_sql: Decimal = Field(gt=0, le=100)
    sql_to_opportunity: Decimal = Field(gt=0, le=100)
    opportunity_to_won: Decimal = Field(gt=0, le=100)
    marketers: int = Field(ge=0)
    reps: int = Field(ge=0)
    budget: Decimal = Field(default=Decimal(0), ge=0)
    based_on: str = ""

    def summary(self) -> str:
        """One line for the change log: goal, deal size, the three rates and the team."""
        return (
            f"goal {self.revenue_goal}, deal {self.deal_size}, rates {self.mql_to_sql} / "
            f"{self.sql_to_opportunity} / {self.opportunity_to_won} %, {self.marketers} "
            f"marketers, {self.reps} reps, budget {self.budget}"
            + (f" (history {self.based_on})" if self.based_on else "")
        )


class Targets(Frozen):
    """Quotas per person per month (the article's example figures by default), and the
    calculator inputs they were planned from, when they were."""

    mqls_per_marketer: int = Field(default=250, ge=0)
    conversion_rate_pct: Decimal = Field(default=Decimal("7.0"), ge=0, le=100)
    opportunities_per_rep: int = Field(default=18, ge=0)
    min_mqls_per_rep: int = Field(default=40, ge=0)
    max_mqls_per_rep: int = Field(default=150, ge=0)
    quality_pct: Decimal = Field(default=Decimal("60.0"), ge=0, le=100)
    plan: PlanInputs | None = None

    @model_serializer(mode="wrap")
    def _without_an_empty_plan(self, handler: SerializerFunctionWrapHandler) -> Any:
        # No plan writes no key: versions saved before plans existed keep their hash.
        data = handler(self)
        if self.plan is None and isinstance(data, dict):
            data.pop("plan", None)
        return data

    @model_validator(mode="after")
    def _caps(self) -> Targets:
        if self.min_mqls_per_rep > self.max_mqls_per_rep:
            raise ValueError("min MQLs per rep is above max MQLs per rep")
        return self


class Windows(Frozen):
    """How fast sales must act on every MQL."""

    disposition_hours: int = Field(default=48, ge=1)
    work_within_days: int = Field(default=7, ge=1)
    follow_up_attempts: int = Field(default=3, ge=0)
    remind_before_hours: int = Field(default=12, ge=0)


class ReviewCadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


class Enforcement(StrEnum):
    """How the agreement is enforced: rewards, penalties, or both."""

    CARROT = "carrot"
    STICK = "stick"
    BOTH = "both"


class Review(Frozen):
    cadence: ReviewCadence = ReviewCadence.QUARTERLY
    next_review: str | None = None  # ISO date


# Fields written into the canonical JSON only when set (None: left out, as before them).
ADDED_LATER = ("company", "effective_from", "term_months")

WORKSHOP_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("company_goals", N_("What are the company's goals and how will we reach them?")),
    ("stakeholders", N_("Who are the stakeholders and what do they need from the SLA?")),
    ("mql_definition", N_("What makes a lead marketing-qualified?")),
    ("mql_target", N_("How many MQLs does marketing deliver, and why that number?")),
    ("handoff_rate", N_("What MQL hand-off rate do we want?")),
    ("rep_caps", N_("How many MQLs may a rep hold at least and at most?")),
    ("sales_workflow", N_("How does sales work an MQL, and how fast?")),
    ("rep_metrics", N_("How do we measure each rep?")),
    ("mql_metrics", N_("How do we measure MQL performance?")),
    (
        "consequences",
        N_("What happens when a side misses (the stick) or beats (the carrot) its levels?"),
    ),
)


def default_stage_definitions() -> dict[str, str]:
    return {
        Stage.LEAD.value: "Any contact captured by a marketing channel.",
        Stage.MQL.value: "A lead whose profile score reaches the MQL threshold.",
        Stage.SAL.value: "An MQL a rep has accepted and is working.",
        Stage.SQL.value: "A lead sales has qualified: need, budget, authority and timing confirmed.",
        Stage.OPPORTUNITY.value: "A qualified lead with an open deal in the pipeline.",
        Stage.WON.value: "A closed deal the customer signed.",
        Stage.LOST.value: "A deal that closed without a sale.",
        Stage.NURTURE.value: "Returned to marketing with a reason, to be nurtured and recycled.",
        Stage.DISQUALIFIED.value: "Not a fit, with a recorded reason.",
    }


class AgreementContent(Frozen):
    """Everything the SLA says; the app measures against the version in force."""

    title: str = "Sales & Marketing Service Level Agreement"
    mql: MQLDefinition = Field(default_factory=default_mql_definition)
    targets: Targets = Field(default_factory=Targets)
    windows: Windows = Field(default_factory=Windows)
    points: PointRules = Field(default_factory=PointRules)
    service: ServicePolicy = Field(default_factory=ServicePolicy)
    stage_definitions: dict[str, str] = Field(default_factory=default_stage_definitions)
    review: Review = Field(default_factory=Review)
    workshop: dict[str, str] = Field(default_factory=dict)
    required_signers: tuple[str, ...] = ("sales_manager", "marketing_manager")
    parties: tuple[str, ...] = ("Sales team", "Marketing team")
    marketing_commitments: str = ""
    sales_commitments: str = ""
    enforcement: Enforcement = Enforcement.BOTH
    # Added after the first versions were signed: written into the canonical JSON only
    # when set (see ADDED_LATER), so the hash of every version stored before stays the same.
    company: str | None = None
    effective_from: str | None = None  # ISO date the agreement takes effect
    term_months: int | None = Field(default=None, ge=1, le=120)

    @model_validator(mode="after")
    def _stages_known(self) -> AgreementContent:
        unknown = set(self.stage_definitions) - {s.value for s in STAGE_LABELS}
        if unknown:
            raise ValueError(f"unknown stages in the definitions: {', '.join(sorted(unknown))}")
        roles = {r.value for r in Role}
        if not self.required_signers:
            raise ValueError("name at least one role that must sign the agreement")
        strangers = [r for r in self.required_signers if r not in roles]
        if strangers:
            raise ValueError(f"unknown signer roles: {', '.join(strangers)}")
        if len(set(self.required_signers)) != len(self.required_signers):
            raise ValueError("a signer role is listed twice")
        if self.effective_from is not None:
            date.fromisoformat(self.effective_from)  # a ValueError names the bad date
        return self
