// Drives a real TLS Server on 127.0.0.1, port 0, with blocking Asio/OpenSSL
// clients. Each test makes its own key and self-signed certificate (for
// 127.0.0.1) in a temporary directory. Nothing sleeps: each test waits on a
// socket read for the event it expects.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "http/server.h"
#include "http/tls.h"
#include "running_server.h"

namespace stator::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using ClientResponse = bhttp::response<bhttp::string_body>;

void EchoHandler(const Request& request, Response& response) {
  response.headers.emplace_back("X-Target", request.target);
  response.body = request.body;
}

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

std::string Post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

// --- Certificates ---------------------------------------------------------

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

Key NewKey() { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(extension, nullptr);
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

// A certificate for localhost and 127.0.0.1, valid for a day, signed by its
// own key: a client that trusts it as a CA accepts the server.
Cert SelfSigned(EVP_PKEY* key) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key);
  AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  X509_sign(cert.get(), key, EVP_sha256());
  return cert;
}

void WritePem(const std::filesystem::path& path, X509* cert, EVP_PKEY* key,
              const char* passphrase = nullptr) {
  BIO* bio = BIO_new_file(path.c_str(), "w");
  ASSERT_NE(bio, nullptr);
  if (cert != nullptr) PEM_write_bio_X509(bio, cert);
  if (key != nullptr && passphrase == nullptr) {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else if (key != nullptr) {
    PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), passphrase,
                                  static_cast<int>(strlen(passphrase)), nullptr, nullptr);
  }
  BIO_free(bio);
}

// A temporary directory with a key and certificate for the server, and a
// second, unrelated pair.
class TlsFiles {
 public:
  TlsFiles() {
    std::string pattern = std::filesystem::temp_directory_path() / "stator-tls-test-XXXXXX";
    EXPECT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    Key key = NewKey();
    Cert cert = SelfSigned(key.get());
    WritePem(cert_file(), cert.get(), nullptr);
    WritePem(key_file(), nullptr, key.get());
    Key other_key = NewKey();
    Cert other_cert = SelfSigned(other_key.get());
    WritePem(other_cert_file(), other_cert.get(), nullptr);
    WritePem(other_key_file(), nullptr, other_key.get());
    WritePem(encrypted_key_file(), nullptr, key.get(), "secret");
  }
  ~TlsFiles() { std::filesystem::remove_all(dir_); }

  std::string cert_file() const { return dir_ / "cert.pem"; }
  std::string key_file() const { return dir_ / "key.pem"; }
  std::string other_cert_file() const { return dir_ / "other-cert.pem"; }
  std::string other_key_file() const { return dir_ / "other-key.pem"; }
  std::string encrypted_key_file() const { return dir_ / "encrypted-key.pem"; }
  std::filesystem::path dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// --- Server and clients ---------------------------------------------------

// A RunningServer that serves HTTPS with `files`.
class RunningTlsServer : public RunningServer {
 public:
  RunningTlsServer(const TlsFiles& files, ServerOptions options = {}, Handler handler = EchoHandler)
      : RunningServer(std::move(handler), WithTls(files, std::move(options))) {}

 private:
  static ServerOptions WithTls(const TlsFiles& files, ServerOptions options) {
    options.tls_certificate_file = files.cert_file();
    options.tls_private_key_file = files.key_file();
    return options;
  }
};

struct ClientOptions {
  int max_version = 0;  // e.g. TLS1_1_VERSION; 0 leaves OpenSSL's default
};

// A blocking HTTPS client over one connection, trusting `ca_file` and
// checking that the certificate names 127.0.0.1.
class TlsClient {
 public:
  TlsClient(uint16_t port, const std::string& ca_file, ClientOptions options = {})
      : context_(ssl::context::tls_client), stream_(ioc_, Configure(ca_file, options)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream_.native_handle()), "127.0.0.1");
    stream_.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  beast::error_code Handshake() {
    beast::error_code ec;
    stream_.handshake(ssl::stream_base::client, ec);
    return ec;
  }

  void Send(std::string_view bytes) {
    asio::write(stream_, asio::buffer(bytes.data(), bytes.size()));
  }

  ClientResponse Read() {
    ClientResponse response;
    beast::error_code ec;
    bhttp::read(stream_, buffer_, response, ec);
    EXPECT_FALSE(ec) << ec.message();
    return response;
  }

  // Blocks until the server closes; asio::error::eof means it sent
  // close_notify first, ssl::error::stream_truncated that it did not.
  beast::error_code ReadUntilClosed() {
    char byte;
    beast::error_code ec;
    while (!ec) stream_.read_some(asio::buffer(&byte, 1), ec);
    return ec;
  }

  SSL* ssl() { return stream_.native_handle(); }

 private:
  ssl::context& Configure(const std::string& ca_file, const ClientOptions& options) {
    context_.load_verify_file(ca_file);
    context_.set_verify_mode(ssl::verify_peer);
    if (options.max_version != 0) {
      SSL_CTX_set_min_proto_version(context_.native_handle(), options.max_version);
      SSL_CTX_set_max_proto_version(context_.native_handle(), options.max_version);
      // OpenSSL refuses old protocol versions at its default security level.
      SSL_CTX_set_cipher_list(context_.native_handle(), "ALL:@SECLEVEL=0");
    }
    return context_;
  }

  asio::io_context ioc_;
  ssl::context context_;
  ssl::stream<tcp::socket> stream_;
  beast::flat_buffer buffer_;
};

// Sends `bytes` over plain TCP and returns everything the server sends back
// before it closes the connection.
std::string PlainExchange(uint16_t port, std::string_view bytes) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  if (!bytes.empty()) asio::write(socket, asio::buffer(bytes.data(), bytes.size()));
  std::string received;
  char chunk[1024];
  beast::error_code ec;
  while (!ec) {
    size_t n = socket.read_some(asio::buffer(chunk), ec);
    received.append(chunk, n);
  }
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
  return received;
}

// --- Serving --------------------------------------------------------------

TEST(TlsServerTest, AnswersRequestOverTls) {
  TlsFiles files;
  Request seen;
  RunningTlsServer running(files, {}, [&](const Request& request, Response& response) {
    seen = request;
    response.status = 201;
    response.body = "hello";
  });
  EXPECT_TRUE(running.server().tls());
  TlsClient client(running.port(), files.cert_file());
  ASSERT_FALSE(client.Handshake());
  EXPECT_GE(SSL_version(client.ssl()), TLS1_2_VERSION);
  client.Send(Post("/path?q=1", "payload"));
  ClientResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 201);
  EXPECT_EQ(response.body(), "hello");
  EXPECT_EQ(seen.target, "/path?q=1");
  EXPECT_EQ(seen.body, "payload");
  EXPECT_EQ(seen.remote_address, "127.0.0.1");
}

TEST(TlsServerTest, KeepAliveAndPipeliningWorkInsideTls) {
  TlsFiles files;
  RunningTlsServer running(files);
  TlsClient client(running.port(), files.cert_file());
  ASSERT_FALSE(client.Handshake());
  client.Send(Post("/1", "first"));
  ClientResponse first = client.Read();
  EXPECT_EQ(first.body(), "first");
  EXPECT_TRUE(first.keep_alive());
  client.Send(Post("/2", "second"));
  EXPECT_EQ(client.Read().body(), "second");
  client.Send(Get("/3") + Get("/4"));
  EXPECT_EQ(client.Read()["X-Target"], "/3");
  EXPECT_EQ(client.Read()["X-Target"], "/4");
}

TEST(TlsServerTest, ExpectContinueWorksInsideTls) {
  TlsFiles files;
  RunningTlsServer running(files);
  TlsClient client(running.port(), files.cert_file());
  ASSERT_FALSE(client.Handshake());
  client.Send("PUT /up HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 100);
  client.Send("data");
  EXPECT_EQ(client.Read().body(), "data");
}

TEST(TlsServerTest, BodyOverLimitGets413ThenCloseNotify) {
  TlsFiles files;
  ServerOptions options;
  options.body_limit = 10;
  RunningTlsServer running(files, options);
  TlsClient client(running.port(), files.cert_file());
  ASSERT_FALSE(client.Handshake());
  client.Send(Post("/big", std::string(20, 'x')));
  EXPECT_EQ(client.Read().result_int(), 413);
  EXPECT_EQ(client.ReadUntilClosed(), asio::error::eof);
}

TEST(TlsServerTest, MalformedHttpInsideTlsGets400) {
  TlsFiles files;
  RunningTlsServer running(files);
  TlsClient client(running.port(), files.cert_file());
  ASSERT_FALSE(client.Handshake());
  client.Send("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 400);
  EXPECT_EQ(client.ReadUntilClosed(), asio::error::eof);
}

TEST(TlsServerTest, ConnectionCloseEndsWithCloseNotify) {
  TlsFiles files;
  RunningTlsServer running(files);
  TlsClient client(running.port(), files.cert_file());
  ASSERT_FALSE(client.Handshake());
  client.Send(Get("/", "Connection: close\r\n"));
  EXPECT_FALSE(client.Read().keep_alive());
  EXPECT_EQ(client.ReadUntilClosed(), asio::error::eof);
}

// --- Clients that do not get in -------------------------------------------

TEST(TlsServerTest, PlainHttpIsDroppedAndServerKeepsServing) {
  TlsFiles files;
  RunningTlsServer running(files);
  std::string answer = PlainExchange(running.port(), Get("/"));
  EXPECT_EQ(answer.find("HTTP/1."), std::string::npos) << answer;
  TlsClient client(running.port(), files.cert_file());
  ASSERT_FALSE(client.Handshake());
  client.Send(Get("/after"));
  EXPECT_EQ(client.Read().result_int(), 200);
}

TEST(TlsServerTest, SilentClientIsClosedAfterIdleTimeout) {
  TlsFiles files;
  ServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(50);
  RunningTlsServer running(files, options);
  EXPECT_EQ(PlainExchange(running.port(), ""), "");  // would block without the timeout
}

TEST(TlsServerTest, StopDoesNotWaitForClientStuckBeforeHandshake) {
  TlsFiles files;
  ServerOptions options;
  options.shutdown_timeout = std::chrono::seconds(20);
  RunningTlsServer running(files, options);
  asio::io_context ioc;
  tcp::socket silent(ioc);
  silent.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), running.port()));
  // A request on another connection proves the silent one was accepted.
  TlsClient client(running.port(), files.cert_file());
  ASSERT_FALSE(client.Handshake());
  client.Send(Get("/"));
  EXPECT_EQ(client.Read().result_int(), 200);
  auto start = std::chrono::steady_clock::now();
  running.StopAndJoin();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(TlsServerTest, ClientNotTrustingTheCertificateFailsAndServerKeepsServing) {
  TlsFiles files;
  RunningTlsServer running(files);
  TlsClient stranger(running.port(), files.other_cert_file());
  beast::error_code ec = stranger.Handshake();
  ASSERT_TRUE(ec);
  EXPECT_NE(ec.message().find("certificate verify failed"), std::string::npos) << ec.message();
  TlsClient client(running.port(), files.cert_file());
  ASSERT_FALSE(client.Handshake());
  client.Send(Get("/"));
  EXPECT_EQ(client.Read().result_int(), 200);
}

TEST(TlsServerTest, Tls11ClientIsRefusedAndTls12ClientServed) {
  TlsFiles files;
  RunningTlsServer running(files);
  TlsClient old_client(running.port(), files.cert_file(), {.max_version = TLS1_1_VERSION});
  EXPECT_TRUE(old_client.Handshake());
  TlsClient client(running.port(), files.cert_file(), {.max_version = TLS1_2_VERSION});
  ASSERT_FALSE(client.Handshake());
  EXPECT_EQ(SSL_version(client.ssl()), TLS1_2_VERSION);
  client.Send(Get("/"));
  EXPECT_EQ(client.Read().result_int(), 200);
}

// The handshake test above cannot prove the floor on its own: OpenSSL's
// security level already refuses TLS 1.1 today. The context must too.
TEST(TlsServerTest, ContextAllowsOnlyTls12AndNewerWithoutCompressionOrRenegotiation) {
  TlsFiles files;
  auto context = internal::MakeServerTlsContext(files.cert_file(), files.key_file());
  ASSERT_TRUE(context.ok()) << context.status().message();
  SSL_CTX* ctx = (*context)->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
  EXPECT_TRUE(SSL_CTX_get_options(ctx) & SSL_OP_NO_COMPRESSION);
  EXPECT_TRUE(SSL_CTX_get_options(ctx) & SSL_OP_NO_RENEGOTIATION);
}

// --- Stopping -------------------------------------------------------------

TEST(TlsServerTest, StopSendsCloseNotifyToIdleClient) {
  TlsFiles files;
  RunningTlsServer running(files);
  TlsClient client(running.port(), files.cert_file());
  ASSERT_FALSE(client.Handshake());
  client.Send(Get("/"));
  EXPECT_EQ(client.Read().result_int(), 200);
  auto start = std::chrono::steady_clock::now();
  // Would hang if the idle connection kept Run alive, and take the close
  // timeout if the server waited for the client's close_notify in return.
  running.StopAndJoin();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(client.ReadUntilClosed(), asio::error::eof);
}

// --- Start() failures -----------------------------------------------------

Status StartWith(const std::string& cert_file, const std::string& key_file,
                 uint16_t* port = nullptr) {
  ServerOptions options;
  options.port = 0;
  options.tls_certificate_file = cert_file;
  options.tls_private_key_file = key_file;
  Server server(options, EchoHandler, {});
  Status status = server.Start();
  if (port != nullptr) *port = server.port();
  return status;
}

void ExpectMentions(const Status& status, const std::string& text) {
  EXPECT_NE(status.message().find(text), std::string::npos) << status.message();
}

TEST(TlsServerStartTest, MissingCertificateFailsBeforeListening) {
  TlsFiles files;
  std::string missing = (files.dir() / "missing.pem").string();
  uint16_t port = 1;
  Status status = StartWith(missing, files.key_file(), &port);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Code::kIOError);
  ExpectMentions(status, "cannot load TLS certificate from " + missing + ": No such file");
  EXPECT_EQ(port, 0);
}

TEST(TlsServerStartTest, MissingKeyFails) {
  TlsFiles files;
  std::string missing = (files.dir() / "missing-key.pem").string();
  Status status = StartWith(files.cert_file(), missing);
  ASSERT_FALSE(status.ok());
  ExpectMentions(status, "cannot load TLS private key from " + missing + ": No such file");
}

TEST(TlsServerStartTest, CertificateFileWithoutCertificateFails) {
  TlsFiles files;
  Status status = StartWith(files.key_file(), files.key_file());
  ASSERT_FALSE(status.ok());
  ExpectMentions(status, "certificate from " + files.key_file());
  ExpectMentions(status, "no start line");
}

TEST(TlsServerStartTest, KeyFileWithoutKeyFails) {
  TlsFiles files;
  Status status = StartWith(files.cert_file(), files.cert_file());
  ASSERT_FALSE(status.ok());
  ExpectMentions(status, "private key from " + files.cert_file() + ": no PEM private key found");
}

TEST(TlsServerStartTest, KeyOfAnotherCertificateFails) {
  TlsFiles files;
  Status status = StartWith(files.cert_file(), files.other_key_file());
  ASSERT_FALSE(status.ok());
  ExpectMentions(status, files.other_key_file());
  ExpectMentions(status, "does not match the certificate in " + files.cert_file());
}

TEST(TlsServerStartTest, CertificateWithoutKeyFails) {
  TlsFiles files;
  Status status = StartWith(files.cert_file(), "");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Code::kValidation);
  ExpectMentions(status, "both a certificate file and a private key file");
}

// OpenSSL's default is to prompt for a passphrase, reading the terminal or,
// without one, stdin. Here stdin holds the right passphrase, so the key would
// load; the server must refuse instead of asking anyone.
TEST(TlsServerStartTest, PassphraseProtectedKeyFailsWithoutPrompting) {
  TlsFiles files;
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  ASSERT_EQ(write(pipe_fds[1], "secret\n", 7), 7);
  close(pipe_fds[1]);
  int saved_stdin = dup(STDIN_FILENO);
  dup2(pipe_fds[0], STDIN_FILENO);
  close(pipe_fds[0]);
  Status status = StartWith(files.cert_file(), files.encrypted_key_file());
  dup2(saved_stdin, STDIN_FILENO);
  close(saved_stdin);
  ASSERT_FALSE(status.ok());
  ExpectMentions(status, "private key from " + files.encrypted_key_file() +
                             ": it is protected by a passphrase");
}

}  // namespace
}  // namespace stator::http
