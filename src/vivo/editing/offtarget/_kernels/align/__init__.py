"""Alignment-rendering kernels: the reported alignment of many sites at once (``jit``)."""
