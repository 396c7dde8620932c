#include "codegen/front/proto/lowering.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "proto/databridge/ir.pb.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"
#include "proto/databridge/rules.pb.h"

namespace databridge::codegen {
namespace {

namespace pb = google::protobuf;

std::string Where(const pb::FileDescriptor* file, const pb::SourceLocation& loc) {
  return file->name() + ":" + std::to_string(loc.start_line + 1);
}

template <typename D>
int Line(const D* d) {
  pb::SourceLocation loc;
  return d->GetSourceLocation(&loc) ? loc.start_line + 1 : 0;
}

// "library.v1.Book.Author" in package "library.v1" -> "BookAuthor".
std::string ModelName(const std::string& full_name, const std::string& package) {
  std::string rest = full_name;
  if (!package.empty() && rest.rfind(package + ".", 0) == 0) rest = rest.substr(package.size() + 1);
  std::string out;
  for (char c : rest) {
    if (c != '.') out.push_back(c);
  }
  return out;
}

class Lowering {
 public:
  Lowering(const pb::FileDescriptor* file, ir::Service* service) : file_(file), service_(service) {}

  bool Run(std::string* error) {
    service_->set_name(file_->package().empty() ? "service" : file_->package());
    service_->mutable_source()->set_file(file_->name());
    for (int s = 0; s < file_->service_count(); ++s) {
      const pb::ServiceDescriptor* svc = file_->service(s);
      if (service_->title().empty()) service_->set_title(svc->name());
      for (int m = 0; m < svc->method_count(); ++m) {
        const pb::MethodDescriptor* method = svc->method(m);
        if (!Method(method, error)) return false;
        ir::Rpc* rpc = service_->add_rpcs();
        rpc->set_name(method->name());
        rpc->set_path("/" + svc->full_name() + "/" + method->name());
        rpc->set_request(method->input_type()->full_name());
        rpc->set_response(method->output_type()->full_name());
        rpc->set_client_streaming(method->client_streaming());
        rpc->set_server_streaming(method->server_streaming());
        if (method->input_type()->file()->package() == file_->package()) {
          rpc->set_request_model(Model(method->input_type()));
        }
        rpc->mutable_source()->set_file(file_->name());
        rpc->mutable_source()->set_line(Line(method));
      }
    }
    for (auto& [name, model] : models_) *service_->add_models() = model;
    return true;
  }

 private:
  std::string Model(const pb::Descriptor* message) {
    std::string name = ModelName(message->full_name(), file_->package());
    if (models_.count(name) || pending_.count(name)) return name;
    pending_.insert(name);
    ir::Model model;
    model.set_name(name);
    model.mutable_source()->set_file(message->file()->name());
    model.mutable_source()->set_line(Line(message));
    ir::ObjectModel* obj = model.mutable_object();
    obj->set_allow_additional(false);  // proto3 JSON parsers reject unknown fields
    for (int i = 0; i < message->field_count(); ++i) {
      const pb::FieldDescriptor* f = message->field(i);
      ir::Field* field = obj->add_fields();
      field->set_name(f->name());
      field->set_json_name(f->json_name());
      field->mutable_source()->set_file(message->file()->name());
      field->mutable_source()->set_line(Line(f));
      *field->mutable_type() = FieldType(f);
      const databridge::FieldRules& rules = f->options().GetExtension(databridge::rules);
      field->set_required(rules.required());
      Constrain(rules, field->mutable_type());
    }
    models_[name] = model;
    pending_.erase(name);
    return name;
  }

  std::string Enum(const pb::EnumDescriptor* e) {
    std::string name = ModelName(e->full_name(), file_->package());
    if (models_.count(name)) return name;
    ir::Model model;
    model.set_name(name);
    model.mutable_source()->set_file(e->file()->name());
    model.mutable_source()->set_line(Line(e));
    for (int i = 0; i < e->value_count(); ++i) {
      ir::EnumModel::Value* v = model.mutable_enum_()->add_values();
      v->set_name(e->value(i)->name());
      v->set_number(e->value(i)->number());
      v->set_json("\"" + e->value(i)->name() + "\"");
    }
    models_[name] = model;
    return name;
  }

  ir::Type MessageType(const pb::Descriptor* m) {
    ir::Type t;
    const std::string& n = m->full_name();
    if (n == "google.protobuf.Timestamp") {
      t.set_scalar(ir::DATE_TIME);
    } else if (n == "google.protobuf.Duration") {
      t.set_scalar(ir::DURATION);
    } else if (n == "google.protobuf.FieldMask") {
      t.set_scalar(ir::STRING);
    } else if (n == "google.protobuf.Struct" || n == "google.protobuf.Any") {
      t.mutable_map()->set_any(true);
    } else if (n == "google.protobuf.Value") {
      t.set_any(true);
    } else if (n == "google.protobuf.ListValue") {
      t.mutable_array()->set_any(true);
    } else if (n.rfind("google.protobuf.", 0) == 0 && n.size() > 21 &&
               n.compare(n.size() - 5, 5, "Value") == 0) {
      // Wrappers: the JSON form of the wrapped scalar, or null.
      t = ScalarType(m->FindFieldByName("value"));
      t.set_nullable(true);
    } else {
      t.set_model(Model(m));
    }
    return t;
  }

  ir::Type ScalarType(const pb::FieldDescriptor* f) {
    ir::Type t;
    switch (f->type()) {
      case pb::FieldDescriptor::TYPE_DOUBLE:
        t.set_scalar(ir::DOUBLE);
        break;
      case pb::FieldDescriptor::TYPE_FLOAT:
        t.set_scalar(ir::FLOAT);
        break;
      case pb::FieldDescriptor::TYPE_INT64:
      case pb::FieldDescriptor::TYPE_SINT64:
      case pb::FieldDescriptor::TYPE_SFIXED64:
        t.set_scalar(ir::INT64);
        break;
      case pb::FieldDescriptor::TYPE_UINT64:
      case pb::FieldDescriptor::TYPE_FIXED64:
        t.set_scalar(ir::UINT64);
        break;
      case pb::FieldDescriptor::TYPE_INT32:
      case pb::FieldDescriptor::TYPE_SINT32:
      case pb::FieldDescriptor::TYPE_SFIXED32:
        t.set_scalar(ir::INT32);
        break;
      case pb::FieldDescriptor::TYPE_UINT32:
      case pb::FieldDescriptor::TYPE_FIXED32:
        t.set_scalar(ir::UINT32);
        break;
      case pb::FieldDescriptor::TYPE_BOOL:
        t.set_scalar(ir::BOOL);
        break;
      case pb::FieldDescriptor::TYPE_STRING:
        t.set_scalar(ir::STRING);
        break;
      case pb::FieldDescriptor::TYPE_BYTES:
        t.set_scalar(ir::BYTES);
        break;
      case pb::FieldDescriptor::TYPE_ENUM:
        t.set_model(Enum(f->enum_type()));
        break;
      case pb::FieldDescriptor::TYPE_MESSAGE:
      case pb::FieldDescriptor::TYPE_GROUP:
        t = MessageType(f->message_type());
        break;
    }
    return t;
  }

  ir::Type FieldType(const pb::FieldDescriptor* f) {
    if (f->is_map()) {
      ir::Type t;
      *t.mutable_map() = ScalarType(f->message_type()->FindFieldByName("value"));
      return t;
    }
    ir::Type item = ScalarType(f);
    if (!f->is_repeated()) return item;
    ir::Type t;
    *t.mutable_array() = item;
    return t;
  }

  // Value rules constrain the scalar (the items of a repeated field); item counts the list.
  static void Constrain(const databridge::FieldRules& r, ir::Type* t) {
    ir::Type* scalar = t->has_array() ? t->mutable_array() : t;
    ir::Constraints* c = scalar->mutable_constraints();
    if (r.has_min_len()) c->set_min_length(r.min_len());
    if (r.has_max_len()) c->set_max_length(r.max_len());
    if (!r.pattern().empty()) c->set_pattern(r.pattern());
    if (r.email()) scalar->set_scalar(ir::EMAIL);
    if (r.uuid()) scalar->set_scalar(ir::UUID);
    if (r.has_gte()) c->set_minimum(r.gte());
    if (r.has_gt()) {
      c->set_minimum(r.gt());
      c->set_exclusive_minimum(true);
    }
    if (r.has_lte()) c->set_maximum(r.lte());
    if (r.has_lt()) {
      c->set_maximum(r.lt());
      c->set_exclusive_maximum(true);
    }
    if (c->ByteSizeLong() == 0) scalar->clear_constraints();
    if (t->has_array()) {
      if (r.has_min_items()) t->mutable_constraints()->set_min_length(r.min_items());
      if (r.has_max_items()) t->mutable_constraints()->set_max_length(r.max_items());
    }
  }

  // Follows "shelf.name" through the request message.
  const pb::FieldDescriptor* FieldPath(const pb::Descriptor* m, const std::string& path) {
    const pb::FieldDescriptor* f = nullptr;
    size_t start = 0;
    while (m != nullptr) {
      size_t dot = path.find('.', start);
      f = m->FindFieldByName(path.substr(start, dot - start));
      if (f == nullptr || dot == std::string::npos) return f;
      m = f->message_type();
      start = dot + 1;
    }
    return nullptr;
  }

  bool Binding(const pb::MethodDescriptor* method, const google::api::HttpRule& rule, int index,
               std::string* error) {
    std::string verb, path;
    switch (rule.pattern_case()) {
      case google::api::HttpRule::kGet:
        verb = "GET";
        path = rule.get();
        break;
      case google::api::HttpRule::kPut:
        verb = "PUT";
        path = rule.put();
        break;
      case google::api::HttpRule::kPost:
        verb = "POST";
        path = rule.post();
        break;
      case google::api::HttpRule::kDelete:
        verb = "DELETE";
        path = rule.delete_();
        break;
      case google::api::HttpRule::kPatch:
        verb = "PATCH";
        path = rule.patch();
        break;
      case google::api::HttpRule::kCustom:
        verb = rule.custom().kind();
        path = rule.custom().path();
        break;
      default:
        *error = Here(method) + ": google.api.http rule of " + method->name() + " has no pattern";
        return false;
    }
    const pb::Descriptor* request = method->input_type();
    ir::Operation* op = service_->add_operations();
    op->set_id(index == 0 ? method->name() : method->name() + "_" + std::to_string(index));
    op->set_method(verb);
    op->set_path(path);
    op->set_rpc_request(request->full_name());
    op->set_rpc_response(method->output_type()->full_name());
    op->set_handler(method->name());
    op->mutable_source()->set_file(file_->name());
    op->mutable_source()->set_line(Line(method));
    std::set<std::string> bound;
    // Path variables: {field.path} or {field.path=pattern}.
    for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
      size_t close = path.find('}', open);
      if (close == std::string::npos) {
        *error = Here(method) + ": unterminated variable in path template " + path;
        return false;
      }
      std::string var = path.substr(open + 1, close - open - 1);
      std::string field_path = var.substr(0, var.find('='));
      const pb::FieldDescriptor* f = FieldPath(request, field_path);
      if (f == nullptr || f->is_repeated() || f->message_type() != nullptr) {
        *error = Here(method) + ": path variable '" + field_path + "' is not a scalar field of " +
                 request->full_name();
        return false;
      }
      ir::Parameter* p = op->add_parameters();
      p->set_name(field_path);
      p->set_wire_name(field_path);
      p->set_location(ir::Parameter::PATH);
      p->set_required(true);
      p->set_field_path(field_path);
      *p->mutable_type() = ScalarType(f);
      bound.insert(field_path);
    }
    const std::string& body = rule.body();
    if (body == "*") {
      ir::Body* b = op->mutable_body();
      b->add_media_types(ir::Body::JSON);
      b->set_required(true);
      b->set_name("body");
      b->set_field_path("*");
      b->mutable_type()->set_model(Model(request));
    } else {
      if (!body.empty()) {
        const pb::FieldDescriptor* f = request->FindFieldByName(body);
        if (f == nullptr) {
          *error = Here(method) + ": body field '" + body + "' is not in " + request->full_name();
          return false;
        }
        ir::Body* b = op->mutable_body();
        b->add_media_types(ir::Body::JSON);
        b->set_required(true);
        b->set_name(body);
        b->set_field_path(body);
        *b->mutable_type() = FieldType(f);
        bound.insert(body);
      }
      // Every other scalar (or repeated scalar) field is a query parameter.
      for (int i = 0; i < request->field_count(); ++i) {
        const pb::FieldDescriptor* f = request->field(i);
        if (bound.count(f->name()) || f->is_map() ||
            (f->message_type() != nullptr && MessageType(f->message_type()).has_model())) {
          continue;
        }
        ir::Parameter* p = op->add_parameters();
        p->set_name(f->name());
        p->set_wire_name(f->json_name());
        p->set_location(ir::Parameter::QUERY);
        p->set_field_path(f->name());
        *p->mutable_type() = FieldType(f);
        const databridge::FieldRules& rules = f->options().GetExtension(databridge::rules);
        p->set_required(rules.required());
        Constrain(rules, p->mutable_type());
      }
    }
    ir::Response* r = op->add_responses();
    r->set_status(200);
    r->set_description("OK");
    const pb::Descriptor* response = method->output_type();
    if (!rule.response_body().empty()) {
      const pb::FieldDescriptor* f = response->FindFieldByName(rule.response_body());
      if (f == nullptr) {
        *error = Here(method) + ": response_body field '" + rule.response_body() + "' is not in " +
                 response->full_name();
        return false;
      }
      r->set_field_path(rule.response_body());
      *r->mutable_type() = FieldType(f);
    } else if (response->full_name() != "google.protobuf.Empty") {
      r->mutable_type()->set_model(Model(response));
    }
    return true;
  }

  bool Method(const pb::MethodDescriptor* method, std::string* error) {
    if (!method->options().HasExtension(google::api::http)) return true;  // gRPC only
    if (method->client_streaming()) {
      // One HTTP request body is one message; a stream of them has no binding here (it
      // would otherwise reach the handler as a single message and fail at run time).
      *error = Here(method) + ": google.api.http rule on client-streaming method " +
               method->name() + ": only unary and server-streaming methods can be bound to HTTP";
      return false;
    }
    const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
    if (!Binding(method, rule, 0, error)) return false;
    for (int i = 0; i < rule.additional_bindings_size(); ++i) {
      if (!Binding(method, rule.additional_bindings(i), i + 1, error)) return false;
    }
    return true;
  }

  std::string Here(const pb::MethodDescriptor* method) {
    pb::SourceLocation loc;
    if (method->GetSourceLocation(&loc)) return Where(file_, loc);
    return file_->name() + ":0";
  }

  const pb::FileDescriptor* file_;
  ir::Service* service_;
  std::map<std::string, ir::Model> models_;  // by name: deterministic output order
  std::set<std::string> pending_;
};

}  // namespace

bool LowerToIr(const google::protobuf::FileDescriptor* file, ir::Service* service,
               std::string* error) {
  return Lowering(file, service).Run(error);
}

}  // namespace databridge::codegen
