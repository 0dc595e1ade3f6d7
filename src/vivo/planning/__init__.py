"""The in vivo / ex vivo therapy planner: a pure function from a therapy question to a Plan."""

from vivo.planning.decision import plan_therapy
from vivo.planning.plan import (
    DecisionStep,
    DesignRequest,
    Option,
    PatientFacts,
    Plan,
    Precedent,
    Risk,
    TherapyQuestion,
    VariantFacts,
)

__all__ = [
    "DecisionStep",
    "DesignRequest",
    "Option",
    "PatientFacts",
    "Plan",
    "Precedent",
    "Risk",
    "TherapyQuestion",
    "VariantFacts",
    "plan_therapy",
]
