"""Shared foundations: settings, database models and session, blob storage, ids, credits."""
