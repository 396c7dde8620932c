"""data_bridge_example: the targets every example package has.

    data_bridge_example(
        name = "petstore",            # ./bazelw run //examples/petstore -- --port 8000
        srcs = ["app.py", "handlers.py"],
        deps = [":petstore_api"],
        tests = ["petstore_test.py"], # end to end, with tests/integration's helpers
        typed = ["handlers.py", ":petstore_api.py"],   # checked with mypy --strict
    )
"""

load("//tools/pytest:defs.bzl", "pytest_test")

def data_bridge_example(name, srcs, deps = [], tests = [], typed = []):
    native.py_library(
        name = "app",
        srcs = ["__init__.py"] + srcs,
        deps = deps + [
            "//examples",
            "//python/data_bridge",
        ],
    )
    native.py_binary(
        name = name,
        srcs = ["main.py"],
        main = "main.py",
        python_version = "PY3",
        deps = [":app"],
    )
    if tests:
        pytest_test(
            name = name + "_test",
            srcs = tests,
            deps = [
                ":app",
                "//tests/integration:support",
            ],
        )
    if typed:
        native.sh_test(
            name = "mypy_test",
            size = "small",
            srcs = ["//tools:mypy_test.sh"],
            args = ["$(location %s)" % f for f in typed],
            data = typed + [
                "//python:mypy.ini",
                "//python/data_bridge:typed_sources",
            ],
        )
