"""Every user-facing string has a French translation.

The interface speaks French first. Strings are extracted the way ``makemessages`` would (Python
sources by their gettext calls, templates through Django's own ``templatize``) without needing
GNU gettext, and looked up in every French catalogue the project ships (the project's and each
app's ``locale/``)."""

import ast
import re
from pathlib import Path

import polib
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[1] / "encaisse"
# Name -> (takes a context first, takes a plural after the singular).
GETTEXT_NAMES = {
    "_": (False, False),
    "gettext": (False, False),
    "gettext_lazy": (False, False),
    "gettext_noop": (False, False),
    "ngettext": (False, True),
    "ngettext_lazy": (False, True),
    "pgettext": (True, False),
    "pgettext_lazy": (True, False),
    "npgettext": (True, True),
    "npgettext_lazy": (True, True),
}
# What ``templatize`` writes: ``gettext(u'...')``, ``pgettext(u'ctx', u'...')``,
# ``ngettext(u'one', u'many', count)``, ``npgettext(u'ctx', u'one', u'many',count)`` (each
# string a Python repr, so double-quoted when it holds an apostrophe) and ``_("...")`` for a
# ``_("...")`` constant in a tag or a filter argument.
STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b(npgettext|ngettext|pgettext|gettext|_)\(((?:\s*{STRING}\s*,?)+)")


def _skipped(path: Path) -> bool:
    return "tests" in path.parts or "migrations" in path.parts


def _key(name: str, strings: list[str]) -> tuple:
    """(context, msgid, plural msgid or None) of a call to ``name`` with these strings first."""
    has_context, has_plural = GETTEXT_NAMES[name]
    context = strings.pop(0) if has_context else None
    return (context, strings[0], strings[1] if has_plural else None)


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> gettext function, for ``from django.utils.translation import x as y``."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in GETTEXT_NAMES:
                    aliases[alias.asname or alias.name] = alias.name
    return aliases


def _python_msgids(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    aliases = _aliases(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        name = aliases.get(name, name)
        if name not in GETTEXT_NAMES:
            continue
        has_context, has_plural = GETTEXT_NAMES[name]
        args = node.args[: 1 + has_context + has_plural]
        strings = [a.value for a in args if isinstance(a, ast.Constant)]
        if len(strings) == len(args) == 1 + has_context + has_plural and all(
            isinstance(s, str) for s in strings
        ):
            yield _key(name, strings)


def _template_msgids(path: Path):
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for name, args in TEMPLATE_CALL.findall(code):
        values = list(ast.literal_eval("(" + args.rstrip().rstrip(",") + ",)"))
        yield _key(name, values)


def source_msgids() -> dict[tuple, str]:
    """(context, msgid, plural msgid or None) -> the first file that uses it."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        if not _skipped(path):
            for key in _python_msgids(path):
                found.setdefault(key, str(path.relative_to(ROOT)))
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        for key in _template_msgids(path):
            found.setdefault(key, str(path.relative_to(ROOT)))
    return {key: where for key, where in found.items() if key[1] and key[1].strip()}


def french_translations() -> set[tuple]:
    """(context, msgid, plural msgid or None) of every entry translated into French.

    A plural entry counts only with every form French needs (one, many) filled in."""
    translated = set()
    for po_path in ROOT.rglob("locale/fr/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                forms = entry.msgstr_plural
                done = all(forms.get(i) for i in range(2))
            else:
                done = bool(entry.msgstr)
            if done:
                translated.add((entry.msgctxt, entry.msgid, entry.msgid_plural or None))
    return translated


def test_it_extracts_strings_from_python_and_templates():
    msgids = source_msgids()
    assert (None, "Receivables at a glance", None) in msgids  # core/templates/core/home.html
    assert (None, "customer code", None) in msgids  # customers/models.py, gettext_lazy
    assert (None, "system", None) in msgids  # imports/list.html, default:_("system")
    plural = ("%(counter)s customer differs", "%(counter)s customers differ")
    assert (None, *plural) in msgids  # imports/detail.html, blocktranslate count


def test_it_extracts_plurals_contexts_and_apostrophes_from_templates(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        '{% load i18n %}<p>{% translate "Don\'t" context "verb" %}</p>'
        "{% blocktranslate context 'stock' count n=items|length %}{{ n }} item"
        "{% plural %}{{ n }} items{% endblocktranslate %}"
        '{{ value|default:_("none") }}{% translate \'He said "no"\' %}',
        encoding="utf-8",
    )
    assert set(_template_msgids(template)) == {
        ("verb", "Don't", None),
        ("stock", "%(n)s item", "%(n)s items"),
        (None, "none", None),
        (None, 'He said "no"', None),
    }


def test_it_extracts_plurals_and_contexts_from_python(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "from django.utils.translation import gettext_noop as N_, ngettext\n"
        "N_('a PNG image')\n"
        "ngettext('%(n)s line', '%(n)s lines', 1)\n"
        "npgettext_lazy('file', '%(n)s row', '%(n)s rows', n)\n"
        "pgettext('month', 'May')\n"
        "gettext(message)\n",
        encoding="utf-8",
    )
    assert set(_python_msgids(module)) == {
        (None, "a PNG image", None),
        (None, "%(n)s line", "%(n)s lines"),
        ("file", "%(n)s row", "%(n)s rows"),
        ("month", "May", None),
    }


def test_every_user_facing_string_has_a_french_translation():
    translated = french_translations()
    missing = sorted(
        f"{where}: {msgid!r}"
        + (f" / plural {plural!r}" if plural else "")
        + (f" (context {ctx!r})" if ctx else "")
        for (ctx, msgid, plural), where in source_msgids().items()
        if (ctx, msgid, plural) not in translated
    )
    assert not missing, f"{len(missing)} string(s) without French translation:\n" + "\n".join(
        missing
    )


def test_each_string_is_translated_in_one_catalogue_only():
    """Django merges the catalogues and the project's wins: a second translation of the same
    string in an app's catalogue would never show, and would mislead whoever edits it."""
    seen: dict[tuple, str] = {}
    twice = []
    for po_path in sorted(ROOT.rglob("locale/fr/LC_MESSAGES/django.po")):
        where = str(po_path.relative_to(ROOT))
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or not entry.msgid:
                continue
            key = (entry.msgctxt, entry.msgid)
            if key in seen:
                twice.append(f"{entry.msgid!r}: {seen[key]} and {where}")
            seen.setdefault(key, where)
    assert not twice, (
        "translated in two catalogues (a string that several apps use belongs in the project's "
        "catalogue, encaisse/locale):\n" + "\n".join(twice)
    )
