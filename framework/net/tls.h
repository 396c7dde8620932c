// TLS for accepted connections (OpenSSL): a shared server context with certificate, key
// and the ALPN protocols it offers, and a per-connection stream over a non-blocking fd.
//
//   ASSIGN_OR_RETURN(auto ctx, TlsContext::Create("cert.pem", "key.pem", {"h2", "http/1.1"}));
//   TlsStream tls(*ctx, fd);
//   tls.Handshake();            // kOk once done; kWouldBlock: wait for the fd
//   tls.alpn();                 // "h2", "http/1.1" or "" (client offered no ALPN)
// TLS 1.2 and 1.3 only. The context is immutable after Create and shared by all threads;
// a stream belongs to its connection's thread. Knows no HTTP: protocols are opaque strings.
#ifndef DATABRIDGE_FRAMEWORK_NET_TLS_H_
#define DATABRIDGE_FRAMEWORK_NET_TLS_H_

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "framework/net/socket.h"

namespace databridge::net {

class TlsContext {
 public:
  static absl::StatusOr<std::shared_ptr<TlsContext>> Create(
      const std::string& cert_file, const std::string& key_file,
      const std::vector<std::string>& alpn_protocols);
  ~TlsContext();
  SSL_CTX* ctx() const { return ctx_; }

 private:
  TlsContext() = default;
  static int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen,
                        const unsigned char* in, unsigned int inlen, void* arg);
  SSL_CTX* ctx_ = nullptr;
  std::string alpn_wire_;  // length-prefixed protocol list, server preference order
};

class TlsStream {
 public:
  TlsStream(const TlsContext& context, int fd);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  IoResult Handshake();
  bool handshake_done() const { return done_; }
  // Wants the fd writable to make progress (handshake or a write that needs a read).
  bool wants_write() const { return wants_write_; }
  IoResult Read(char* buf, size_t cap, size_t* n);
  IoResult Write(const char* data, size_t len, size_t* n);
  // Bytes decrypted and buffered inside OpenSSL (epoll cannot see them).
  bool pending() const { return SSL_pending(ssl_) > 0; }
  std::string alpn() const;
  // Sends close_notify, best effort.
  void Shutdown();

 private:
  IoResult Classify(int rc);
  SSL* ssl_;
  bool done_ = false;
  bool wants_write_ = false;
};

}  // namespace databridge::net

#endif  // DATABRIDGE_FRAMEWORK_NET_TLS_H_
