"""Search kernels: one module per backend, all with the same ``find_sites`` signature.

``reference`` (pure numpy, brute force over every site row: the oracle), ``cpu`` (numba
``njit``, pigeonhole key tables, parallel over guides; kernels in ``cpu_jit``/``bulge_jit``)
and ``gpu`` (numba.cuda, the same pigeonhole keys driven on the device; kernels in
``gpu_jit``). The compiled backends run the one-source recursion of
:mod:`vivo.editing.offtarget._kernels.recursion`.
"""
