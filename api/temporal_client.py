"""A lazily connected Temporal client, so the API starts (and answers 503) while Temporal is down."""

from __future__ import annotations

import asyncio

from temporalio.client import Client

from api.errors import ApiError
from core.settings import Settings
from core.temporal import connect


class TemporalHolder:
    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self.client = client
        self._lock = asyncio.Lock()

    async def get(self) -> Client:
        if self.client is not None:
            return self.client
        async with self._lock:
            if self.client is None:
                try:
                    self.client = await asyncio.wait_for(connect(self.settings), timeout=5)
                except Exception as exc:
                    raise ApiError(503, f"The workflow service at {self.settings.temporal_target} is not "
                                        f"reachable ({exc.__class__.__name__}); try again shortly.") from exc
        return self.client
