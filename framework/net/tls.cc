#include "framework/net/tls.h"

#include <openssl/err.h>

#include "absl/strings/str_cat.h"

namespace databridge::net {
namespace {

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

}  // namespace

absl::StatusOr<std::shared_ptr<TlsContext>> TlsContext::Create(
    const std::string& cert_file, const std::string& key_file,
    const std::vector<std::string>& alpn_protocols) {
  std::shared_ptr<TlsContext> c(new TlsContext());
  c->ctx_ = SSL_CTX_new(TLS_server_method());
  if (c->ctx_ == nullptr) return absl::InternalError("SSL_CTX_new: " + OpenSslError());
  SSL_CTX_set_min_proto_version(c->ctx_, TLS1_2_VERSION);
  SSL_CTX_set_options(
      c->ctx_, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_mode(c->ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(c->ctx_, cert_file.c_str()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot load certificate ", cert_file, ": ", OpenSslError()));
  }
  if (SSL_CTX_use_PrivateKey_file(c->ctx_, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(c->ctx_) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot load private key ", key_file, ": ", OpenSslError()));
  }
  for (const std::string& p : alpn_protocols) {
    c->alpn_wire_.push_back(static_cast<char>(p.size()));
    c->alpn_wire_.append(p);
  }
  SSL_CTX_set_alpn_select_cb(c->ctx_, &TlsContext::SelectAlpn, c.get());
  return c;
}

TlsContext::~TlsContext() {
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

int TlsContext::SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen,
                           const unsigned char* in, unsigned int inlen, void* arg) {
  auto* self = static_cast<TlsContext*>(arg);
  unsigned char* selected = nullptr;
  // Server preference: the first of ours the client also offers (RFC 7301 section 3.2).
  if (SSL_select_next_proto(&selected, outlen,
                            reinterpret_cast<const unsigned char*>(self->alpn_wire_.data()),
                            static_cast<unsigned int>(self->alpn_wire_.size()), in,
                            inlen) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;  // no overlap: carry on without ALPN (HTTP/1.1)
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

TlsStream::TlsStream(const TlsContext& context, int fd) : ssl_(SSL_new(context.ctx())) {
  SSL_set_fd(ssl_, fd);
  SSL_set_accept_state(ssl_);
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

IoResult TlsStream::Classify(int rc) {
  int err = SSL_get_error(ssl_, rc);
  ERR_clear_error();
  wants_write_ = err == SSL_ERROR_WANT_WRITE;
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return IoResult::kWouldBlock;
  if (err == SSL_ERROR_ZERO_RETURN) return IoResult::kClosed;
  return IoResult::kError;
}

IoResult TlsStream::Handshake() {
  int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    done_ = true;
    wants_write_ = false;
    return IoResult::kOk;
  }
  return Classify(rc);
}

IoResult TlsStream::Read(char* buf, size_t cap, size_t* n) {
  int rc = SSL_read(ssl_, buf, static_cast<int>(cap));
  if (rc > 0) {
    *n = static_cast<size_t>(rc);
    return IoResult::kOk;
  }
  return Classify(rc);
}

IoResult TlsStream::Write(const char* data, size_t len, size_t* n) {
  int rc = SSL_write(ssl_, data, static_cast<int>(len));
  if (rc > 0) {
    *n = static_cast<size_t>(rc);
    wants_write_ = false;
    return IoResult::kOk;
  }
  return Classify(rc);
}

std::string TlsStream::alpn() const {
  const unsigned char* p = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl_, &p, &len);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), len);
}

void TlsStream::Shutdown() {
  if (done_) SSL_shutdown(ssl_);
  ERR_clear_error();
}

}  // namespace databridge::net
