"""data_bridge_service: a spec in, its generated code out.

    load("//codegen:defs.bzl", "data_bridge_service")
    data_bridge_service(name = "petstore_api", openapi = "petstore.yaml")

yields
    :petstore_api            py_library: petstore_api.py (models, handler base class,
                             routes(handlers) for App.include)
    :petstore_api_ir         petstore_api.ir.pb, the service in codegen's IR
    :petstore_api_openapi    petstore_api.openapi.json, the OpenAPI 3.1 document
An invalid spec fails the build with `file:line: what is wrong`.
"""

def data_bridge_service(name, openapi, visibility = None, **kwargs):
    native.genrule(
        name = name + "_ir",
        srcs = [openapi],
        outs = [name + ".ir.pb"],
        cmd = "$(location //codegen/front/openapi:openapi_front) $(location %s) --out $@ --name $(location %s)" % (openapi, openapi),
        tools = ["//codegen/front/openapi:openapi_front"],
        visibility = visibility,
    )
    native.genrule(
        name = name + "_py",
        srcs = [name + ".ir.pb"],
        outs = [name + ".py"],
        cmd = "$(location //codegen/back/python:python_back) $< --out $@ --spec-name %s" % openapi,
        tools = ["//codegen/back/python:python_back"],
    )
    native.genrule(
        name = name + "_openapi",
        srcs = [name + ".ir.pb"],
        outs = [name + ".openapi.json"],
        cmd = "$(location //codegen/back/openapi:openapi_back) $< --out $@",
        tools = ["//codegen/back/openapi:openapi_back"],
        visibility = visibility,
    )
    native.py_library(
        name = name,
        srcs = [name + ".py"],
        data = [name + ".openapi.json"],
        deps = ["//python/data_bridge"],
        visibility = visibility,
        **kwargs
    )
