"""The one error tree of vivo.

Every error a user can cause or meet derives from :class:`VivoError`. The CLI turns any
``VivoError`` into one line on stderr and exit status 2; anything else is a bug.
"""

from __future__ import annotations

__all__ = ["DataError", "EngineError", "FormatError", "InputError", "VivoError"]


class VivoError(Exception):
    """Base of every error vivo raises on purpose.

    Parameters
    ----------
    message:
        What was wrong, in one sentence.
    hint:
        How to fix it (optional); appended to the message.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class InputError(VivoError, ValueError):
    """The user asked for something impossible or malformed."""


class FormatError(VivoError, ValueError):
    """A file is malformed. Carries the file name and, where known, the 1-based line."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}", hint=hint)


class DataError(VivoError):
    """Bundled or downloaded data is missing or corrupt."""


class EngineError(VivoError):
    """An external engine failed; the cause is kept as ``__cause__``."""
