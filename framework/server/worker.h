// Worker: one I/O thread's share of the server: its reactor, its SO_REUSEPORT listener and
// its connections. Parsing, routing and validation happen here without the GIL; requests
// that need a handler come out of Poll as Calls and go back in through Complete.
//
//   std::vector<Call> calls;
//   worker.Poll(&calls);                    // no GIL: I/O, parse, route, validate
//   for (Call& c : calls) ...               // the binding layer runs handlers (GIL)
//   worker.Complete(c.connection, c.sequence, response);
//   worker.Flush();                         // no GIL: write everything answered
// fd() is the reactor's epoll fd: readable whenever Poll has work, so an asyncio loop can
// watch it with add_reader (docs/ARCHITECTURE.md, "Threading"). RequestShutdown and Post are
// thread-safe; everything else runs on the owning thread.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_WORKER_H_
#define DATABRIDGE_FRAMEWORK_SERVER_WORKER_H_

#include <atomic>
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "framework/loop/mailbox.h"
#include "framework/loop/reactor.h"
#include "framework/net/tls.h"
#include "framework/server/connection.h"
#include "framework/server/endpoint.h"
#include "framework/server/file_answer.h"
#include "framework/server/route_set.h"

namespace databridge::server {

class Worker : public ConnectionOwner {
 public:
  // `routes` and `tls` (null: cleartext) must outlive the worker. Owns listen_fd.
  Worker(const RouteSet& routes, int listen_fd, const net::TlsContext* tls);
  ~Worker() override;

  absl::Status Init();
  int fd() const { return reactor_.fd(); }

  void Poll(std::vector<Call>* calls);
  void Complete(uint64_t connection, uint64_t sequence, const http::Response& response);
  // A streaming response (Response::streaming) continues: see Session::SendBody (-1: the
  // client is gone, stop producing) and AbortBody. Flush afterwards, as after Complete.
  int64_t SendBody(uint64_t connection, uint64_t sequence, absl::string_view data, bool end);
  void AbortBody(uint64_t connection, uint64_t sequence);

  // Backpressure for a streaming body without polling: its producer waits until the client
  // has taken enough. Returns the bytes still held if that is at most `below` already (or
  // -1: nobody reads them); otherwise kWatching, and once it is so (or the client is gone)
  // a later Poll hands out {connection, sequence, held, cookie} through TakeWritable.
  // Every watch is handed out in the end: when the worker finishes, no connection is left.
  static constexpr int64_t kWatching = INT64_MAX;
  struct Writable {
    uint64_t connection;
    uint64_t sequence;
    int64_t held;
    void* cookie;  // the caller's, given to WatchBody
  };
  int64_t WatchBody(uint64_t connection, uint64_t sequence, int64_t below, void* cookie);
  void TakeWritable(std::vector<Writable>* out);
  void Flush();

  // Thread-safe: stop accepting, finish what is in flight (up to the grace period), close.
  void RequestShutdown();
  // Thread-safe: runs `fn` on the owning thread, within its next Poll (in post order).
  // How other threads hand this loop work, e.g. the gRPC shard serving the same loop.
  void Post(std::function<void()> fn) { mailbox_.Post(std::move(fn)); }
  // Thread-safe: makes the next Poll come, for a guest whose own queue has work.
  void Wake() { mailbox_.Wake(); }
  // Whether answers may be compressed here (RouteSet::gzip): worth releasing the GIL for.
  bool compresses() const { return routes_.gzip() != nullptr; }
  // True once shutdown has finished: no listener, no connections.
  bool finished() const { return finished_; }

  // ConnectionOwner
  void Dispatch(Connection* connection, uint64_t sequence, http::Request request) override;
  // A multipart/form-data body for a route that reads a form is parsed as it arrives, its
  // files spooled to disk past 1 MiB (MultipartBody), so an upload costs flat memory.
  std::shared_ptr<http::BodySink> OpenBody(const http::Request& head) override;

 private:
  // 307 to the path's variant with or without a trailing slash when a route has it, else
  // 404 (RouteSet::redirect_slashes).
  http::Response SlashRedirectOrNotFound(const http::Request& request, bool secure) const;
  // Hands a request no route serves to the app's unrouted endpoint (RouteSet::unrouted).
  void Unrouted(Connection* connection, uint64_t sequence, http::Request request, int status,
                std::string allow);
  // Routes, binds and validates: the response when it is known now, else nullopt (a call
  // was queued, or handed to the unrouted endpoint).
  std::optional<http::Response> Route(Connection* connection, uint64_t sequence,
                                      http::Request& request);  // may move it into a call
  // To the connection, with the CORS headers its request's Origin calls for (RouteSet::cors).
  void Respond(Connection* connection, uint64_t sequence, const http::Response& response);
  // A new call for the invoker, in this Poll's batch or the next one; the caller fills it.
  Call& NewCall();
  void Accept();
  void PauseAccepting(int error);
  void ResumeAccepting(int64_t now_ms);
  void BeginShutdown();
  void Sweep();
  void Touch(Connection* c);
  void UpdateInterest(Connection* c);
  int64_t BodyHeld(uint64_t connection, uint64_t sequence);
  // Moves the watches whose bodies drained (or whose clients left) to writable_.
  bool CheckWatches();

  const RouteSet& routes_;
  int listen_fd_;
  const net::TlsContext* tls_;
  loop::Reactor reactor_;
  loop::Mailbox mailbox_;
  absl::flat_hash_map<uint64_t, std::unique_ptr<Connection>> connections_;
  absl::flat_hash_map<uint64_t, uint32_t> interest_;  // registered epoll mask per connection
  absl::flat_hash_set<uint64_t> dirty_;               // connections to flush, each once per Flush
  std::vector<Call>* calls_ = nullptr;                // Poll's output while it runs
  std::vector<Call> deferred_;                        // dispatched outside Poll
  struct Watch {
    uint64_t connection;
    uint64_t sequence;
    int64_t below;
    void* cookie;
  };
  std::vector<Watch> watches_;
  // With CORS or gzip, or for a GET or HEAD with a Range: what each unanswered request
  // said that its answer depends on, by connection then sequence.
  struct Notes {
    std::string origin;           // empty: none
    bool gzip = false;            // Accept-Encoding has gzip
    std::string range, if_range;  // for a file answer (FileAnswer)
  };
  absl::flat_hash_map<uint64_t, absl::flat_hash_map<uint64_t, Notes>> notes_;
  // Streaming bodies being gzipped (GzipPolicy::Begin), by connection and sequence.
  using GzipStreams =
      absl::flat_hash_map<uint64_t, absl::flat_hash_map<uint64_t, std::unique_ptr<GzipStream>>>;
  GzipStreams gzipping_;
  void EndGzip(GzipStreams::iterator streams, GzipStreams::mapped_type::iterator stream);
  std::vector<Writable> writable_;
  // File answers being sent (FileAnswer's segments), continued from Poll as clients take
  // their bytes.
  struct FileStream {
    uint64_t connection;
    uint64_t sequence;
    std::shared_ptr<OpenFile> file;
    std::deque<FileSegment> body;
  };
  std::vector<FileStream> files_;
  static constexpr int64_t kFileHeldBelow = 128 * 1024;  // read more once at most this held
  // Sends what the client can take now; false once the stream is done (or the client gone).
  bool PumpFile(FileStream& stream);
  // Answers with a FileResponse's file (Response::file_path).
  void RespondFile(Connection* connection, uint64_t sequence, const http::Response& response);
  uint64_t next_id_ = 16;
  bool draining_ = false;
  bool finished_ = false;
  int64_t drain_deadline_ms_ = 0;
  // accept() out of descriptors: the listener is unwatched until accept_resume_ms_.
  bool accept_paused_ = false;
  int64_t accept_resume_ms_ = 0;
  int64_t next_accept_log_ms_ = 0;
  int accept_failures_ = 0;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_WORKER_H_
