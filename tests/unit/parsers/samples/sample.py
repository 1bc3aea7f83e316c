"""A sample module."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class Point:
    x: float
    y: float

    def norm(self) -> float:
        return (self.x ** 2 + self.y ** 2) ** 0.5


def main(argv: list[str]) -> int:
    points = [Point(float(a), 0.0) for a in argv]
    with open(os.devnull, "w") as sink:
        for p in sorted(points, key=lambda q: q.norm()):
            print(p, file=sink)
    try:
        return len(points)
    except ValueError as error:
        raise SystemExit(str(error)) from error
