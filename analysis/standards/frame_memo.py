"""Values derived from a layer, computed once per layer object.

A planner's click checks one new point against the site rules; finding its township and
village needs the townships in WGS84 with a spatial index and the villages' arrays, the
same for every click on the same data (~15 ms on a province, rebuilt each time before).
Layers are never changed in place (a :class:`geodata.city.CityData` is replaced, not
edited), so a value derived from a layer object stays right while that object lives; the
memo holds it by the object's identity and a weak reference, so a new layer (or one
garbage-collected whose id is reused) is never served another's value.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Values kept (the few layers of the datasets in use).
MAX_ENTRIES = 16
_MEMO: OrderedDict[tuple[int, str], tuple[weakref.ref[Any], Any]] = OrderedDict()
_LOCK = threading.Lock()


def per_layer(layer: Any, tag: str, build: Callable[[], T]) -> T:
    """Return ``build()`` for ``layer``, computed once per layer object and ``tag``.

    Parameters
    ----------
    layer
        The (Geo)DataFrame the value is derived from (never changed in place).
    tag
        What is derived (one layer may have several values).
    build
        Computes the value from ``layer``.
    """
    key = (id(layer), tag)
    with _LOCK:
        hit = _MEMO.get(key)
        if hit is not None and hit[0]() is layer:
            _MEMO.move_to_end(key)
            return hit[1]
    value = build()
    with _LOCK:
        _MEMO[key] = (weakref.ref(layer), value)
        while len(_MEMO) > MAX_ENTRIES:
            _MEMO.popitem(last=False)
    return value


def clear() -> None:
    """Forget every value (tests)."""
    with _LOCK:
        _MEMO.clear()
