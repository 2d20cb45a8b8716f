"""The one error the operations raise: an HTTP status and a message a person can act on.

The service layer (``core``) knows nothing of FastAPI; ``api.errors`` turns a ``ServiceError``
into the JSON error envelope, the web pages into a page, the CLI into a line on stderr.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal or failure with the status to answer; ``message`` says what to do."""

    def __init__(self, status_code: int, message: str | list[str]) -> None:
        super().__init__(message if isinstance(message, str) else "; ".join(message))
        self.status_code = status_code
        self.message = message
