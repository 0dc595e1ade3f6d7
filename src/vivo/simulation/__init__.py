"""vivo.simulation: treatment-course models with published parameters and their sources.

Modules: :mod:`~vivo.simulation.ode` (solver wrapper, virtual populations, bands),
:mod:`~vivo.simulation.nca` (Cmax, Tmax, AUC, half-lives), :mod:`~vivo.simulation.car_t`
(Stein 2019, liso-cel), :mod:`~vivo.simulation.car_t_kimmel` (Kimmel 2021),
:mod:`~vivo.simulation.hsc` (ex vivo HSC), :mod:`~vivo.simulation.aav` (in vivo AAV, vivo
model), :mod:`~vivo.simulation.pk` (compartmental PK, tocilizumab) and
:mod:`~vivo.simulation.results` (the common result type).
"""

from vivo.simulation.results import PublishedPoint, SimulationResult

__all__ = ["PublishedPoint", "SimulationResult"]
