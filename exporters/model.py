"""The one results model every exporter renders. Built from the database by ``exporters.build``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ExportFile(BaseModel):
    """One document of the batch: its fields when completed, its reason when failed."""

    fileId: str
    fileName: str
    status: str  # completed | failed | queued | processing
    fields: dict[str, Any] = Field(default_factory=dict)  # typed values; line items as list[dict]
    confidence: dict[str, float] = Field(default_factory=dict)
    pages: int | None = None
    errorCode: str | None = None
    errorMessage: str | None = None
    finishedAt: datetime | None = None
    # review (issue 14): ``fields`` already hold the corrected values
    needsReview: bool = False
    reviewed: bool = False
    corrected: list[str] = Field(default_factory=list)  # fields a person corrected
    original: dict[str, Any] = Field(default_factory=dict)  # their extracted values, when asked


class ExportBatch(BaseModel):
    """Header, results and failures of one batch, fields in the template's order."""

    id: str
    name: str
    templateId: str
    templateName: str
    templateSchema: dict[
        str, Any
    ]  # JSON Schema object: properties in field order, types, line items
    projectId: str
    status: str
    totalFiles: int
    completedFiles: int
    failedFiles: int
    createdAt: datetime
    finishedAt: datetime | None = None
    exportedAt: datetime
    inProgress: bool = False  # True while files are still queued/processing: the export is partial
    results: list[ExportFile] = Field(default_factory=list)  # completed files, upload order
    failures: list[ExportFile] = Field(default_factory=list)  # failed files, upload order
    pending: list[ExportFile] = Field(default_factory=list)  # not finished yet (inProgress only)

    @property
    def field_names(self) -> list[str]:
        return list(self.templateSchema.get("properties", {}))
