"""Webhook fan-out (placeholder until the webhooks module lands: publishes nothing)."""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client

from core.settings import Settings
from workflows.contracts import WebhookEvent


class WebhookActivities:
    def __init__(self, settings: Settings, client: Client) -> None:
        self.settings = settings
        self.client = client

    @activity.defn(name="publish_event")
    def publish_event(self, event: WebhookEvent) -> int:
        """Start one durable delivery per matching endpoint; returns how many."""
        return 0

    def all(self) -> list:
        return [self.publish_event]
