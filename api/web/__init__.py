"""The web interface: server-rendered page shells (Jinja2) plus small vanilla JavaScript that calls
the JSON API of the same app with the sign-in cookie. Everything lives under ``/ui``."""
