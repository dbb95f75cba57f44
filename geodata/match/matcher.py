"""Match names and addresses against a gazetteer of villages, communities and townships.

Plain strings and arrays in, plain results out (:mod:`geodata.match.frame` adapts
GeoDataFrames). A point's text is read from the left: county and township names found in it
(``某某县某某镇某某村``) narrow the candidates; what follows the last township named is the
place itself, looked up by its key (:func:`geodata.match.names.name_key`). One candidate left
is ``matched``; several are ``ambiguous`` (the planner chooses); none is ``unmatched``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from geodata.match.names import Level, name_key, normalise, strip_offices

MatchStatus = Literal["matched", "ambiguous", "unmatched"]
#: Candidates kept for an ambiguous row (the planner chooses among them).
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Gazetteer:
    """The places a point may name: villages/communities first, then townships.

    Parameters
    ----------
    codes, names, levels, township_codes, counties
        One entry per place; ``levels`` is ``village``, ``community`` or ``township``;
        a township's ``township_codes`` entry is its own code.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    levels: tuple[Level, ...]
    township_codes: tuple[str, ...]
    counties: tuple[str, ...]
    by_key: dict[str, tuple[int, ...]]
    township_names: dict[str, tuple[int, ...]]
    county_names: frozenset[str]
    lengths: tuple[int, ...]

    @classmethod
    def build(
        cls,
        codes: Sequence[str],
        names: Sequence[str],
        levels: Sequence[Level],
        township_codes: Sequence[str],
        counties: Sequence[str],
    ) -> Gazetteer:
        """Index the places by key, and the township and county names for mentions."""
        by_key: dict[str, list[int]] = defaultdict(list)
        towns: dict[str, list[int]] = defaultdict(list)
        for i, (name, level) in enumerate(zip(names, levels, strict=True)):
            key, _ = name_key(name)
            if key:
                by_key[key].append(i)
            if level == "township":
                towns[normalise(name)].append(i)
        county_names = frozenset(c for c in (normalise(c) for c in counties) if len(c) >= 2)
        lengths = sorted({len(n) for n in (*towns, *county_names) if n})
        return cls(
            codes=tuple(codes),
            names=tuple(normalise(n) for n in names),
            levels=tuple(levels),
            township_codes=tuple(township_codes),
            counties=tuple(normalise(c) for c in counties),
            by_key={k: tuple(v) for k, v in by_key.items()},
            township_names={k: tuple(v) for k, v in towns.items()},
            county_names=county_names,
            lengths=tuple(lengths),
        )


@dataclass(frozen=True)
class Match:
    """The outcome for one point: status and candidate places (indices into the gazetteer)."""

    status: MatchStatus
    candidates: tuple[int, ...]
    county: str = ""
    township_code: str = ""


def _mentions(text: str, gaz: Gazetteer) -> tuple[set[str], set[int], set[int]]:
    """Counties and townships (indices) named in ``text``, and where each name ends."""
    counties: set[str] = set()
    towns: set[int] = set()
    ends: set[int] = set()
    for i in range(len(text)):
        for length in gaz.lengths:
            piece = text[i : i + length]
            if len(piece) < length:
                break
            if piece in gaz.county_names:
                counties.add(piece)
                ends.add(i + length)
            for t in gaz.township_names.get(piece, ()):
                towns.add(t)
                ends.add(i + length)
    return counties, towns, ends


def _narrow(cands: list[int], keep: list[bool]) -> tuple[list[int], bool]:
    """The candidates kept, or all of them and True when none fits (a contradiction)."""
    kept = [c for c, k in zip(cands, keep, strict=True) if k]
    return (kept, False) if kept else (cands, True)


def _lookup(text: str, gaz: Gazetteer) -> tuple[Level, list[int]]:
    """Level and candidates of the place a text names: what follows the last county or
    township named, else the whole text (a village may be called 柳泉镇村)."""
    if not text:
        return "", []
    _, named_towns, ends = _mentions(text, gaz)
    for end in sorted({0, *ends}, reverse=True):
        place, office_level = strip_offices(text[end:])
        if place:
            key, level = name_key(place)
            cands = list(gaz.by_key.get(key, ()))
            if cands:
                return office_level or level, cands
        elif end:
            # The text ends with a township (``柳泉镇人民政府``): the township itself.
            at_end = [t for t in named_towns if text[:end].endswith(gaz.names[t])]
            return "township", sorted(at_end)
    return "", []


def match_text(name: str, address: str, gaz: Gazetteer) -> Match:
    """Match one point by its name and address (either may be empty).

    The name is tried first (``柳泉村村委会``), then the address (``示范县柳泉镇柳泉村``);
    county and township names found in either narrow the candidates.
    """
    name, address = normalise(name), normalise(address)
    counties, town_idx, _ = _mentions(address + "|" + name, gaz)
    towns = {gaz.township_codes[t] for t in town_idx}
    for text in (name, address):
        level, cands = _lookup(text, gaz)
        if not cands:
            continue
        conflicts = []
        if level:
            cands, _ = _narrow(cands, [gaz.levels[c] == level for c in cands])
        if towns:
            cands, conflict = _narrow(cands, [gaz.township_codes[c] in towns for c in cands])
            conflicts.append(conflict)
        if counties:
            cands, conflict = _narrow(cands, [gaz.counties[c] in counties for c in cands])
            conflicts.append(conflict)
        # A single candidate the address contradicts is for the planner to confirm.
        unique = len(cands) == 1 and not any(conflicts)
        return Match("matched" if unique else "ambiguous", tuple(cands[:MAX_CANDIDATES]))
    return Match(
        "unmatched",
        (),
        county=",".join(sorted(counties)),
        township_code=",".join(sorted(towns)),
    )


def match_all(names: Sequence[str], addresses: Sequence[str], gaz: Gazetteer) -> list[Match]:
    """:func:`match_text` for every point."""
    return [match_text(n, a, gaz) for n, a in zip(names, addresses, strict=True)]
