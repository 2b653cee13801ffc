"""Every current string is translated, and not fuzzy, in every offered language.

A fresh `makemessages` over the code (into a copy of locale/, so the repository is untouched)
must leave nothing untranslated or fuzzy in German, French and Spanish, and every catalog
must pass `msgfmt --check` (placeholders, plural forms, header)."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
OFFERED = [code for code, _name in settings.LANGUAGES if code != "en"]
IGNORE = [".venv", "node_modules", "tests", "static"]

pytestmark = pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msgfmt")),
    reason="GNU gettext (xgettext, msgfmt) is not installed: `make system-packages` installs it",
)


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory):
    """makemessages on a copy of the code: it writes temporary files next to the templates it
    reads, which must not race another test process doing the same in the real tree."""
    copy = tmp_path_factory.mktemp("code") / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*IGNORE, ".git", "*.mo", "__pycache__", "*.sqlite3"))
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]), pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command("makemessages", locale=OFFERED, ignore_patterns=IGNORE, add_location="file", no_obsolete=True, verbosity=0)
    return {code: copy / "locale" / code / "LC_MESSAGES" / "django.po" for code in OFFERED}


def test_the_offered_languages_are_german_french_and_spanish():
    assert OFFERED == ["de", "fr", "es"]


@pytest.mark.parametrize("code", OFFERED)
def test_no_current_string_is_untranslated_or_fuzzy(fresh_catalogs, code):
    catalog = polib.pofile(str(fresh_catalogs[code]))
    assert len(catalog) > 1000  # the whole app, not an empty file
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated in {code}: {untranslated[:15]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {code}: {fuzzy[:15]}"


@pytest.mark.parametrize("code", OFFERED)
def test_each_catalog_passes_msgfmt_check(code):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(ROOT / "locale" / code / "LC_MESSAGES" / "django.po")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
