"""Exports: a formula after a ';' is defused in CSV; the PDF renderer fetches no URL."""

from __future__ import annotations

import csv
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.harness import Service


async def test_csv_defuses_a_formula_after_a_semicolon(service: Service, tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"note": {"type": "string", "x-labels": ["note"]}}}
    created = (
        await service.http.post(
            f"/templates/{service.org_id}", json={"name": "notes", "templateSchema": schema}
        )
    ).json()
    service.templates["notes"] = created["id"]
    doc = tmp_path / "note.txt"
    doc.write_text('Note: paid;=HYPERLINK("http://127.0.0.1:9/x","open")\n')
    batch = (await service.upload([doc], template="notes")).json()
    done = await service.wait_final(batch["id"])
    record = (
        await service.http.get(f"/processing-history/{service.org_id}/{done['files'][0]['id']}")
    ).json()
    assert ";=HYPERLINK" in (record["result"]["note"] or ""), record[
        "result"
    ]  # the value as extracted
    export = await service.http.get(
        f"/batch/{service.org_id}/{batch['id']}/export", params={"format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    cell = rows[0]["note"]
    assert ";'=HYPERLINK" in cell and ";=" not in cell, cell
    for line in export.content.decode(
        "utf-8-sig"
    ).splitlines():  # read as a ';'-separated sheet would
        for part in line.split(";"):
            assert not part.strip().startswith("="), line


def test_the_pdf_renderer_fetches_no_url() -> None:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        from weasyprint import HTML

        from exporters.fmt_pdf import refusing_fetcher

        url = f"http://127.0.0.1:{server.server_address[1]}"
        html = (
            f'<html><head><link rel="stylesheet" href="{url}/a.css">'
            f'<style>@import url("{url}/b.css");</style>'
            f'</head><body><img src="{url}/c.png">'
            f'<p style="background: url({url}/d.png)">x</p></body></html>'
        )
        HTML(string=html, url_fetcher=refusing_fetcher()).write_pdf()
        assert hits == []
        HTML(string=html).write_pdf()  # the default fetcher would have called the listener
        assert hits, "control: WeasyPrint's default fetcher did not fetch"
    finally:
        server.shutdown()
        server.server_close()
