"""Glossaries: Swedish terms that must come out as given English terms (or unchanged, for names), from a TSV file or
models.yaml, matched with their common Swedish endings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from translate.errors import ConfigError

# Common Swedish endings a glossary term may carry: definite, plural, genitive.
_SWEDISH_ENDINGS = r"(?:en|et|na|n|t|er|erna|ar|arna|or|orna|s|ens|ets|nas|ns|ts|ers|ars)?"
_GENITIVE = re.compile(r"(?:s)$")


@dataclass
class Glossary:
    """Swedish term -> English term; an empty English side means "leave as it is" (names)."""

    terms: dict[str, str] = field(default_factory=dict)

    def merged(self, other: Glossary) -> Glossary:
        return Glossary({**self.terms, **other.terms})

    def __bool__(self) -> bool:
        return bool(self.terms)

    @cached_property
    def patterns(self) -> list[tuple[re.Pattern[str], str, str]]:
        """Compiled once per glossary, not once per sentence. Longer terms first, so "grön el" wins over "el"."""
        ordered = sorted(self.terms.items(), key=lambda item: -len(item[0]))
        return [
            (
                re.compile(
                    r"(?<!\w)" + r"\s+".join(map(re.escape, sv.split())) + _SWEDISH_ENDINGS + r"(?!\w)",
                    re.IGNORECASE,
                ),
                sv,
                en,
            )
            for sv, en in ordered
        ]


def load_glossary(path: str | Path) -> Glossary:
    """A TSV file: "Swedish<TAB>English" per line, or a lone name to keep as it is; # starts a comment."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as error:
        raise ConfigError(f"Glossary {path} could not be read: {error.strerror or error}.") from error
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"Glossary {path} is not UTF-8 text (byte {error.start} is not); save it as UTF-8 TSV."
        ) from error
    if any("\x00" in line for line in lines):
        raise ConfigError(f"Glossary {path} looks binary (it holds NUL bytes); give a UTF-8 TSV file.")
    terms: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = [c.strip() for c in line.split("\t")]
        if len(columns) > 2 or not columns[0]:
            raise ConfigError(
                f"{path}, line {number}: expected 'Swedish term<TAB>English term' or a single name, got {line!r}."
            )
        terms[columns[0]] = columns[1] if len(columns) == 2 else ""
    return Glossary(terms)


def glossary_from_config(raw: Any, base: Path, where: str) -> Glossary:
    """The `glossary:` of models.yaml: a mapping (a null value keeps the term as it is) or a TSV path."""
    if raw is None:
        return Glossary()
    if isinstance(raw, str):
        return load_glossary(base / raw)
    if isinstance(raw, dict):
        return Glossary({str(k): "" if v is None else str(v) for k, v in raw.items()})
    if isinstance(raw, list):
        return Glossary({str(k): "" for k in raw})
    raise ConfigError(f"{where}: 'glossary' must be a mapping, a list of names, or the path of a TSV file.")


def english_term(matched: str, sv: str, en: str) -> str:
    if not en:
        return matched  # do not translate
    term = en
    suffix = matched[len(sv) :] if matched.lower().startswith(sv.lower()) else ""
    if suffix and _GENITIVE.search(suffix) and not en.endswith("s"):
        term = f"{en}'s"
    if matched[:1].isupper() and term[:1].islower():
        term = term[:1].upper() + term[1:]
    return term
