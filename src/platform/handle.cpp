#include "platform/handle.h"

#include <sys/mman.h>
#include <unistd.h>

namespace paizi::platform {

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Mapping::Mapping(void* addr, size_t len) noexcept : addr_(addr == MAP_FAILED ? nullptr : addr), len_(len) {
  if (!addr_) len_ = 0;
}

void Mapping::reset() noexcept {
  if (addr_) ::munmap(addr_, len_);
  addr_ = nullptr;
  len_ = 0;
}

}  // namespace paizi::platform
