"""Field finders: turn a read ``Document`` into template fields (the local engine)."""

from extraction.finders.fields import find_fields

__all__ = ["find_fields"]
