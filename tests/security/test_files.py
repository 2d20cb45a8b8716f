"""Files: a zip-bomb DOCX and a PDF whose embedded invoice file inflates to hundreds of MB fail
alone with ResourceLimit, while the rest of their batch and another batch complete, and the
worker (in this process) does not inflate them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.harness import DOCS, Service
from tests.security.hostile_files import (
    deeply_nested_pdf,
    many_pages_pdf,
    pdf_with_attachment,
    zip_bomb_docx,
)

MB = 1024 * 1024


def peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


async def test_inflating_files_fail_alone(service: Service, tmp_path: Path) -> None:
    bomb = zip_bomb_docx(tmp_path / "bomb.docx", inflated=512 * MB)
    attached = pdf_with_attachment(tmp_path / "attached.pdf", inflated=300 * MB)
    Path("/proc/self/clear_refs").write_text("5")
    before = peak_rss()
    hostile = (
        await service.upload([bomb, attached, DOCS / "receipt.txt"], template="invoice")
    ).json()
    plain = (await service.upload([DOCS / "invoice-acme.pdf"], template="invoice")).json()
    done, other = await asyncio.gather(
        service.wait_final(hostile["id"]), service.wait_final(plain["id"])
    )
    grew = peak_rss() - before
    print(
        f"\nworker+API process peak grew by {grew / MB:.0f} MB "
        "for a 512 MB zip bomb and a 300 MB attachment"
    )
    assert other["status"] == "completed"
    by_name = {f["fileName"]: f for f in done["files"]}
    assert done["status"] == "partially_failed"
    assert by_name["receipt.txt"]["status"] == "completed"
    for name, words in (
        ("bomb.docx", "unpacks to 513 MB"),
        ("attached.pdf", "factur-x.xml unpacks to 300 MB"),
    ):
        assert (
            by_name[name]["status"] == "failed" and by_name[name]["errorCode"] == "ResourceLimit"
        ), by_name[name]
        assert words in by_name[name]["errorMessage"]
        assert by_name[name]["attempts"] == 1  # permanent: not retried
    assert grew < 150 * MB


async def test_pixel_bomb_many_pages_and_deep_nesting_fail_alone(
    service: Service, tmp_path: Path
) -> None:
    pixel_bomb = (
        Path(__file__).parents[1] / "fixtures" / "extraction" / "bomb.png"
    )  # 100000 x 100000
    pages = many_pages_pdf(tmp_path / "pages.pdf", 10_000)
    nested = deeply_nested_pdf(tmp_path / "nested.pdf", 100_000)
    hostile = (
        await service.upload([pixel_bomb, pages, nested, DOCS / "receipt.txt"], template="invoice")
    ).json()
    plain = (await service.upload([DOCS / "invoice-acme.pdf"], template="invoice")).json()
    done, other = await asyncio.gather(
        service.wait_final(hostile["id"]), service.wait_final(plain["id"])
    )
    assert other["status"] == "completed"
    by_name = {f["fileName"]: f for f in done["files"]}
    assert by_name["bomb.png"]["errorCode"] == "ImageTooLarge"
    assert (
        by_name["pages.pdf"]["errorCode"] == "TooManyPages"
        and "10000 pages" in by_name["pages.pdf"]["errorMessage"]
    )
    # pdfium caps its own recursion: the nested array is dropped and the (blank) page is read
    assert by_name["nested.pdf"]["status"] in ("completed", "failed")
    assert by_name["nested.pdf"]["errorCode"] in (None, "CorruptFile", "EmptyFile")
    assert by_name["receipt.txt"]["status"] == "completed"
