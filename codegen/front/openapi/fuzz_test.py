"""Seeded mutation fuzzing of the OpenAPI front end: thousands of damaged petstores, each
either lowers or is refused with a SpecError naming file and line; nothing else escapes.
(Bounded and deterministic; openapi_fuzz.py is the coverage-guided target, whose check
this reuses.)"""

from __future__ import annotations

import os
import random
import re

from codegen.front.openapi.openapi_fuzz import check_one

HERE = os.path.dirname(os.path.abspath(__file__))


def mutate(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        op = rng.randrange(6)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2 and lines[i]:
            j = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:j] + rng.choice(":{}[]-'\"#&*!|> 0x") + lines[i][j + 1 :]
        elif op == 3:
            lines[i] = lines[i].replace("string", rng.choice(["integer", "object", "array", "strin"]))
        elif op == 4:
            lines[i] = re.sub(r"\d+", lambda m: str(rng.choice([-1, 0, 10**20, int(m.group()) + 1])), lines[i])
        else:
            lines[i] = " " * rng.randint(0, 8) + lines[i].lstrip()
    return "\n".join(lines)


def test_mutated_petstores_never_crash():
    with open(os.path.join(HERE, "testdata", "petstore.yaml")) as f:
        base = f.read()
    rng = random.Random(20261126)
    for _ in range(2000):
        check_one(mutate(rng, base))
