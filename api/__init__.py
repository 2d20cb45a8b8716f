"""The FastAPI facade: REST routes, auth, errors, WebSocket and web pages."""
