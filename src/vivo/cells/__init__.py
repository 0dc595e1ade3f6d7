"""vivo.cells"""

# CAR and TCR construct design (vivo.cells.car)
from vivo.cells.car import (
    CarConstruct,
    CarSpec,
    design_car,
    design_tcr,
    get_binder,
    list_binders,
)

__all__ = [*globals().get("__all__", []), "CarConstruct", "CarSpec", "design_car", "design_tcr",
           "get_binder", "list_binders"]  # fmt: skip

# HLA nomenclature, donor matching and donor odds (vivo.cells.hla)
from vivo.cells.hla import (
    HlaAllele,
    MatchResult,
    Typing,
    parse_allele,
    parse_typing,
    registry_match_likelihood,
    sibling_match_probability,
)
from vivo.cells.hla import match as match_hla

__all__ = [*__all__, "HlaAllele", "MatchResult", "Typing", "match_hla", "parse_allele",
           "parse_typing", "registry_match_likelihood", "sibling_match_probability"]  # fmt: skip

# Collection, manufacturing and dose of approved cell products (vivo.cells.manufacturing)
from vivo.cells.manufacturing import (
    CollectionPlan,
    DosePlan,
    car_t_dose,
    cell_product_names,
    plan_collection,
    plan_dose,
)

__all__ = [*__all__, "CollectionPlan", "DosePlan", "car_t_dose", "cell_product_names",
           "plan_collection", "plan_dose"]  # fmt: skip
