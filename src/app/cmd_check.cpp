// `paizi check FILE`: validate a playlist, report every problem with its
// JSON pointer and line:column. `paizi keygen` and `paizi sign`: Ed25519
// keys and detached signatures for playlists.
#include <cstdio>
#include <filesystem>

#include "app/cli.h"
#include "content/playlist.h"
#include "content/signature.h"
#include "platform/atomic_file.h"

namespace paizi::app {

namespace {

std::string read_or_fail(const std::string& path, const char* what) {
  std::string s;
  if (!platform::read_whole_file(path, s)) throw UsageError{std::string("cannot read ") + what + " " + path};
  return s;
}

}  // namespace

int cmd_check(Args& args) {
  const auto pubkey = args.value("--pubkey");
  const auto pos = args.positionals();
  if (pos.size() != 1) throw UsageError{"check takes one PLAYLIST file"};
  const std::string& file = pos[0];
  const content::ParseResult pr = content::load_playlist(file);
  size_t errors = 0, warnings = 0;
  for (const auto& p : pr.problems) {
    (p.warning ? warnings : errors)++;
    std::string where = file;
    if (p.line > 0) where += ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
    std::printf("%s: %s: %s", where.c_str(), p.warning ? "warning" : "error", p.message.c_str());
    if (!p.pointer.empty())
      std::printf(" (at %s)", p.pointer.c_str());
    else if (p.message.rfind("invalid JSON", 0) != 0 && p.line > 0)
      std::printf(" (at the top level)");
    std::printf("\n");
  }
  if (pubkey && pr.playlist) {
    std::string sig, body, err;
    if (!platform::read_whole_file(file + ".sig", sig)) {
      std::printf("%s: error: no signature file %s.sig\n", file.c_str(), file.c_str());
      ++errors;
    } else if (platform::read_whole_file(file, body) &&
               !content::verify_detached(body, sig, read_or_fail(*pubkey, "public key"), err)) {
      std::printf("%s: error: %s\n", file.c_str(), err.c_str());
      ++errors;
    }
  }
  std::printf("%s: %s (%zu error%s, %zu warning%s)\n", file.c_str(), errors ? "invalid" : "ok", errors,
              errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  return errors ? kExitFailure : kExitOk;
}

int cmd_keygen(Args& args) {
  const bool force = args.flag("--force");
  const auto pos = args.positionals();
  if (pos.size() != 1) throw UsageError{"keygen takes one PREFIX (writes PREFIX.key and PREFIX.pub)"};
  const std::string key = pos[0] + ".key", pub = pos[0] + ".pub";
  if (!force && (std::filesystem::exists(key) || std::filesystem::exists(pub))) {
    std::fprintf(stderr, "paizi keygen: %s or %s exists (use --force to replace)\n", key.c_str(),
                 pub.c_str());
    return kExitFailure;
  }
  const auto kp = content::generate_keypair();
  std::string err;
  if (!kp || !platform::write_file_atomic(key, kp->secret_key, &err, 0600) ||
      !platform::write_file_atomic(pub, kp->public_key, &err, 0644)) {
    std::fprintf(stderr, "paizi keygen: %s\n", kp ? err.c_str() : "libsodium cannot initialise");
    return kExitFailure;
  }
  std::printf("%s\n%s\n", key.c_str(), pub.c_str());
  return kExitOk;
}

int cmd_sign(Args& args) {
  const auto key = args.value("--key");
  const auto pos = args.positionals();
  if (pos.size() != 1 || !key) throw UsageError{"usage: paizi sign FILE --key PREFIX.key (writes FILE.sig)"};
  std::string body, err;
  if (!platform::read_whole_file(pos[0], body)) {
    std::fprintf(stderr, "paizi sign: cannot read %s\n", pos[0].c_str());
    return kExitFailure;
  }
  const auto sig = content::sign_detached(body, read_or_fail(*key, "secret key"), err);
  if (!sig || !platform::write_file_atomic(pos[0] + ".sig", *sig, &err)) {
    std::fprintf(stderr, "paizi sign: %s\n", err.c_str());
    return kExitFailure;
  }
  std::printf("%s.sig\n", pos[0].c_str());
  return kExitOk;
}

}  // namespace paizi::app
