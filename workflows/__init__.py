"""Deterministic orchestration only: the batch workflow and the webhook event workflow."""
