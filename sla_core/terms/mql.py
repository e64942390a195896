"""The MQL definition: profile criteria with weights, and the threshold they must reach."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from sla_core.terms.base import Frozen


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
