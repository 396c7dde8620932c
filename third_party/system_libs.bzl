"""@system: Debian (/usr) C/C++ libraries as cc_library targets, generated from pkg-config.

Each cc_library carries the `pkg-config --libs` flags as linkopts (all the abseil .so's
that grpc++ headers reference directly are listed, which gold/ld need because
they don't resolve through DT_NEEDED), `-D` cflags as defines, and `-I<dir>` cflags
as a symlink inside the repository + `includes` (e.g. /usr/include/python3.11).
Tools are symlinked into bin/ so they can be used as labels.
"""

def _split(s):
    return [t for t in s.strip().split(" ") if t]

def _dedupe(flags):
    seen = {}
    out = []
    for f in flags:
        if f not in seen:
            seen[f] = True
            out.append(f)
    return out

def _pkg_config(rctx, pc, args):
    res = rctx.execute([pc] + args)
    if res.return_code != 0:
        fail("pkg-config %s failed: %s" % (" ".join(args), res.stderr))
    return _split(res.stdout)

def _system_libs_impl(rctx):
    pc = rctx.which("pkg-config")
    if not pc:
        fail("pkg-config not found: apt-get install pkg-config")
    build = ['package(default_visibility = ["//visibility:public"])', ""]
    for name, spec in rctx.attr.pkg_config.items():
        modules = _split(spec)
        linkopts = _dedupe(_pkg_config(rctx, pc, ["--libs"] + modules))
        defines = [f[2:] for f in _pkg_config(rctx, pc, ["--cflags-only-other"] + modules) if f.startswith("-D")]
        includes = []
        for i, flag in enumerate(_dedupe(_pkg_config(rctx, pc, ["--cflags-only-I"] + modules))):
            link = "inc/%s/%d" % (name, i)
            rctx.symlink(flag[2:], link)
            includes.append(link)
        build.append("""cc_library(
    name = "{name}",
    hdrs = {hdrs},
    includes = {includes},
    defines = {defines},
    linkopts = {linkopts},
)
""".format(
            name = name,
            hdrs = "glob([%s])" % ", ".join(['"%s/**/*.h"' % i for i in includes]) if includes else "[]",
            includes = repr(includes),
            defines = repr(_dedupe(defines)),
            linkopts = repr(linkopts),
        ))
    for name, flags in rctx.attr.raw.items():
        # Libraries Debian ships without a .pc file (libprotoc): plain linker flags.
        build.append('cc_library(name = "%s", linkopts = %s)\n' % (name, repr(_split(flags))))
    for name, path in rctx.attr.tools.items():
        rctx.symlink(path, "bin/" + name)
        build.append('alias(name = "%s", actual = "bin/%s")' % (name, name))
    rctx.file("WORKSPACE", "")
    rctx.file("BUILD.bazel", "\n".join(build) + "\n")

system_libs = repository_rule(
    implementation = _system_libs_impl,
    attrs = {
        # target name -> space-separated pkg-config module names
        "pkg_config": attr.string_dict(),
        # target name -> linker flags, for libraries without pkg-config metadata
        "raw": attr.string_dict(),
        # label name -> absolute path of an executable
        "tools": attr.string_dict(),
    },
    environ = ["PKG_CONFIG_PATH"],
    local = True,
)
