// Full-screen pixel memory (canvas, slide pictures, atlas pages).
//
// A 1080p frame is 8.3 MB. Taken from malloc and zeroed, it costs ~2,000
// page faults on first touch, and those faults were a fifth of `paizi
// render`. A PixelBuffer is an anonymous mapping instead: its pages are
// already zero (no memset), and on Linux a buffer of 2 MiB or more is aligned
// to 2 MiB, rounded up to whole 2 MiB, and advised for transparent huge
// pages, so it faults in 4 huge pages where the kernel allows it (THP
// "always" or "madvise"; otherwise it behaves like ordinary pages). Without
// the rounding the 1.9 MiB tail of a 1080p frame took ~490 small faults, a
// sixth of a `paizi render`'s faults; the huge page costs at most 2 MiB of
// address space and what of it is never touched. Memory goes back to the
// system when the buffer is destroyed or reset.
#pragma once

#include <cstddef>
#include <cstdint>

namespace paizi::render {

class PixelBuffer {
 public:
  PixelBuffer() = default;
  // `count` 32-bit pixels, all zero. Throws std::bad_alloc when the memory
  // cannot be mapped.
  explicit PixelBuffer(size_t count);
  ~PixelBuffer() { reset(); }
  PixelBuffer(PixelBuffer&& o) noexcept : p_(o.p_), n_(o.n_), bytes_(o.bytes_) {
    o.p_ = nullptr;
    o.n_ = 0;
    o.bytes_ = 0;
  }
  PixelBuffer& operator=(PixelBuffer&& o) noexcept;
  PixelBuffer(const PixelBuffer&) = delete;
  PixelBuffer& operator=(const PixelBuffer&) = delete;

  uint32_t* data() { return p_; }
  const uint32_t* data() const { return p_; }
  size_t size() const { return n_; }  // pixels
  void reset();

 private:
  uint32_t* p_ = nullptr;
  size_t n_ = 0;
  size_t bytes_ = 0;  // mapped length
};

}  // namespace paizi::render
