#include "http/tls.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <system_error>

namespace stator::http::internal {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

// TLS 1.2 suites: ECDHE key exchange (forward secrecy) with AEAD ciphers only,
// strongest first within each key type. TLS 1.3 suites are configured apart
// (SSL_CTX_set_ciphersuites) and OpenSSL's defaults are all sound.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Takes every error OpenSSL queued on this thread, oldest (the most specific)
// first, e.g. "no start line; PEM lib".
std::string TakeOpenSslErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    std::string text;
    if (reason != nullptr) {
      text = reason;
    } else {
      char buffer[256];
      ERR_error_string_n(code, buffer, sizeof buffer);
      text = buffer;
    }
    if (out.find(text) != std::string::npos) continue;
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

Status LoadError(const std::string& what, const std::string& path, const std::string& reason) {
  return Status::IOError("http: cannot load TLS " + what + " from " + path + ": " + reason);
}

// OpenSSL reports a missing file as a chain of library errors; the system's
// own reason ("No such file or directory") is clearer.
Status CheckReadable(const std::string& what, const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return LoadError(what, path, std::error_code(errno, std::generic_category()).message());
  }
  std::fclose(file);
  return Status::OK();
}

// Without a callback OpenSSL would ask for a key's passphrase on the
// terminal (or read it from stdin), blocking a server started unattended.
// Refusing makes an encrypted key fail to load instead; `asked` (a bool)
// records that a passphrase was wanted, to say so in the error.
int RefusePassphrase(char*, int, int, void* asked) {
  *static_cast<bool*>(asked) = true;
  return 0;
}

Status Configure(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return Status::Internal("http: cannot configure TLS: " + TakeOpenSslErrors());
  }
  // Client-initiated renegotiation costs the server a handshake per request
  // of the client's; nothing here needs it.
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  return Status::OK();
}

Status LoadCertificateAndKey(SSL_CTX* ctx, const std::string& certificate_file,
                             const std::string& private_key_file) {
  STATOR_RETURN_IF_ERROR(CheckReadable("certificate", certificate_file));
  STATOR_RETURN_IF_ERROR(CheckReadable("private key", private_key_file));
  if (SSL_CTX_use_certificate_chain_file(ctx, certificate_file.c_str()) != 1) {
    return LoadError("certificate", certificate_file, TakeOpenSslErrors());
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(private_key_file.c_str(), "r"),
                                                &BIO_free);
  bool asked_passphrase = false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, RefusePassphrase, &asked_passphrase)
          : nullptr,
      &EVP_PKEY_free);
  if (!key && asked_passphrase) {
    ERR_clear_error();
    return LoadError("private key", private_key_file,
                     "it is protected by a passphrase, which is not supported");
  }
  if (!key) {
    return LoadError("private key", private_key_file,
                     "no PEM private key found (" + TakeOpenSslErrors() + ")");
  }
  if (X509_check_private_key(SSL_CTX_get0_certificate(ctx), key.get()) != 1) {
    ERR_clear_error();
    return LoadError("private key", private_key_file,
                     "it does not match the certificate in " + certificate_file);
  }
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
    return LoadError("private key", private_key_file, TakeOpenSslErrors());
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<ssl::context>> MakeServerTlsContext(const std::string& certificate_file,
                                                           const std::string& private_key_file) {
  ERR_clear_error();
  std::unique_ptr<ssl::context> context;
  try {
    context = std::make_unique<ssl::context>(ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("http: cannot create a TLS context: ") + e.what());
  }
  SSL_CTX* ctx = context->native_handle();
  Status status = Configure(ctx);
  if (status.ok()) status = LoadCertificateAndKey(ctx, certificate_file, private_key_file);
  ERR_clear_error();
  if (!status.ok()) return status;
  return context;
}

asio::awaitable<void> SendCloseNotify(TlsStream& stream, std::chrono::milliseconds timeout) {
  SSL* ssl = stream.native_handle();
  // With the peer's close_notify marked as received, SSL_shutdown() sends
  // ours and reports the shutdown complete, so Asio's shutdown ends once it
  // is written instead of reading on.
  SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_RECEIVED_SHUTDOWN);
  boost::beast::get_lowest_layer(stream).expires_after(timeout);
  boost::system::error_code ignored;
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ignored));
}

}  // namespace stator::http::internal
