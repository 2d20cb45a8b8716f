"""The operations behind every entry point: one module per area, no web framework inside.

A route (or page, or CLI command) parses its input, calls one function here and shapes the
answer. The functions take a database session, the settings, the caller's ``Principal`` and,
where a workflow is involved, the Temporal client; they enforce the access rule through
``core.access`` and refuse with ``core.errors.ServiceError``. See docs/ARCHITECTURE.md.
"""
