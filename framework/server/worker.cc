#include "framework/server/worker.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cstring>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "framework/base/clock.h"
#include "framework/base/error_kind.h"
#include "framework/base/logging.h"
#include "framework/net/socket.h"
#include "framework/server/binder.h"
#include "framework/server/error_response.h"
#include "framework/server/multipart_form.h"
#include "framework/validate/validation_error.h"

namespace databridge::server {
namespace {
constexpr uint64_t kListenerToken = 0;
constexpr uint64_t kMailboxToken = 1;
constexpr int kAcceptBatch = 64;
constexpr int64_t kAcceptRetryMs = 100;          // pause after accept() runs out of fds
constexpr int64_t kAcceptLogIntervalMs = 10000;  // at most one such log line per interval

int TickMs(const ServerConfig& c) {
  // A quarter of the shortest timeout, within [10 ms, 250 ms].
  double shortest = std::min({c.request_timeout_s, c.keepalive_timeout_s, c.graceful_timeout_s});
  int ms = static_cast<int>(shortest * 1000 / 4);
  return std::max(10, std::min(250, ms));
}
// What a handler that takes the whole request learns of its connection: the client's
// address and whether it is TLS.
void AddPeer(const Connection& connection, Peer* peer) {
  std::tie(peer->host, peer->port) = net::AddressParts(connection.peer());
  peer->secure = connection.secure();
}
}  // namespace

Worker::Worker(const RouteSet& routes, int listen_fd, const net::TlsContext* tls)
    : routes_(routes), listen_fd_(listen_fd), tls_(tls) {}

Worker::~Worker() {
  connections_.clear();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

absl::Status Worker::Init() {
  if (auto s = reactor_.Init(TickMs(routes_.config())); !s.ok()) return s;
  if (auto s = mailbox_.Init(); !s.ok()) return s;
  if (auto s = reactor_.Add(mailbox_.fd(), EPOLLIN, kMailboxToken); !s.ok()) return s;
  return reactor_.Add(listen_fd_, EPOLLIN, kListenerToken);
}

void Worker::RequestShutdown() {
  mailbox_.Post([this] { BeginShutdown(); });
}

void Worker::Poll(std::vector<Call>* calls) {
  calls_ = calls;
  if (!deferred_.empty()) {
    for (Call& c : deferred_) calls->push_back(std::move(c));
    deferred_.clear();
  }
  reactor_.Poll(0, [this](uint64_t token, uint32_t events) {
    if (token == kListenerToken) {
      Accept();
      return;
    }
    if (token == kMailboxToken) {
      mailbox_.Drain();
      return;
    }
    if (token == loop::Reactor::kTickToken) {
      Sweep();
      return;
    }
    auto it = connections_.find(token);
    if (it == connections_.end()) return;
    Connection* c = it->second.get();
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) c->OnReadable();
    if ((events & EPOLLOUT) && !c->closed()) c->OnWritable();
    Touch(c);
  });
  CheckWatches();
  for (size_t i = 0; i < files_.size();) {
    if (PumpFile(files_[i])) {
      ++i;
    } else {
      files_[i] = std::move(files_.back());
      files_.pop_back();
    }
  }
  calls_ = nullptr;
}

int64_t Worker::BodyHeld(uint64_t connection, uint64_t sequence) {
  auto it = connections_.find(connection);
  if (it == connections_.end() || it->second->closed()) return -1;
  return it->second->SendBody(sequence, "", false);
}

int64_t Worker::WatchBody(uint64_t connection, uint64_t sequence, int64_t below, void* cookie) {
  int64_t held = BodyHeld(connection, sequence);
  if (held <= below) return held;
  watches_.push_back({connection, sequence, below, cookie});
  return kWatching;
}

bool Worker::CheckWatches() {
  bool found = false;
  for (size_t i = 0; i < watches_.size();) {
    const Watch& w = watches_[i];
    int64_t held = BodyHeld(w.connection, w.sequence);
    if (held > w.below) {
      ++i;
      continue;
    }
    writable_.push_back({w.connection, w.sequence, held, w.cookie});
    watches_[i] = watches_.back();
    watches_.pop_back();
    found = true;
  }
  return found;
}

void Worker::TakeWritable(std::vector<Writable>* out) {
  for (Writable& w : writable_) out->push_back(w);
  writable_.clear();
}

void Worker::Accept() {
  for (int i = 0; i < kAcceptBatch && listen_fd_ >= 0; ++i) {
    int error = 0;
    sockaddr_storage peer{};
    int fd = net::AcceptConnection(listen_fd_, &error, &peer);
    if (fd < 0) {
      if (error != 0) PauseAccepting(error);
      return;
    }
    uint64_t id = next_id_++;
    auto conn = std::make_unique<Connection>(id, fd, routes_.config(), this, tls_);
    conn->set_peer(peer);
    if (!reactor_.Add(fd, EPOLLIN | EPOLLRDHUP, id).ok()) continue;  // conn closes fd
    interest_[id] = EPOLLIN | EPOLLRDHUP;
    connections_.emplace(id, std::move(conn));
  }
}

void Worker::PauseAccepting(int error) {
  // Out of descriptors (or kernel memory): the listener stays readable, so retrying at
  // once would spin. Stop watching it for a while, as nginx does, and say so once per
  // interval; connections closing meanwhile free descriptors for the retry.
  const int64_t now = MonotonicMs();
  if (accept_paused_) return;
  accept_paused_ = true;
  accept_resume_ms_ = now + kAcceptRetryMs;
  reactor_.Modify(listen_fd_, 0, kListenerToken).IgnoreError();
  ++accept_failures_;
  if (now >= next_accept_log_ms_) {
    DB_LOG(kError) << "accept() failed: " << std::strerror(error) << " (" << accept_failures_
                   << " time(s) since the last report); not accepting for " << kAcceptRetryMs
                   << " ms, with " << connections_.size() << " connection(s) open";
    accept_failures_ = 0;
    next_accept_log_ms_ = now + kAcceptLogIntervalMs;
  }
}

void Worker::ResumeAccepting(int64_t now_ms) {
  if (!accept_paused_ || now_ms < accept_resume_ms_ || listen_fd_ < 0) return;
  accept_paused_ = false;
  reactor_.Modify(listen_fd_, EPOLLIN, kListenerToken).IgnoreError();
}

void Worker::Unrouted(Connection* connection, uint64_t sequence, http::Request request, int status,
                      std::string allow) {
  const Endpoint& ep = *routes_.unrouted();
  Call& call = NewCall();
  call.connection = connection->id();
  call.sequence = sequence;
  call.endpoint = &ep;
  call.unrouted_status = status;
  call.allow = std::move(allow);
  AddPeer(*connection, &call.peer);
  call.request = std::make_shared<const http::Request>(std::move(request));
}

http::Response Worker::SlashRedirectOrNotFound(const http::Request& request, bool secure) const {
  const std::string& path = request.path;
  if (path.empty() || path == "/") return ErrorResponse(404, "Not Found");
  std::string other = path.back() == '/' ? path.substr(0, path.size() - 1) : path + "/";
  const router::RouteMatch::Result found = routes_.table().Match(request.method, other).result;
  if (found != router::RouteMatch::Result::kFound &&
      found != router::RouteMatch::Result::kMethodNotAllowed) {
    return ErrorResponse(404, "Not Found");
  }
  // As Starlette: an absolute URL on the request's own scheme and Host (a relative one when
  // it sent none).
  absl::string_view host = request.headers.Get("host");
  std::string location =
      host.empty() ? other : absl::StrCat(secure ? "https://" : "http://", host, other);
  if (!request.query.empty()) absl::StrAppend(&location, "?", request.query);
  http::Response r;
  r.status = 307;
  r.headers.Add("location", location);
  return r;
}

void Worker::Dispatch(Connection* connection, uint64_t sequence, http::Request request) {
  dirty_.insert(connection->id());
  if (const HostRules* rules = routes_.host_rules(); rules != nullptr) {
    if (std::optional<http::Response> refused = rules->Check(request, connection->secure())) {
      connection->Respond(sequence, *refused);
      return;
    }
  }
  const CorsPolicy* cors = routes_.cors();
  if (cors != nullptr && cors->IsPreflight(request)) {  // before routing, as the middleware
    connection->Respond(sequence, cors->Preflight(request));
    return;
  }
  absl::string_view range = request.headers.Get("range");
  if (!range.empty() && request.method != "GET" && request.method != "HEAD") range = "";
  if (cors != nullptr || routes_.gzip() != nullptr || !range.empty()) {
    Notes notes{cors != nullptr ? std::string(request.headers.Get("origin")) : std::string(),
                routes_.gzip() != nullptr && GzipPolicy::Accepts(request), std::string(range),
                range.empty() ? std::string() : std::string(request.headers.Get("if-range"))};
    if (!notes.origin.empty() || notes.gzip || !notes.range.empty()) {
      notes_[connection->id()][sequence] = std::move(notes);
    }
  }
  std::optional<http::Response> now = Route(connection, sequence, request);
  if (now) Respond(connection, sequence, *now);  // else a call: answered by Complete
}

std::shared_ptr<http::BodySink> Worker::OpenBody(const http::Request& head) {
  absl::string_view content_type = head.headers.Get("content-type");
  if (!IsMultipartMediaType(content_type)) return nullptr;
  router::RouteMatch m = routes_.table().Match(head.method, head.path);
  if (m.result != router::RouteMatch::Result::kFound) return nullptr;
  for (const ParamSpec& p : routes_.endpoint(m.endpoint).params) {
    if (p.source == ParamSource::kBody && (p.accepts_form || p.form_or_empty)) {
      return std::make_shared<MultipartBody>(content_type);
    }
  }
  return nullptr;
}

std::optional<http::Response> Worker::Route(Connection* connection, uint64_t sequence,
                                            http::Request& request) {
  router::RouteMatch m = routes_.table().Match(request.method, request.path);
  switch (m.result) {
    case router::RouteMatch::Result::kNotFound: {
      http::Response r = routes_.redirect_slashes()
                             ? SlashRedirectOrNotFound(request, connection->secure())
                             : ErrorResponse(404, "Not Found");
      if (r.status == 404 && routes_.unrouted() != nullptr) {
        Unrouted(connection, sequence, std::move(request), 404, "");
        return std::nullopt;
      }
      return r;
    }
    case router::RouteMatch::Result::kBadPath:
      return ErrorResponse(400, "Malformed percent-encoding");
    case router::RouteMatch::Result::kMethodNotAllowed: {
      if (routes_.unrouted() != nullptr) {
        Unrouted(connection, sequence, std::move(request), 405, m.allow);
        return std::nullopt;
      }
      http::Response r = ErrorResponse(405, "Method Not Allowed");
      r.headers.Add("allow", m.allow);
      return r;
    }
    case router::RouteMatch::Result::kFound:
      break;
  }
  const Endpoint& ep = routes_.endpoint(m.endpoint);
  BindResult bound = Bind(ep, request, m.params);
  if (!bound.status.ok()) {
    return ErrorResponse(HttpStatusFor(KindOf(bound.status)), bound.status.message());
  }
  const bool to_handler =
      !bound.errors.empty() && ((ep.errors_to_handler && ep.wants_request) || ep.python_checks);
  if (!bound.errors.empty() && !to_handler) {
    return ValidationErrorResponse(bound.errors);
  }
  Call& call = NewCall();  // built in place: a Call is large, and this runs per request
  call.connection = connection->id();
  call.sequence = sequence;
  call.endpoint = &ep;
  call.args = std::move(bound.args);
  if (to_handler) {
    call.validation_errors = validate::ErrorsJson(bound.errors);
    call.failed = std::move(bound.failed);
  }
  if (ep.wants_request) {
    call.path_params = std::move(m.params);
    AddPeer(*connection, &call.peer);
    call.request = std::make_shared<const http::Request>(std::move(request));
  }
  return std::nullopt;
}

Call& Worker::NewCall() {
  if (calls_ != nullptr) return calls_->emplace_back();
  // Parsed outside Poll (a paused pipeline resumed from Complete): hand it to the next
  // Poll, and make the reactor fd readable so that Poll comes.
  mailbox_.Wake();
  return deferred_.emplace_back();
}

void Worker::Complete(uint64_t connection, uint64_t sequence, const http::Response& response) {
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;  // the client left; nothing to answer
  if (!response.file_path.empty()) {
    RespondFile(it->second.get(), sequence, response);
  } else {
    Respond(it->second.get(), sequence, response);
  }
  dirty_.insert(connection);
}

void Worker::RespondFile(Connection* connection, uint64_t sequence,
                         const http::Response& response) {
  absl::string_view range, if_range;
  if (auto it = notes_.find(connection->id()); it != notes_.end()) {
    if (auto n = it->second.find(sequence); n != it->second.end()) {
      range = n->second.range;
      if_range = n->second.if_range;
    }
  }
  absl::StatusOr<FileAnswer> answer = OpenFileAnswer(response, range, if_range);
  if (!answer.ok()) {
    DB_LOG(kError) << answer.status().message();
    Respond(connection, sequence, ErrorResponse(500, "Internal Server Error"));
    return;
  }
  Respond(connection, sequence, answer->head);  // takes the notes
  if (answer->file == nullptr || !answer->head.streaming) return;
  FileStream stream{connection->id(), sequence, std::move(answer->file), std::move(answer->body)};
  if (PumpFile(stream)) files_.push_back(std::move(stream));
}

bool Worker::PumpFile(FileStream& stream) {
  constexpr int64_t kPiece = 64 * 1024;
  int64_t held = BodyHeld(stream.connection, stream.sequence);
  std::string piece;
  while (held >= 0 && held <= kFileHeldBelow) {
    if (stream.body.empty()) return false;
    FileSegment& s = stream.body.front();
    if (!s.text.empty()) {
      piece = std::move(s.text);
      s.text.clear();
    } else {
      piece.resize(static_cast<size_t>(std::min(kPiece, s.length)));
      ssize_t n = ::pread(stream.file->fd(), piece.data(), piece.size(), s.offset);
      if (n <= 0) {  // the file shrank or failed under us: the body cannot be completed
        AbortBody(stream.connection, stream.sequence);
        return false;
      }
      piece.resize(static_cast<size_t>(n));
      s.offset += n;
      s.length -= n;
    }
    if (s.text.empty() && s.length == 0) stream.body.pop_front();
    held = SendBody(stream.connection, stream.sequence, piece, stream.body.empty());
  }
  return held >= 0 && !stream.body.empty();
}

void Worker::Respond(Connection* connection, uint64_t sequence, const http::Response& response) {
  const CorsPolicy* cors = routes_.cors();
  const GzipPolicy* gzip = routes_.gzip();
  Notes notes;
  if (auto it = notes_.empty() ? notes_.end() : notes_.find(connection->id()); it != notes_.end()) {
    if (auto n = it->second.find(sequence); n != it->second.end()) {
      notes = std::move(n->second);
      it->second.erase(n);
      if (it->second.empty()) notes_.erase(it);
    }
  }
  if (cors == nullptr && gzip == nullptr) {
    connection->Respond(sequence, response);
    return;
  }
  http::Response decorated = response;
  if (gzip != nullptr && decorated.streaming) {  // inside CORS, as added last
    if (std::unique_ptr<GzipStream> stream = gzip->Begin(notes.gzip, &decorated)) {
      gzipping_[connection->id()][sequence] = std::move(stream);
      decorated.length = -1;  // compressed: no longer the length given
    }
  } else if (gzip != nullptr) {
    gzip->Apply(notes.gzip, &decorated);
  }
  if (cors != nullptr) cors->Decorate(notes.origin, &decorated);
  connection->Respond(sequence, decorated);
}

int64_t Worker::SendBody(uint64_t connection, uint64_t sequence, absl::string_view data, bool end) {
  auto it = connections_.find(connection);
  if (it == connections_.end()) return -1;
  dirty_.insert(connection);
  if (auto streams = gzipping_.find(connection); streams != gzipping_.end()) {
    if (auto s = streams->second.find(sequence); s != streams->second.end()) {
      std::string compressed;
      const bool ok = s->second->Write(data, end, &compressed);
      if (end || !ok) EndGzip(streams, s);
      if (!ok) {  // zlib failed: the body cannot go on
        it->second->AbortBody(sequence);
        return -1;
      }
      return it->second->SendBody(sequence, compressed, end);
    }
  }
  return it->second->SendBody(sequence, data, end);
}

void Worker::EndGzip(GzipStreams::iterator streams, GzipStreams::mapped_type::iterator stream) {
  streams->second.erase(stream);
  if (streams->second.empty()) gzipping_.erase(streams);
}

void Worker::AbortBody(uint64_t connection, uint64_t sequence) {
  if (auto streams = gzipping_.find(connection); streams != gzipping_.end()) {
    if (auto s = streams->second.find(sequence); s != streams->second.end()) EndGzip(streams, s);
  }
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  it->second->AbortBody(sequence);
  dirty_.insert(connection);
}

void Worker::Touch(Connection* c) {
  if (c->closed()) {
    reactor_.Remove(c->fd());
    interest_.erase(c->id());
    notes_.erase(c->id());
    gzipping_.erase(c->id());
    connections_.erase(c->id());
    return;
  }
  dirty_.insert(c->id());
}

void Worker::UpdateInterest(Connection* c) {
  uint32_t want = EPOLLRDHUP;
  if (c->WantsRead()) want |= EPOLLIN;
  if (c->WantsWrite()) want |= EPOLLOUT;
  uint32_t& have = interest_[c->id()];
  if (have != want) {
    reactor_.Modify(c->fd(), want, c->id()).IgnoreError();
    have = want;
  }
}

void Worker::Flush() {
  absl::flat_hash_set<uint64_t> ids;
  ids.swap(dirty_);
  for (uint64_t id : ids) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;
    Connection* c = it->second.get();
    c->Flush();
    if (c->closed()) {
      interest_.erase(id);
      notes_.erase(id);
      gzipping_.erase(id);
      connections_.erase(it);  // fd already closed: epoll dropped it
      continue;
    }
    UpdateInterest(c);
  }
  // Written outside Poll: a watch that drained now is handed out by the next one, and a
  // file answer whose client took enough goes on in it.
  bool wake = !watches_.empty() && CheckWatches();
  for (size_t i = 0; !wake && i < files_.size(); ++i) {
    int64_t held = BodyHeld(files_[i].connection, files_[i].sequence);
    wake = held < 0 || held <= kFileHeldBelow;
  }
  if (wake) mailbox_.Wake();
  if (draining_ && connections_.empty()) finished_ = true;
}

void Worker::BeginShutdown() {
  if (draining_) return;
  draining_ = true;
  drain_deadline_ms_ =
      MonotonicMs() + static_cast<int64_t>(routes_.config().graceful_timeout_s * 1000);
  if (listen_fd_ >= 0) {
    reactor_.Remove(listen_fd_);
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  for (auto& [id, c] : connections_) {
    c->BeginDrain();
    dirty_.insert(id);
  }
  if (connections_.empty()) finished_ = true;
}

void Worker::Sweep() {
  ResumeAccepting(MonotonicMs());
  bool force = draining_ && MonotonicMs() >= drain_deadline_ms_;
  if (force && !connections_.empty()) {
    DB_LOG(kWarning) << "graceful shutdown period over; closing " << connections_.size()
                     << " connection(s)";
    connections_.clear();
    interest_.clear();
    gzipping_.clear();
  }
  for (auto& [id, c] : connections_) {
    c->CheckTimeouts();
    dirty_.insert(id);
  }
  if (draining_ && connections_.empty()) finished_ = true;
}

}  // namespace databridge::server
