#include "framework/python/spec_reader.h"

#include <string>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "framework/python/compiled_module.h"

namespace databridge::python {

namespace py = pybind11;
using validate::TypeKind;
using validate::TypeSpec;

namespace {

std::optional<validate::Bound> ReadBound(const py::dict& d, const char* key) {
  if (!d.contains(key) || d[key].is_none()) return std::nullopt;
  py::tuple pair = d[key].cast<py::tuple>();  // (value, text)
  return validate::Bound{pair[0].cast<double>(), pair[1].cast<std::string>()};
}

std::optional<size_t> ReadSize(const py::dict& d, const char* key) {
  if (!d.contains(key) || d[key].is_none()) return std::nullopt;
  return d[key].cast<size_t>();
}

}  // namespace

namespace {

// Specs already read, by the Python dict they came from: a model referenced twice is read
// once, and a recursive model (a tree) refers back to itself instead of recursing forever.
using SpecMemo = std::unordered_map<PyObject*, std::shared_ptr<TypeSpec>>;

absl::StatusOr<validate::TypeSpecPtr> ReadTypeSpecMemo(py::handle handle, SpecMemo& memo) {
  if (auto it = memo.find(handle.ptr()); it != memo.end()) return validate::TypeSpecPtr(it->second);
  py::dict d = py::reinterpret_borrow<py::dict>(handle);
  auto spec = std::make_shared<TypeSpec>();
  memo[handle.ptr()] = spec;
  std::string kind = d["kind"].cast<std::string>();
  static const std::pair<const char*, TypeKind> kKinds[] = {
      {"any", TypeKind::kAny},     {"bool", TypeKind::kBool},     {"int", TypeKind::kInt},
      {"float", TypeKind::kFloat}, {"str", TypeKind::kString},    {"uuid", TypeKind::kUuid},
      {"list", TypeKind::kList},   {"object", TypeKind::kObject}, {"dict", TypeKind::kDict},
      {"union", TypeKind::kUnion},
  };
  bool known = false;
  for (const auto& [name, k] : kKinds) {
    if (kind == name) {
      spec->kind = k;
      known = true;
    }
  }
  if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown type kind '", kind, "'"));
  spec->nullable = d.contains("nullable") && d["nullable"].cast<bool>();
  spec->gt = ReadBound(d, "gt");
  spec->ge = ReadBound(d, "ge");
  spec->lt = ReadBound(d, "lt");
  spec->le = ReadBound(d, "le");
  spec->min_length = ReadSize(d, "min_length");
  spec->max_length = ReadSize(d, "max_length");
  if (d.contains("pattern") && !d["pattern"].is_none()) {
    spec->pattern_text = d["pattern"].cast<std::string>();
    spec->pattern = std::make_shared<RE2>(spec->pattern_text, RE2::Quiet);
    if (!spec->pattern->ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid pattern '", spec->pattern_text, "': ", spec->pattern->error()));
    }
  }
  if (d.contains("items") && !d["items"].is_none()) {
    auto items = ReadTypeSpecMemo(d["items"], memo);
    if (!items.ok()) return items.status();
    spec->items = *items;
  }
  if (spec->kind == TypeKind::kList && !spec->items) {
    spec->items = std::make_shared<TypeSpec>();  // list of anything
  }
  if (d.contains("fields")) {
    for (py::handle f : d["fields"]) {
      py::dict fd = py::reinterpret_borrow<py::dict>(f);
      auto type = ReadTypeSpecMemo(fd["type"], memo);
      if (!type.ok()) return type.status();
      spec->fields.push_back(validate::Field{fd["name"].cast<std::string>(),
                                             fd["key"].cast<std::string>(), *type,
                                             fd["required"].cast<bool>()});
    }
  }
  if (d.contains("title")) spec->title = d["title"].cast<std::string>();
  if (d.contains("model") && !d["model"].is_none()) spec->model_index = d["model"].cast<int>();
  if (d.contains("format")) {
    static const std::pair<const char*, validate::StringFormat> kFormats[] = {
        {"date", validate::StringFormat::kDate},   {"date-time", validate::StringFormat::kDateTime},
        {"email", validate::StringFormat::kEmail}, {"uri", validate::StringFormat::kUri},
        {"byte", validate::StringFormat::kBase64},
    };
    std::string format = d["format"].cast<std::string>();
    for (const auto& [name, f] : kFormats) {
      if (format == name) spec->format = f;
    }
  }
  spec->multiple_of = ReadBound(d, "multiple_of");
  spec->unique_items = d.contains("unique_items") && d["unique_items"].cast<bool>();
  spec->forbid_extra = d.contains("forbid_extra") && d["forbid_extra"].cast<bool>();
  spec->allowed_is_enum = d.contains("enum_class") && d["enum_class"].cast<bool>();
  if (d.contains("variants")) {
    for (py::handle v : d["variants"]) {
      auto variant = ReadTypeSpecMemo(v, memo);
      if (!variant.ok()) return variant.status();
      spec->variants.push_back(*variant);
    }
  }
  if (d.contains("discriminator")) {
    spec->discriminator = d["discriminator"].cast<std::string>();
    for (auto item : d["mapping"].cast<py::dict>()) {
      spec->mapping.emplace_back(item.first.cast<std::string>(), item.second.cast<int>());
    }
  }
  if (d.contains("enum")) {
    for (py::handle v : d["enum"]) spec->allowed_json.push_back(v.cast<std::string>());
  }
  return validate::TypeSpecPtr(spec);
}

}  // namespace

absl::StatusOr<validate::TypeSpecPtr> ReadTypeSpec(py::handle handle) {
  SpecMemo memo;
  return ReadTypeSpecMemo(handle, memo);
}

absl::StatusOr<CompiledRef> ReadCompiled(py::handle handle) {
  py::dict d = py::reinterpret_borrow<py::dict>(handle);
  PyObject* capsule = d["service"].ptr();
  auto* service = static_cast<const validate::CompiledService*>(
      PyCapsule_GetPointer(capsule, kCompiledCapsule));
  if (service == nullptr) {
    PyErr_Clear();
    return absl::InvalidArgumentError("not a compiled service (a <name>_native module's SERVICE)");
  }
  if (service->abi != validate::kCompiledAbi) {
    return absl::FailedPreconditionError(
        absl::StrCat("compiled service ", service->name, " was generated for ABI ", service->abi,
                     ", this runtime reads ", validate::kCompiledAbi, ": rebuild it"));
  }
  std::string name = d["type"].cast<std::string>();
  CompiledRef ref;
  ref.type = service->Find(name);
  if (ref.type == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("compiled service ", service->name, " has no type '", name, "'"));
  }
  for (py::handle m : d["models"]) ref.models.push_back(m.cast<int>());
  if (ref.models.size() != service->model_count) {
    return absl::InvalidArgumentError(absl::StrCat("compiled service ", service->name, " has ",
                                                   service->model_count, " models, ",
                                                   ref.models.size(), " mapped"));
  }
  return ref;
}

absl::StatusOr<server::Endpoint> ReadEndpoint(py::handle handle) {
  py::dict d = py::reinterpret_borrow<py::dict>(handle);
  server::Endpoint ep;
  ep.method = d["method"].cast<std::string>();
  ep.path = d["path"].cast<std::string>();
  if (d.contains("compiled")) {  // a generated operation: its route from the compiled table
    auto* service = static_cast<const validate::CompiledService*>(
        PyCapsule_GetPointer(d["compiled"]["service"].ptr(), kCompiledCapsule));
    std::string operation = d["compiled"]["operation"].cast<std::string>();
    const validate::CompiledRoute* route = service ? service->FindRoute(operation) : nullptr;
    if (route == nullptr) {
      PyErr_Clear();
      return absl::NotFoundError(absl::StrCat("no compiled route for operation ", operation));
    }
    ep.method = route->method;
    ep.path = route->path;
  }
  static const std::pair<const char*, server::ParamSource> kSources[] = {
      {"path", server::ParamSource::kPath},     {"query", server::ParamSource::kQuery},
      {"header", server::ParamSource::kHeader}, {"cookie", server::ParamSource::kCookie},
      {"body", server::ParamSource::kBody},     {"request", server::ParamSource::kRequest},
  };
  for (py::handle p : d["params"]) {
    py::dict pd = py::reinterpret_borrow<py::dict>(p);
    server::ParamSpec param;
    param.name = pd["name"].cast<std::string>();
    param.key = pd["key"].cast<std::string>();
    param.required = pd["required"].cast<bool>();
    std::string source = pd["source"].cast<std::string>();
    bool known = false;
    for (const auto& [name, s] : kSources) {
      if (source == name) {
        param.source = s;
        known = true;
      }
    }
    if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown source ", source));
    if (pd.contains("media")) {
      param.accepts_json = param.accepts_form = false;
      for (py::handle m : pd["media"]) {
        std::string media = m.cast<std::string>();
        param.accepts_json |= media == "json";
        param.accepts_form |= media == "form";
      }
    }
    if (param.source != server::ParamSource::kRequest) {
      auto type = ReadTypeSpec(pd["type"]);
      if (!type.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(ep.method, " ", ep.path, " parameter '",
                                                       param.name, "': ", type.status().message()));
      }
      param.type = *type;
    }
    if (pd.contains("compiled")) {
      auto compiled = ReadCompiled(pd["compiled"]);
      if (!compiled.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(ep.method, " ", ep.path, " parameter '",
                                                       param.name,
                                                       "': ", compiled.status().message()));
      }
      param.compiled = compiled->type;
      param.compiled_models = std::move(compiled->models);
    }
    ep.params.push_back(std::move(param));
  }
  return ep;
}

}  // namespace databridge::python
