"""The agreement's content as typed models, with the seed articles' defaults.

Numbers that are not whole are Decimals so the canonical JSON never writes a float
ambiguously (they serialise as strings such as "7.0").
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sla_core.i18n.languages import N_
from sla_core.models import Role
from sla_core.stages import STAGE_LABELS, Stage


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CriterionField(StrEnum):
    INDUSTRY = "industry"
    COMPANY_SIZE = "company_size"
    DEPARTMENT = "department"
    JOB_TITLE = "job_title"
    TECHNOGRAPHICS = "technographics"
    ENGAGEMENT = "engagement"


NUMERIC_CRITERIA = frozenset({CriterionField.COMPANY_SIZE, CriterionField.ENGAGEMENT})


class Criterion(Frozen):
    """One profile criterion: a lead scores `weight` when its value is accepted.

    Text criteria accept a list of values (job titles and technographics match when the
    lead's text contains one of them); numeric criteria accept a range.
    """

    field: CriterionField
    weight: int = Field(ge=0, le=100)
    accepted: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    @model_validator(mode="after")
    def _shape(self) -> Criterion:
        if self.field in NUMERIC_CRITERIA:
            if self.minimum is None and self.maximum is None:
                raise ValueError(f"{self.field.value} needs a minimum or a maximum")
            if (
                self.minimum is not None
                and self.maximum is not None
                and self.minimum > self.maximum
            ):
                raise ValueError(f"{self.field.value}: minimum is above maximum")
        elif not self.accepted:
            raise ValueError(f"{self.field.value} needs at least one accepted value")
        return self


class MQLDefinition(Frozen):
    """A lead is an MQL when the weights of its accepted criteria reach the threshold."""

    criteria: tuple[Criterion, ...]
    threshold: int = Field(ge=0)

    @model_validator(mode="after")
    def _one_per_field(self) -> MQLDefinition:
        fields = [c.field for c in self.criteria]
        if len(fields) != len(set(fields)):
            raise ValueError("each criterion field may appear only once")
        if self.threshold > sum(c.weight for c in self.criteria):
            raise ValueError("the threshold is above the highest possible score")
        return self


class Targets(Frozen):
    """Quotas per person per month (the article's example figures by default)."""

    mqls_per_marketer: int = Field(default=250, ge=0)
    conversion_rate_pct: Decimal = Field(default=Decimal("7.0"), ge=0, le=100)
    opportunities_per_rep: int = Field(default=18, ge=0)
    min_mqls_per_rep: int = Field(default=40, ge=0)
    max_mqls_per_rep: int = Field(default=150, ge=0)
    quality_pct: Decimal = Field(default=Decimal("60.0"), ge=0, le=100)

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


class Level(StrEnum):
    """The service levels points are earned on (sales' first, then marketing's)."""

    DISPOSITION = "disposition"
    WORKED = "worked"
    FOLLOW_UP = "follow_up"
    CONVERSION = "conversion"
    OPPORTUNITIES = "opportunities"
    MQL_VOLUME = "mql_volume"
    ACCEPTANCE = "acceptance"


MARKETING_LEVELS = frozenset({Level.MQL_VOLUME, Level.ACCEPTANCE})


class BonusTier(Frozen):
    """Extra points once percent-to-goal reaches `at_pct` (only the highest tier reached pays)."""

    at_pct: Decimal = Field(gt=100)
    points: int = Field(ge=0)


class LevelRule(Frozen):
    """Points for one service level: `met` at 100 % of goal, tiers above, `penalty` below."""

    level: Level
    met: int = Field(default=10, ge=0)
    tiers: tuple[BonusTier, ...] = ()
    penalty: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _tiers_rise(self) -> LevelRule:
        marks = [t.at_pct for t in self.tiers]
        if marks != sorted(set(marks)):
            raise ValueError(f"{self.level.value}: bonus tiers must rise, each above the last")
        return self


class PointRules(Frozen):
    """Gamification: points per service level met or exceeded in a period.

    `levels` None (every version saved before per-level rules) scores every level with the
    flat `met` / `exceeded` / `missed_penalty` numbers. Penalties are the stick: they only
    count when `stick` is on. A level is scored for a person only when at least
    `min_load` leads were due on it, so one lucky lead earns nothing.
    """

    met: int = 10
    exceeded: int = 5
    exceeded_by_pct: Decimal = Decimal("10.0")
    missed_penalty: int = 0
    levels: tuple[LevelRule, ...] | None = None
    stick: bool = False
    min_load: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _one_rule_per_level(self) -> PointRules:
        if self.levels is not None:
            names = [rule.level for rule in self.levels]
            if len(names) != len(set(names)):
                raise ValueError("each service level may have only one point rule")
        return self

    def rules(self) -> tuple[LevelRule, ...]:
        """The per-level rules in force (the flat numbers spread over every level if none)."""
        if self.levels is not None:
            return self.levels
        tiers = (
            (BonusTier(at_pct=Decimal(100) + self.exceeded_by_pct, points=self.exceeded),)
            if self.exceeded_by_pct > 0
            else ()
        )
        return tuple(
            LevelRule(level=level, met=self.met, tiers=tiers, penalty=self.missed_penalty)
            for level in Level
        )

    def penalties_apply(self) -> bool:
        """The stick: on when chosen, or in an old version that set a missed penalty."""
        return self.stick or (self.levels is None and self.missed_penalty > 0)


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


def default_mql_definition() -> MQLDefinition:
    return MQLDefinition(
        criteria=(
            Criterion(
                field=CriterionField.INDUSTRY,
                weight=20,
                accepted=(
                    "Software",
                    "Financial Services",
                    "Healthcare",
                    "Manufacturing",
                    "Retail",
                ),
            ),
            Criterion(field=CriterionField.COMPANY_SIZE, weight=20, minimum=50, maximum=5000),
            Criterion(
                field=CriterionField.DEPARTMENT,
                weight=15,
                accepted=("Sales", "Marketing", "Operations", "IT"),
            ),
            Criterion(
                field=CriterionField.JOB_TITLE,
                weight=15,
                accepted=("Head", "Director", "VP", "Chief", "Manager"),
            ),
            Criterion(
                field=CriterionField.TECHNOGRAPHICS,
                weight=10,
                accepted=("Salesforce", "HubSpot", "Dynamics", "Pipedrive"),
            ),
            Criterion(field=CriterionField.ENGAGEMENT, weight=20, minimum=40),
        ),
        threshold=60,
    )


class Band(Frozen):
    """Gauge colours of one service level, as attainment of its target in percent.

    Green from `green` % of the target, amber from `amber` %, red below. For a level whose
    goal is zero (MQLs left unworked) the figures are the most allowed: green up to
    `green`, amber up to `amber`, red above.
    """

    green: Decimal = Field(default=Decimal("100"), ge=0)
    amber: Decimal = Field(default=Decimal("80"), ge=0)


def _unworked_band() -> Band:
    return Band(green=Decimal("0"), amber=Decimal("2"))


class Bands(Frozen):
    """Green/amber/red bands per service level (see Band)."""

    disposition: Band = Field(default_factory=lambda: Band(amber=Decimal("90")))
    worked: Band = Field(default_factory=lambda: Band(amber=Decimal("90")))
    follow_up: Band = Field(default_factory=Band)
    conversion: Band = Field(default_factory=Band)
    opportunities: Band = Field(default_factory=Band)
    unworked: Band = Field(default_factory=_unworked_band)
    mql_volume: Band = Field(default_factory=Band)


class Reminders(Frozen):
    """The reminder ladder: the rep at these shares of a window, rep and manager at breach."""

    rep_at_pct: tuple[Decimal, ...] = (Decimal("50"), Decimal("75"))
    manager_at_breach: bool = True
    reassign_after_hours: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _shares(self) -> Reminders:
        if any(not Decimal(0) < p < Decimal(100) for p in self.rep_at_pct):
            raise ValueError("reminder steps are shares of the window between 0 and 100 %")
        return self


class ServicePolicy(Frozen):
    """How the service levels are judged: at-risk share, targets, bands, reminders."""

    at_risk_pct: Decimal = Field(default=Decimal("75"), gt=0, lt=100)
    disposition_target_pct: Decimal = Field(default=Decimal("100"), ge=0, le=100)
    worked_target_pct: Decimal = Field(default=Decimal("100"), ge=0, le=100)
    follow_up_target_pct: Decimal = Field(default=Decimal("100"), ge=0, le=100)
    bands: Bands = Field(default_factory=Bands)
    reminders: Reminders = Field(default_factory=Reminders)


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
        return self
