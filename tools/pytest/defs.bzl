"""pytest_test: a py_test that runs pytest on its sources (real pytest, not unittest)."""

def pytest_test(name, srcs, deps = [], data = [], size = "small", **kwargs):
    native.py_test(
        name = name,
        srcs = srcs + ["//tools/pytest:pytest_runner.py"],
        main = "//tools/pytest:pytest_runner.py",
        args = ["$(location %s)" % s for s in srcs if s.endswith("_test.py")],
        deps = deps,
        data = data,
        size = size,
        python_version = "PY3",
        **kwargs
    )
