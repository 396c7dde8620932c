#include "framework/python/internal/plan_reader.h"

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "framework/python/compiled_module.h"

namespace databridge::python {

using validate::TypeKind;
using validate::TypeSpec;

namespace {

constexpr TypeKind kKinds[] = {
    TypeKind::kAny,      TypeKind::kBool,  TypeKind::kInt,  TypeKind::kFloat,
    TypeKind::kString,   TypeKind::kUuid,  TypeKind::kList, TypeKind::kObject,
    TypeKind::kDict,     TypeKind::kUnion, TypeKind::kFile, TypeKind::kFileBytes,
    TypeKind::kDateTime, TypeKind::kDate,  TypeKind::kTime, TypeKind::kTimeDelta,
    TypeKind::kDecimal,
};
static_assert(std::size(kKinds) == plan::TypeSpec::Kind_ARRAYSIZE);

constexpr validate::StringFormat kFormats[] = {
    validate::StringFormat::kNone,     validate::StringFormat::kDate,
    validate::StringFormat::kDateTime, validate::StringFormat::kEmail,
    validate::StringFormat::kUri,      validate::StringFormat::kBase64,
};
static_assert(std::size(kFormats) == plan::TypeSpec::Format_ARRAYSIZE);

constexpr server::ParamSource kSources[] = {
    server::ParamSource::kPath,   server::ParamSource::kQuery, server::ParamSource::kHeader,
    server::ParamSource::kCookie, server::ParamSource::kBody,  server::ParamSource::kRequest,
};
static_assert(std::size(kSources) == plan::Param::Source_ARRAYSIZE);

std::optional<validate::Bound> BoundOf(bool present, const plan::Bound& b) {
  if (!present) return std::nullopt;
  return validate::Bound{b.value(), b.text()};
}

// Fills `spec` from entry `m`; `all` holds every entry's TypeSpec (some not filled yet), so
// references resolve to the shared object whatever the order.
absl::Status Fill(const plan::TypeSpec& m, const std::vector<std::shared_ptr<TypeSpec>>& all,
                  TypeSpec* spec) {
  auto ref = [&](int32_t i) -> absl::StatusOr<validate::TypeSpecPtr> {
    if (i < 0 || static_cast<size_t>(i) >= all.size()) {
      return absl::InvalidArgumentError(absl::StrCat("type reference ", i, " out of range"));
    }
    return validate::TypeSpecPtr(all[i]);
  };
  spec->kind = kKinds[m.kind()];
  spec->nullable = m.nullable();
  spec->gt = BoundOf(m.has_gt(), m.gt());
  spec->ge = BoundOf(m.has_ge(), m.ge());
  spec->lt = BoundOf(m.has_lt(), m.lt());
  spec->le = BoundOf(m.has_le(), m.le());
  spec->multiple_of = BoundOf(m.has_multiple_of(), m.multiple_of());
  if (m.has_min_length()) spec->min_length = m.min_length();
  if (m.has_max_length()) spec->max_length = m.max_length();
  if (!m.pattern().empty()) {
    spec->pattern_text = m.pattern();
    spec->pattern = std::make_shared<RE2>(spec->pattern_text, RE2::Quiet);
    if (!spec->pattern->ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid pattern '", spec->pattern_text, "': ", spec->pattern->error()));
    }
  }
  if (m.has_items()) {
    absl::StatusOr<validate::TypeSpecPtr> items = ref(m.items());
    if (!items.ok()) return items.status();
    spec->items = *std::move(items);
  } else if (spec->kind == TypeKind::kList || spec->kind == TypeKind::kDict) {
    spec->items = std::make_shared<TypeSpec>();  // of anything
  }
  for (const plan::TypeSpec::Field& f : m.fields()) {
    absl::StatusOr<validate::TypeSpecPtr> type = ref(f.type());
    if (!type.ok()) return type.status();
    spec->fields.push_back(
        validate::Field{f.name(), f.key(), *std::move(type), f.required(), f.alt_key()});
    spec->alt_keys = spec->alt_keys || !f.alt_key().empty();
  }
  spec->title = m.title();
  spec->model_index = m.has_model() ? m.model() : -1;
  spec->format = kFormats[m.format()];
  spec->unique_items = m.unique_items();
  if (m.sequence() >= 0 && m.sequence() <= 3) {
    spec->sequence = static_cast<validate::TypeSpec::Sequence>(m.sequence());
  }
  spec->forbid_extra = m.forbid_extra();
  spec->pydantic_model = m.pydantic_model();
  spec->allowed_is_enum = m.enum_class();
  for (int32_t v : m.variants()) {
    absl::StatusOr<validate::TypeSpecPtr> variant = ref(v);
    if (!variant.ok()) return variant.status();
    spec->variants.push_back(*std::move(variant));
  }
  spec->discriminator = m.discriminator();
  for (const plan::TypeSpec::Mapping& mapping : m.mapping()) {
    if (mapping.variant() < 0 || mapping.variant() >= m.variants_size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("discriminator value '", mapping.value(), "' names no variant"));
    }
    spec->mapping.emplace_back(mapping.value(), mapping.variant());
  }
  spec->allowed_json.assign(m.enum_json().begin(), m.enum_json().end());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<plan::Plan> ParsePlan(absl::string_view bytes) {
  plan::Plan p;
  if (!p.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("serving plan: not a databridge.plan.Plan");
  }
  return p;
}

absl::StatusOr<std::vector<validate::TypeSpecPtr>> ReadTypes(const plan::Plan& plan) {
  std::vector<std::shared_ptr<TypeSpec>> all;
  all.reserve(plan.types_size());
  for (int i = 0; i < plan.types_size(); ++i) all.push_back(std::make_shared<TypeSpec>());
  for (int i = 0; i < plan.types_size(); ++i) {
    absl::Status s = Fill(plan.types(i), all, all[i].get());
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("type ", i, ": ", s.message()));
  }
  return std::vector<validate::TypeSpecPtr>(all.begin(), all.end());
}

namespace {

// The compiled service in `capsule` (a <name>_native module's SERVICE), generated for this
// runtime's ABI.
absl::StatusOr<const validate::CompiledService*> ServiceIn(PyObject* capsule) {
  auto* service = capsule == nullptr ? nullptr
                                     : static_cast<const validate::CompiledService*>(
                                           PyCapsule_GetPointer(capsule, kCompiledCapsule));
  if (service == nullptr) {
    if (capsule != nullptr) PyErr_Clear();
    return absl::InvalidArgumentError("not a compiled service (a <name>_native module's SERVICE)");
  }
  if (service->abi != validate::kCompiledAbi) {
    return absl::FailedPreconditionError(
        absl::StrCat("compiled service ", service->name, " was generated for ABI ", service->abi,
                     ", this runtime reads ", validate::kCompiledAbi, ": rebuild it"));
  }
  return service;
}

}  // namespace

absl::StatusOr<CompiledRef> ReadCompiled(PyObject* capsule, const std::string& type,
                                         std::vector<int> models) {
  absl::StatusOr<const validate::CompiledService*> found = ServiceIn(capsule);
  if (!found.ok()) return found.status();
  const validate::CompiledService* service = *found;
  CompiledRef ref;
  ref.type = service->Find(type);
  if (ref.type == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("compiled service ", service->name, " has no type '", type, "'"));
  }
  if (models.size() != service->model_count) {
    return absl::InvalidArgumentError(absl::StrCat("compiled service ", service->name, " has ",
                                                   service->model_count, " models, ", models.size(),
                                                   " mapped"));
  }
  ref.models = std::move(models);
  return ref;
}

absl::StatusOr<server::Endpoint> ReadRoute(const plan::Route& route,
                                           const std::vector<validate::TypeSpecPtr>& types,
                                           const std::vector<PyObject*>& services) {
  auto service_at = [&](int32_t i) -> PyObject* {
    return i >= 0 && static_cast<size_t>(i) < services.size() ? services[i] : nullptr;
  };
  server::Endpoint ep;
  ep.method = route.method();
  ep.path = route.path();
  ep.errors_to_handler = route.errors_to_handler();
  ep.unrouted = route.unrouted();
  if (route.has_compiled_service()) {  // a generated operation: its route from the table
    absl::StatusOr<const validate::CompiledService*> service =
        ServiceIn(service_at(route.compiled_service()));
    if (!service.ok()) return service.status();
    const validate::CompiledRoute* compiled = (*service)->FindRoute(route.operation());
    if (compiled == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("no compiled route for operation ", route.operation()));
    }
    ep.method = compiled->method;
    ep.path = compiled->path;
  }
  for (const plan::Param& p : route.params()) {
    server::ParamSpec param;
    param.name = p.name();
    param.key = p.key();
    param.required = p.required();
    param.source = kSources[p.source()];
    if (param.source == server::ParamSource::kBody) {
      param.accepts_json = p.accepts_json();
      param.accepts_form = p.accepts_form();
      param.form_or_empty = p.form_or_empty();
      param.embedded = p.embedded();
    }
    auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat(ep.method, " ", ep.path, " parameter '", param.name, "': ", why));
    };
    if (param.source != server::ParamSource::kRequest) {
      if (p.type() < 0 || static_cast<size_t>(p.type()) >= types.size()) {
        return fail("type reference out of range");
      }
      param.type = types[p.type()];
    }
    if (p.has_compiled()) {
      PyObject* capsule = service_at(p.compiled().service());
      if (capsule == nullptr) return fail("compiled service reference out of range");
      absl::StatusOr<CompiledRef> compiled = ReadCompiled(
          capsule, p.compiled().type(),
          std::vector<int>(p.compiled().models().begin(), p.compiled().models().end()));
      if (!compiled.ok()) return fail(compiled.status().message());
      param.compiled = compiled->type;
      param.compiled_models = std::move(compiled->models);
    }
    ep.params.push_back(std::move(param));
  }
  return ep;
}

}  // namespace databridge::python
