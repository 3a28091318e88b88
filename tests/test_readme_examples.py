"""Every Python example in README.md runs here as written: each ```python block is executed
at import, and the tests it defines are collected with the plugin's fixtures.  (Blocks right
after a ``<!-- walkthrough:NAME -->`` marker are snippets of "Changing the schema", which
tests/test_changing_the_schema.py applies to a copy of the repository.)"""

from __future__ import annotations

import re

from schema_pkg.config import CHECKOUT_DIR

BLOCKS = re.findall(r"(?<!-->\n)^```python\n(.*?)^```", (CHECKOUT_DIR / "README.md").read_text(),
                    re.M | re.S)
TESTS_PER_BLOCK = []

for number, block in enumerate(BLOCKS, 1):
    namespace: dict = {}
    exec(compile(block, f"README.md python block {number}", "exec"), namespace)
    tests = [name for name in namespace if name.startswith("test_")]
    TESTS_PER_BLOCK.append(tests)
    for name in tests:
        assert name not in globals(), f"README.md defines {name} twice"
        globals()[name] = namespace[name]


def test_readme_has_python_examples_and_each_defines_a_test():
    assert BLOCKS, "no ```python block found in README.md"
    assert all(TESTS_PER_BLOCK), TESTS_PER_BLOCK
