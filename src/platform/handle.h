// Owners for C handles and file descriptors: whatever a C library or the
// kernel hands out is freed by the destructor of the object that holds it,
// on every return path, once.
//
//   platform::CPtr<SDL_Window, SDL_DestroyWindow> w(SDL_CreateWindow(...));
//   platform::UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
//   platform::Mapping m(::mmap(...), len);
//
// Contract: each type is move-only; a moved-from owner holds nothing. The
// free function of a CPtr is not called for nullptr; UniqueFd closes only a
// descriptor >= 0; Mapping unmaps only a mapping other than MAP_FAILED and
// nullptr. Errors from close(2) and munmap(2) are ignored (there is nothing
// left to do with the resource).
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <utility>

namespace paizi::platform {

// Calls `Free` on the pointer (the deleter of a CPtr).
template <auto Free>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const noexcept {
    // The one place a CPtr's pointer is freed (fclose among others).
    Free(p);  // NOLINT(cppcoreguidelines-owning-memory)
  }
};

// A unique_ptr that frees with a C library's function.
template <typename T, auto Free>
using CPtr = std::unique_ptr<T, FreeWith<Free>>;

// A stdio stream (fclose). When the result of fclose matters (a write),
// close it by hand: std::fclose(f.release()).
using FilePtr = CPtr<FILE, ::fclose>;

// An owned file descriptor (-1 = none).
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(std::exchange(o.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  // Closes what it holds and takes `fd`.
  void reset(int fd = -1) noexcept;
  // Gives the descriptor up without closing it.
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

// An owned memory mapping (mmap(2)); empty when it holds nullptr or MAP_FAILED.
class Mapping {
 public:
  Mapping() = default;
  Mapping(void* addr, size_t len) noexcept;
  Mapping(Mapping&& o) noexcept : addr_(std::exchange(o.addr_, nullptr)), len_(std::exchange(o.len_, 0)) {}
  Mapping& operator=(Mapping&& o) noexcept {
    if (this != &o) {
      reset();
      addr_ = std::exchange(o.addr_, nullptr);
      len_ = std::exchange(o.len_, 0);
    }
    return *this;
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { reset(); }

  void* get() const noexcept { return addr_; }
  size_t size() const noexcept { return len_; }
  explicit operator bool() const noexcept { return addr_ != nullptr; }
  // Unmaps what it holds.
  void reset() noexcept;

 private:
  void* addr_ = nullptr;
  size_t len_ = 0;
};

}  // namespace paizi::platform
