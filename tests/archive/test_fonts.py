"""The form's CJK font: Debian's Noto Sans CJK (the Simplified Chinese face of the
collection), its reduced copy when that has every character of a form, the full font
otherwise, and a refusal in words when no CJK font is installed."""

import pytest

from engine.archive import fonts
from engine.errors import Conflict


@pytest.fixture
def fresh_fonts():
    fonts.font_file.cache_clear()
    yield
    fonts.font_file.cache_clear()


def test_the_simplified_chinese_face_of_the_collection_is_used(fresh_fonts):
    """Face 2 of NotoSansCJK-Regular.ttc is "Noto Sans CJK SC" (0 is the Japanese one)."""
    f = fonts.font_file("")
    if not f.path.is_file():
        pytest.skip("fonts-noto-cjk is not installed")
    assert f.path.suffix == ".ttc" and f.number == 2
    assert 0x4E2D in fonts.common_characters() and 0x20 in fonts.common_characters()


def test_the_reduced_copy_draws_a_form_only_when_it_has_every_character(
    fresh_fonts, settings, tmp_path
):
    """A form whose characters are all in the copy uses it; one with a character outside
    it (a rare name) uses the full font, so no glyph is missing."""
    settings.JIXIAO_PDF_FONT_CACHE = str(tmp_path)
    full = fonts.font_file("")
    if not full.path.is_file():
        pytest.skip("fonts-noto-cjk is not installed")
    assert fonts.fonts_for(["考核表"])[""] == full  # no copy yet
    written = fonts.font_copies_build({ord(c) for c in "考核表 ABC"})
    assert len(written) == 2 and all(p.parent == tmp_path for p in written)
    chosen = fonts.fonts_for(["考核表", "ABC"])
    assert chosen[""].path == written[0] and chosen["B"].path == written[1]
    assert fonts.fonts_for(["考核表 䶮"])[""] == full


def test_no_cjk_font_is_refused_in_words(fresh_fonts, settings, tmp_path):
    """Without the font a form is refused (409) naming the package to install."""
    settings.JIXIAO_PDF_FONT = str(tmp_path / "missing.ttc")
    with pytest.raises(Conflict, match="fonts-noto-cjk"):
        fonts.font_file("")
