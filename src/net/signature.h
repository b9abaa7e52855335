// Detached Ed25519 signatures over playlist bytes (libsodium).
//
// Key and signature files are text: the raw key or signature in standard
// base64 on one line (surrounding whitespace ignored). A public key is 32
// bytes, a secret key 64 bytes (libsodium's seed + public key), a signature
// 64 bytes. A signature covers the exact bytes of the file, nothing else.
#pragma once

#include <optional>
#include <string>

namespace paizi::net {

struct KeyPair {
  std::string public_key;  // base64 text, newline-terminated
  std::string secret_key;  // base64 text, newline-terminated
};

// A fresh key pair; nullopt only if libsodium cannot initialise.
std::optional<KeyPair> generate_keypair();

// Signature text for `data`; nullopt with a one-line reason when the key is
// not a valid secret key.
std::optional<std::string> sign_detached(const std::string& data, const std::string& secret_key_text,
                                         std::string& err);

// True when `signature_text` is a valid signature of `data` by the key in
// `public_key_text`; otherwise false with a one-line reason.
bool verify_detached(const std::string& data, const std::string& signature_text,
                     const std::string& public_key_text, std::string& err);

// SHA-256 of `data`, lowercase hex (64 characters).
std::string sha256_hex(const std::string& data);
// The same of a file's contents, read a MiB at a time (a clip is never held
// whole); "" when it cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace paizi::net
