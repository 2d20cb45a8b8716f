"""Bad input fails alone, with a code and a reason a person understands."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction import EngineOptions, ExtractionError, TemplateSpec, extract_file


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("empty.pdf", "EmptyFile", "empty"),
        ("corrupt.pdf", "CorruptFile", "damaged"),
        ("encrypted.pdf", "EncryptedFile", "password"),
        ("bomb.png", "ImageTooLarge", "too large"),
        ("not_a_pdf.pdf", "UnsupportedType", "supported types"),
        ("truncated.png", "CorruptFile", "truncated"),
    ],
)
def test_bad_file(fixtures: Path, invoice: TemplateSpec, name: str, code: str, words: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_file(fixtures / name, invoice)
    assert info.value.code == code
    assert words in info.value.message.lower()


def test_too_many_pages(fixtures: Path, invoice: TemplateSpec) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_file(fixtures / "two_pages.pdf", invoice, options=EngineOptions(max_pages=1))
    assert info.value.code == "TooManyPages"
    assert "2 pages" in info.value.message and "limit is 1" in info.value.message


def test_image_pixel_limit_is_a_setting(fixtures: Path, receipt: TemplateSpec) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_file(
            fixtures / "receipt.png", receipt, options=EngineOptions(max_image_pixels=10_000)
        )
    assert info.value.code == "ImageTooLarge"
    assert "megapixels" in info.value.message


def test_missing_file_is_reported(tmp_path: Path, invoice: TemplateSpec) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_file(tmp_path / "nope.pdf", invoice)
    assert info.value.code == "CorruptFile"


def test_unknown_binary(tmp_path: Path, invoice: TemplateSpec) -> None:
    f = tmp_path / "data.bin"
    f.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ExtractionError) as info:
        extract_file(f, invoice)
    assert info.value.code == "UnsupportedType"


def test_invalid_template_is_refused(fixtures: Path) -> None:
    bad = TemplateSpec("bad", {"type": "object", "properties": {"total": {"type": "money"}}})
    with pytest.raises(ExtractionError) as info:
        extract_file(fixtures / "invoice.txt", bad)
    assert info.value.code == "InvalidTemplate"
    assert "'total'" in info.value.message


def test_truncated_image_fails_even_after_weasyprint_was_imported(fixtures) -> None:
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process at import."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    from extraction import BUILTIN_TEMPLATES, ExtractionError, TemplateSpec, extract_file

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    spec = BUILTIN_TEMPLATES["receipt"]
    try:
        extract_file(fixtures / "truncated.png", TemplateSpec(spec["name"], spec["templateSchema"]))
    except ExtractionError as err:
        assert err.code == "CorruptFile"
    else:
        raise AssertionError("a truncated image must fail as CorruptFile")
