#include "net/signature.h"

#include <cerrno>
#include <vector>

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include "platform/handle.h"

namespace paizi::net {

namespace {

bool init() { return sodium_init() >= 0; }

std::string to_b64(const unsigned char* p, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out + "\n";
}

// Decodes base64 text of exactly `n` bytes (whitespace ignored).
bool from_b64(const std::string& text, std::vector<unsigned char>& out, size_t n) {
  out.assign(n + 1, 0);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), " \t\r\n", &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  if (end != text.data() + text.size() || len != n) return false;
  out.resize(n);
  return true;
}

}  // namespace

std::optional<KeyPair> generate_keypair() {
  if (!init()) return std::nullopt;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  KeyPair kp{to_b64(pk, sizeof pk), to_b64(sk, sizeof sk)};
  sodium_memzero(sk, sizeof sk);
  return kp;
}

std::optional<std::string> sign_detached(const std::string& data, const std::string& secret_key_text,
                                         std::string& err) {
  if (!init()) {
    err = "libsodium cannot initialise";
    return std::nullopt;
  }
  std::vector<unsigned char> sk;
  if (!from_b64(secret_key_text, sk, crypto_sign_SECRETKEYBYTES)) {
    err = "not a paizi secret key (base64 of 64 bytes)";
    return std::nullopt;
  }
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                       sk.data());
  sodium_memzero(sk.data(), sk.size());
  return to_b64(sig, sizeof sig);
}

bool verify_detached(const std::string& data, const std::string& signature_text,
                     const std::string& public_key_text, std::string& err) {
  if (!init()) {
    err = "libsodium cannot initialise";
    return false;
  }
  std::vector<unsigned char> pk, sig;
  if (!from_b64(public_key_text, pk, crypto_sign_PUBLICKEYBYTES)) {
    err = "not a paizi public key (base64 of 32 bytes)";
    return false;
  }
  if (!from_b64(signature_text, sig, crypto_sign_BYTES)) {
    err = "malformed signature (expected base64 of 64 bytes)";
    return false;
  }
  if (crypto_sign_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(data.data()),
                                  data.size(), pk.data()) != 0) {
    err = "signature does not match (wrong key or modified file)";
    return false;
  }
  return true;
}

std::string sha256_hex(const std::string& data) {
  unsigned char h[crypto_hash_sha256_BYTES];
  if (!init()) return {};
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

std::string sha256_file_hex(const std::string& path) {
  if (!init()) return {};
  platform::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return {};
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::vector<unsigned char> buf(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return {};
    if (n == 0) break;
    crypto_hash_sha256_update(&st, buf.data(), static_cast<unsigned long long>(n));
  }
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, h);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

}  // namespace paizi::net
