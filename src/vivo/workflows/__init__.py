"""Workflows: one function per user job (the composition root)."""
