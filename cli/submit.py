"""``docbatch submit``: upload files to a running docbatch, follow them live, export the results.

    docbatch submit FILE_OR_DIR... --template NAME_OR_ID --project ID [--name N] [--wait]
                    [--export FORMAT -o PATH] [--url URL] [--token TOKEN]

Files go up in batches of at most 50 (multipart, streamed from disk). With ``--wait`` or
``--export`` it follows each batch over the WebSocket (``/ws/{orgId}?batchId=…&since=0``,
falling back to polling when the socket is unavailable), shows a progress bar per batch,
writes the export, and prints every failed file with its reason.

Exit codes: 0 every file succeeded (or no waiting asked for), 1 some file failed,
2 a usage or HTTP error (with the server's message).

Only httpx and websockets: this command never imports temporalio.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import mimetypes
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

DEFAULT_URL = "http://127.0.0.1:8000"
BATCH_LIMIT = 50
FINAL = ("completed", "partially_failed", "failed")
BAR_WIDTH = 30


class UsageError(Exception):
    """Something the user can fix: printed as is, exit code 2."""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "submit",
        help="upload files to a running docbatch and follow the batches",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "paths", nargs="+", metavar="FILE_OR_DIR", help="files, or folders whose files to upload"
    )
    p.add_argument("--template", required=True, help="template name (as in GET /me) or id")
    p.add_argument("--project", required=True, help="project id")
    p.add_argument("--name", help="batch name (numbered when the files need several batches)")
    p.add_argument("--wait", action="store_true", help="follow the batches until they finish")
    p.add_argument(
        "--export",
        metavar="FORMAT",
        help="export format when done (json, csv, pdf, docx, xml, html, text)",
    )
    p.add_argument("-o", "--output", metavar="PATH", help="where to write the export")
    p.add_argument("--url", help=f"server URL (env DOCBATCH_URL, default {DEFAULT_URL})")
    p.add_argument("--token", help="API token (env DOCBATCH_TOKEN, or ./data/bootstrap.json)")
    p.set_defaults(func=run)


# --- settings and inputs -----------------------------------------------------------------


def resolve_url(flag: str | None) -> str:
    return (flag or os.environ.get("DOCBATCH_URL") or DEFAULT_URL).rstrip("/")


def resolve_token(flag: str | None) -> str:
    if flag or os.environ.get("DOCBATCH_TOKEN"):
        return flag or os.environ["DOCBATCH_TOKEN"]
    bootstrap = Path(os.environ.get("DOCBATCH_DATA_DIR", "data")) / "bootstrap.json"
    if bootstrap.is_file():
        with contextlib.suppress(ValueError, OSError):
            token = json.loads(bootstrap.read_text()).get("token")
            if token:
                return str(token)
    raise UsageError(
        "No API token: pass --token, set DOCBATCH_TOKEN, or run from the folder holding "
        "data/bootstrap.json."
    )


def collect_files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{raw}: no such file or folder.")
    if not found:
        raise UsageError("No files to upload in " + ", ".join(paths) + ".")
    return found


def chunks(files: list[Path], size: int = BATCH_LIMIT) -> list[list[Path]]:
    return [files[i : i + size] for i in range(0, len(files), size)]


def ws_url(base: str, org_id: str, batch_id: str) -> str:
    scheme, rest = base.split("://", 1)
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/ws/{org_id}?batchId={batch_id}&since=0"


# --- HTTP -----------------------------------------------------------------------------------


def check(resp: httpx.Response, doing: str) -> Any:
    if resp.status_code >= 400:
        try:
            message = resp.json().get("message")
            if isinstance(message, list):
                message = "; ".join(map(str, message))
        except ValueError:
            message = resp.text[:300]
        raise UsageError(f"{doing} failed: HTTP {resp.status_code}: {message}")
    return (
        resp.json() if resp.headers.get("content-type", "").startswith("application/json") else resp
    )


def pick_template(me: dict, wanted: str) -> str:
    for t in me.get("templates", []):
        if wanted in (t["id"], t["name"]):
            return str(t["id"])
    names = ", ".join(sorted(t["name"] for t in me.get("templates", [])))
    raise UsageError(f"Unknown template {wanted!r}; this token can use: {names}.")


async def upload(
    http: httpx.AsyncClient,
    org_id: str,
    files: list[Path],
    project: str,
    template: str,
    name: str | None,
) -> dict:
    handles = [p.open("rb") for p in files]
    try:
        parts = [
            ("files", (p.name, fh, mimetypes.guess_type(p.name)[0] or "application/octet-stream"))
            for p, fh in zip(files, handles)
        ]
        data = {"projectId": project, "templateId": template, **({"name": name} if name else {})}
        resp = await http.post(f"/batch/{org_id}/upload", files=parts, data=data)
    finally:
        for fh in handles:
            fh.close()
    return check(resp, f"Uploading {len(files)} files")


async def export(
    http: httpx.AsyncClient, org_id: str, batch_id: str, fmt: str, target: Path
) -> None:
    async with http.stream(
        "GET", f"/batch/{org_id}/{batch_id}/export", params={"format": fmt}
    ) as resp:
        if resp.status_code >= 400:
            await resp.aread()
            check(resp, f"Exporting batch {batch_id}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            async for chunk in resp.aiter_bytes():
                out.write(chunk)


# --- following a batch ----------------------------------------------------------------------


@dataclass
class Tracker:
    """One batch's live state and its progress line."""

    batch_id: str
    label: str
    total: int
    completed: int = 0
    failed: int = 0
    status: str = "processing"
    failures: dict[str, str] = field(default_factory=dict)  # file name -> reason

    def update(self, data: dict) -> bool:
        before = (self.completed, self.failed, self.status)
        self.total = data.get("totalFiles", self.total)
        self.completed, self.failed = data.get("completedFiles", 0), data.get("failedFiles", 0)
        self.status = data.get("status", self.status)
        return before != (self.completed, self.failed, self.status)

    def line(self) -> str:
        done = self.completed + self.failed
        filled = BAR_WIDTH * done // self.total if self.total else BAR_WIDTH
        failed = f", {self.failed} failed" if self.failed else ""
        return (
            f"{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{done}/{self.total}{failed} {self.status}"
        )


class Screen:
    """Progress bars: redrawn in place on a terminal, one line per change otherwise."""

    def __init__(self, trackers: list[Tracker]) -> None:
        self.trackers = trackers
        self.tty = sys.stdout.isatty()
        self.drawn = 0

    def draw(self, changed: Tracker) -> None:
        if not self.tty:
            print(changed.line(), flush=True)
            return
        if self.drawn:
            sys.stdout.write(f"\x1b[{self.drawn}F")
        for t in self.trackers:
            sys.stdout.write("\x1b[2K" + t.line() + "\n")
        self.drawn = len(self.trackers)
        sys.stdout.flush()


async def follow_socket(
    base: str, token: str, org_id: str, tracker: Tracker, screen: Screen
) -> None:
    from websockets.asyncio.client import connect

    async with connect(
        ws_url(base, org_id, tracker.batch_id),
        additional_headers={"Authorization": f"Bearer {token}"},
        open_timeout=15,
    ) as ws:
        async for text in ws:
            message = json.loads(text)
            event, data = message.get("event"), message.get("data", {})
            if event == "error":
                raise UsageError(f"Following batch {tracker.batch_id}: {data.get('message')}")
            if data.get("batchId") != tracker.batch_id:
                continue
            if event == "document_failed":
                tracker.failures[data.get("fileName") or data.get("fileId")] = (
                    f"{data.get('errorCode')}: {data.get('errorMessage')}"
                )
            elif event == "batch_progress_updated":
                if tracker.update(data):
                    screen.draw(tracker)
                if tracker.status in FINAL:
                    return


async def follow_polling(
    http: httpx.AsyncClient, org_id: str, tracker: Tracker, screen: Screen
) -> None:
    while tracker.status not in FINAL:
        body = check(
            await http.get(f"/batch/{org_id}/{tracker.batch_id}"),
            f"Reading batch {tracker.batch_id}",
        )
        if tracker.update(body):
            screen.draw(tracker)
        if tracker.status not in FINAL:
            await asyncio.sleep(1.0)


async def follow(
    http: httpx.AsyncClient, base: str, token: str, org_id: str, tracker: Tracker, screen: Screen
) -> None:
    try:
        await follow_socket(base, token, org_id, tracker, screen)
    except UsageError:
        raise
    except Exception as exc:  # no WebSocket through this proxy, or the socket dropped: poll instead
        print(
            f"(live progress unavailable for {tracker.batch_id}: "
            f"{exc.__class__.__name__}; polling)",
            file=sys.stderr,
        )
        await follow_polling(http, org_id, tracker, screen)


# --- the command ----------------------------------------------------------------------------


def export_target(output: Path, index: int, count: int) -> Path:
    if count == 1:
        return output
    return output.with_name(f"{output.stem}-{index + 1}{output.suffix}")


async def submit(args: argparse.Namespace) -> int:
    if args.output and not args.export:
        raise UsageError("-o/--output needs --export FORMAT.")
    if args.export and not args.output:
        raise UsageError("--export needs -o/--output PATH.")
    base, token = resolve_url(args.url), resolve_token(args.token)
    files = collect_files(args.paths)
    async with httpx.AsyncClient(
        base_url=base,
        headers={"Authorization": f"Bearer {token}"},
        timeout=httpx.Timeout(60, connect=10),
    ) as http:
        try:
            me = check(await http.get("/me"), "Checking the token")
        except httpx.TransportError as exc:
            raise UsageError(
                f"Cannot reach docbatch at {base} ({exc.__class__.__name__}); is it running? "
                "Pass --url or set DOCBATCH_URL."
            ) from exc
        org_id = me["organizationId"]
        template = pick_template(me, args.template)
        groups = chunks(files)
        trackers: list[Tracker] = []
        for i, group in enumerate(groups):
            name = args.name and (
                args.name if len(groups) == 1 else f"{args.name} ({i + 1}/{len(groups)})"
            )
            batch = await upload(http, org_id, group, args.project, template, name)
            print(f"uploaded {len(group)} files as {batch['id']} ({batch['name']})", flush=True)
            trackers.append(Tracker(batch["id"], batch["id"], batch["totalFiles"]))
        if not (args.wait or args.export):
            return 0

        screen = Screen(trackers)
        await asyncio.gather(*(follow(http, base, token, org_id, t, screen) for t in trackers))
        failed_any = False
        for i, tracker in enumerate(trackers):
            detail = check(
                await http.get(f"/batch/{org_id}/{tracker.batch_id}"), "Reading the batch"
            )
            failed = [f for f in detail["files"] if f["status"] == "failed"]
            print(
                f"{tracker.batch_id}: {detail['status']}, {detail['completedFiles']} completed, "
                f"{detail['failedFiles']} failed"
            )
            for f in failed:
                failed_any = True
                print(f"  FAILED {f['fileName']}: {f['errorCode']}: {f['errorMessage']}")
            if args.export:
                target = export_target(Path(args.output), i, len(trackers))
                await export(http, org_id, tracker.batch_id, args.export, target)
                print(f"  export ({args.export}) written to {target}")
        return 1 if failed_any else 0


def run(args: argparse.Namespace) -> int:
    try:
        code = asyncio.run(submit(args))
    except UsageError as exc:
        print(f"docbatch submit: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    except httpx.HTTPError as exc:
        print(f"docbatch submit: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        code = 2
    sys.stdout.flush()
    sys.stderr.flush()
    if "temporalio" in sys.modules and _is_cli_process():  # sdk-python#300: crashes at exit
        os._exit(code)
    return code


def _is_cli_process() -> bool:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return (spec is not None and spec.name == "cli.main") or Path(sys.argv[0]).name == "docbatch"
