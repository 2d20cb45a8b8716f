"""Public shapes of the database rows (what the API answers), in the product's camelCase."""

from __future__ import annotations

from math import ceil
from typing import Any

from core.access import mask_engine
from core.ids import iso
from core.review import review_public
from core.models import ApiToken, Batch, BatchFile, Project, Template


def batch_public(batch: Batch) -> dict[str, Any]:
    return {
        "id": batch.id,
        "name": batch.name,
        "totalFiles": batch.total_files,
        "completedFiles": batch.completed_files,
        "failedFiles": batch.failed_files,
        "status": batch.status,
        "progress": batch.progress,
        "createdAt": iso(batch.created_at),
        "updatedAt": iso(batch.updated_at),
        "finishedAt": iso(batch.finished_at),
        "projectId": batch.project_id,
        "templateId": batch.template_id,
        "templateName": batch.template_name,
    }


def file_public(row: BatchFile, *, with_result: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "batchId": row.batch_id,
        "fileName": row.file_name,
        "status": row.status,
        "size": row.size,
        "contentType": row.content_type,
        "attempts": row.attempts,
        "errorCode": row.error_code,
        "errorMessage": row.error_message,
        "pages": row.pages,
        "engine": row.engine,
        "durationMs": row.duration_ms,
        "projectId": row.project_id,
        "templateId": row.template_id,
        "createdAt": iso(row.created_at),
        "startedAt": iso(row.started_at),
        "finishedAt": iso(row.finished_at),
        **review_public(row),
    }
    if with_result:
        result = row.result or {}
        out["result"] = result.get("fields")
        out["confidence"] = result.get("confidence")
        out["details"] = result.get("details")
    return out


def template_public(t: Template) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "description": t.description,
        "projectId": t.project_id,
        "templateSchema": t.template_schema,
        "instructions": t.instructions,
        "engine": mask_engine(t.engine),
        "builtin": t.builtin,
        "createdAt": iso(t.created_at),
        "updatedAt": iso(t.updated_at),
    }


def project_public(p: Project) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "createdAt": iso(p.created_at)}


def token_public(t: ApiToken) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "prefix": t.prefix,
        "projectId": t.project_id,
        "permissions": t.permissions.split(","),
        "createdAt": iso(t.created_at),
        "expiresAt": iso(t.expires_at),
        "revokedAt": iso(t.revoked_at),
        "lastUsedAt": iso(t.last_used_at),
    }


def page_of(data: list[Any], *, page: int, limit: int, total: int) -> dict[str, Any]:
    return {"data": data, "pagination": {"page": page, "limit": limit, "total": total,
                                         "pages": ceil(total / limit) if limit else 0}}
