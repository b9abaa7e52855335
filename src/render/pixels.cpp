#include "render/pixels.h"

#include <new>

#include <sys/mman.h>
#include <unistd.h>

namespace paizi::render {
namespace {
constexpr size_t kHuge = size_t{2} << 20;  // the usual PMD size (x86-64, arm64 with 4 KiB pages)
}

PixelBuffer::PixelBuffer(size_t count) {
  if (count == 0) return;
  if (count > SIZE_MAX / 4) throw std::bad_alloc();
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t bytes = (count * 4 + page - 1) / page * page;
  const bool huge = bytes >= kHuge;
  if (huge) bytes = (bytes + kHuge - 1) / kHuge * kHuge;
  // Over-map by one huge page so that an aligned start can be chosen, then
  // give back the unaligned head and the tail.
  const size_t want = huge ? bytes + kHuge : bytes;
  void* m = mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) throw std::bad_alloc();
  auto* base = static_cast<char*>(m);
  char* start = base;
  if (huge) {
    const auto addr = reinterpret_cast<uintptr_t>(base);
    start = base + ((kHuge - addr % kHuge) % kHuge);
    if (start > base) munmap(base, static_cast<size_t>(start - base));
    const size_t tail = static_cast<size_t>(base + want - (start + bytes));
    if (tail) munmap(start + bytes, tail);
#ifdef MADV_HUGEPAGE
    madvise(start, bytes, MADV_HUGEPAGE);  // advice only: ignored where THP is off
#endif
  }
  p_ = static_cast<uint32_t*>(static_cast<void*>(start));  // 2 MiB- or page-aligned
  n_ = count;
  bytes_ = bytes;
}

PixelBuffer& PixelBuffer::operator=(PixelBuffer&& o) noexcept {
  if (this != &o) {
    reset();
    p_ = o.p_;
    n_ = o.n_;
    bytes_ = o.bytes_;
    o.p_ = nullptr;
    o.n_ = 0;
    o.bytes_ = 0;
  }
  return *this;
}

void PixelBuffer::reset() {
  if (p_) munmap(p_, bytes_);
  p_ = nullptr;
  n_ = 0;
  bytes_ = 0;
}

}  // namespace paizi::render
