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
