"""A mention's characters in a text, as (start, end), and whether two share any: one
definition for the modules that find mentions (`entities`, `subjects`, `tagged_names`)."""

from __future__ import annotations

Span = tuple[int, int]


def overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]
