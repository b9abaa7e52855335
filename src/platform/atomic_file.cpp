#include "platform/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/handle.h"

namespace paizi::platform {

namespace {
constexpr const char* kTemporary = ".tmp.";  // PATH.tmp.PID
}  // namespace

bool read_whole_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return false;
  in.seekg(0);
  out.resize(static_cast<size_t>(size));
  in.read(out.data(), size);
  return static_cast<bool>(in);
}

size_t remove_leftover_temporaries(const std::string& dir) {
  const std::string mine = kTemporary + std::to_string(::getpid());
  size_t removed = 0;
  std::error_code ec;
  std::error_code walk;  // a failing increment ends the walk instead of throwing
  for (std::filesystem::directory_iterator it(dir, walk), end; !walk && it != end; it.increment(walk)) {
    const std::string name = it->path().filename().string();
    const size_t at = name.rfind(kTemporary);
    if (at == std::string::npos || at == 0 || name.compare(at, std::string::npos, mine) == 0) continue;
    const std::string pid = name.substr(at + std::strlen(kTemporary));
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    removed += std::filesystem::remove(it->path(), ec) ? 1 : 0;
  }
  return removed;
}

std::string temporary_name(const std::string& path) { return path + kTemporary + std::to_string(::getpid()); }

bool write_all(int fd, const void* data, size_t len) {
  const auto* p = static_cast<const char*>(data);
  while (len > 0) {
    const ssize_t n = ::write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

namespace {

// Renames `tmp` over `path`, then (`sync`) fsyncs the directory so the
// rename survives power loss.
bool replace_with(const std::string& tmp, const std::string& path, bool sync) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) return false;
  if (!sync) return true;
  const UniqueFd d(
      ::open(std::filesystem::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.valid()) ::fsync(d.get());
  return true;
}

}  // namespace

bool commit_file(const std::string& tmp, const std::string& path, std::string* error) {
  auto fail = [&](const char* what) {
    if (error) *error = std::string(what) + " " + tmp + ": " + std::strerror(errno);
    return false;
  };
  {
    const UniqueFd f(::open(tmp.c_str(), O_RDONLY | O_CLOEXEC));
    if (!f.valid()) return fail("cannot open");
    if (::fsync(f.get()) != 0) return fail("cannot fsync");
  }
  return replace_with(tmp, path, true) || fail("cannot rename");
}

// temp file in the same directory, fsync, rename over `path`, fsync the dir.
bool write_file_atomic(const std::string& path, const std::string& data, std::string* error, unsigned mode,
                       Durability durability, bool exact_mode) {
  const bool sync = durability == Durability::synced;
  const std::string tmp = temporary_name(path);
  auto fail = [&](const char* what) {
    if (error) *error = std::string(what) + " " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  };
  {
    const UniqueFd f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!f.valid()) return fail("cannot create");
    if (exact_mode && ::fchmod(f.get(), static_cast<mode_t>(mode)) != 0) return fail("cannot chmod");
    if (!write_all(f.get(), data.data(), data.size())) return fail("cannot write");
    if (sync && ::fsync(f.get()) != 0) return fail("cannot fsync");
  }
  return replace_with(tmp, path, sync) || fail("cannot rename");
}

}  // namespace paizi::platform
