"""pytest_test: a py_test that runs pytest on its sources (real pytest, not unittest).
venv = "compat": under .tools/compat-venv (tools/compat-requirements.txt: the FastAPI,
Starlette and pydantic ours is held to), else the system Python."""

def pytest_test(name, srcs, deps = [], data = [], size = "small", venv = None, **kwargs):
    native.py_test(
        name = name,
        srcs = srcs + ["//tools/pytest:pytest_runner.py"],
        main = "//tools/pytest:pytest_runner.py",
        args = (["--venv=" + venv] if venv else []) +
               ["$(location %s)" % s for s in srcs if s.endswith("_test.py")],
        deps = deps,
        data = data,
        size = size,
        python_version = "PY3",
        **kwargs
    )
