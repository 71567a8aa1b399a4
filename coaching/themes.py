"""Recurring themes in free-text strengths and improvements: grouped by shared content words, counted per call.

Pure functions (no ORM, no I/O), re-exported by coaching.metrics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

_STOPWORD_TEXT = """
    a an the and or but of to in on for with at by from as is are was were be been being it its this that
    these those their them they he she his her you your we our us i me my more less most very really just
    also not no than then so too into about over under up down out off again further once can could should
    would will may might must do does did done doing have has had having get got make made use using used
    when where which who whom what why how all any both each few other some such only own same call calls
    customer customers prospect prospects rep reps time try trying before after during while there here"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[a-z][a-z']+")


def _stem(word: str) -> str:
    """A tiny deterministic stemmer: enough to fold asking/asked/asks/questions onto one key."""
    word = word.strip("'")
    for suffix, min_len in (("ing", 6), ("ed", 5), ("es", 5), ("s", 4), ("ly", 5)):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    # price/pricing, close/closing: drop a final e so both land on "pric", "clos".
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def theme_keys(text: str) -> list[str]:
    """The content words of a sentence, lower-cased, stemmed, stop words dropped, in order of appearance."""
    keys: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS or len(word) < 3:
            continue
        key = _stem(word)
        if key not in keys:
            keys.append(key)
    return keys


@dataclass
class Theme:
    label: str  # the most frequent member text (ties: the shortest, then alphabetical)
    count: int  # how many items fell into the theme (themes_by_side: calls on the theme's side)
    keywords: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)  # up to 3 distinct member texts
    side: str = ""  # themes_by_side: "strength" | "improvement"
    strength_calls: int = 0  # themes_by_side: calls where it was named a strength
    improvement_calls: int = 0  # ... and where it was named an improvement

    @property
    def other_calls(self) -> int:
        """Calls that put this theme on the other side."""
        return self.improvement_calls if self.side == "strength" else self.strength_calls

    def as_dict(self) -> dict:
        return asdict(self)


def _cluster(texts: Iterable[str], min_shared: int) -> list[dict]:
    items = sorted(text.strip() for text in texts if text and text.strip())
    clusters: list[dict] = []  # {"keys": set, "members": list[str]}
    for text in items:
        keys = set(theme_keys(text))
        matches = [cluster for cluster in clusters if _related(keys, cluster["keys"], min_shared)]
        if not matches:
            clusters.append({"keys": set(keys), "members": [text]})
            continue
        target = matches[0]
        for other in matches[1:]:  # the item bridges clusters: merge them (single link)
            target["keys"] |= other["keys"]
            target["members"].extend(other["members"])
            clusters.remove(other)
        target["keys"] |= keys
        target["members"].append(text)
    return clusters


def themes_by_side(
    *, strengths: Iterable[tuple[str, str]], improvements: Iterable[tuple[str, str]], limit: int = 5, min_calls: int = 1
) -> tuple[list[Theme], list[Theme]]:
    """Strength and improvement themes counted per call, each theme on the side it mostly falls on.

    Items are (call key, text). Both sides are grouped together (as themes_group does), so "asked about budget"
    praised on 2 calls and missed on 5 is one theme: an improvement with `count` 5 and `strength_calls` 2 —
    never both a recurring strength and a recurring improvement. Ties go to improvements (something to coach).
    A theme needs `min_calls` calls on its side. Returns (strengths, improvements), most calls first.
    """
    sides = {"strength": list(strengths), "improvement": list(improvements)}
    origin: dict[str, dict[str, set[str]]] = {}
    for side, items in sides.items():
        for call, text in items:
            if text and text.strip():
                origin.setdefault(text.strip(), {"strength": set(), "improvement": set()})[side].add(call)
    out: dict[str, list[Theme]] = {"strength": [], "improvement": []}
    for cluster in _cluster(origin, min_shared=2):
        calls = {side: set().union(*(origin[text][side] for text in cluster["members"])) for side in sides}
        side = "strength" if len(calls["strength"]) > len(calls["improvement"]) else "improvement"
        if len(calls[side]) < min_calls:
            continue
        members = [text for text in cluster["members"] for _ in range(len(origin[text][side]))]
        theme = _theme_from({"members": members or cluster["members"]})
        theme.count, theme.side = len(calls[side]), side
        theme.strength_calls, theme.improvement_calls = len(calls["strength"]), len(calls["improvement"])
        out[side].append(theme)
    for themes in out.values():
        themes.sort(key=lambda theme: (-theme.count, theme.label))
    return out["strength"][:limit], out["improvement"][:limit]


def themes_group(texts: Iterable[str], *, limit: int = 5, min_shared: int = 2) -> list[Theme]:
    """Group free-text strengths or improvements into recurring themes, most frequent first.

    Deterministic single-link clustering: two items join a theme when they share at least `min_shared`
    content-word stems (or all of the shorter one's stems, for one-word items). Items are processed in sorted
    order, so the result does not depend on input order. Themes seen only once rank last.
    """
    clusters = _cluster(texts, min_shared)
    themes = [_theme_from(cluster) for cluster in clusters]
    themes.sort(key=lambda theme: (-theme.count, theme.label))
    return themes[:limit]


def _related(keys: set[str], cluster_keys: set[str], min_shared: int) -> bool:
    if not keys or not cluster_keys:
        return keys == cluster_keys
    shared = len(keys & cluster_keys)
    return shared >= min(min_shared, len(keys))


def _theme_from(cluster: dict) -> Theme:
    members: list[str] = cluster["members"]
    frequency: dict[str, int] = {}
    for text in members:
        frequency[text] = frequency.get(text, 0) + 1
    ranked = sorted(frequency, key=lambda text: (-frequency[text], len(text), text))
    key_counts: dict[str, int] = {}
    for text in members:
        for key in theme_keys(text):
            key_counts[key] = key_counts.get(key, 0) + 1
    keywords = sorted(key_counts, key=lambda key: (-key_counts[key], key))[:4]
    return Theme(label=ranked[0], count=len(members), keywords=keywords, examples=ranked[:3])
