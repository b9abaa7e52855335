// An SDL subsystem (SDL_InitSubSystem) held for as long as its owner lives:
// SDL counts initialisations, and the destructor gives this one back.
#pragma once

#include <utility>

#include <SDL.h>

namespace paizi::platform {

class SdlSubsystem {
 public:
  SdlSubsystem() = default;  // holds nothing
  // Initialises `flags` (SDL_INIT_VIDEO, SDL_INIT_AUDIO); !ok() when SDL
  // refused (SDL_GetError says why).
  explicit SdlSubsystem(Uint32 flags) : flags_(SDL_InitSubSystem(flags) == 0 ? flags : 0) {}
  SdlSubsystem(SdlSubsystem&& o) noexcept : flags_(std::exchange(o.flags_, 0)) {}
  SdlSubsystem& operator=(SdlSubsystem&& o) noexcept {
    if (this != &o) {
      reset();
      flags_ = std::exchange(o.flags_, 0);
    }
    return *this;
  }
  SdlSubsystem(const SdlSubsystem&) = delete;
  SdlSubsystem& operator=(const SdlSubsystem&) = delete;
  ~SdlSubsystem() { reset(); }

  bool ok() const { return flags_ != 0; }
  void reset() {
    if (flags_) SDL_QuitSubSystem(flags_);
    flags_ = 0;
  }

 private:
  Uint32 flags_ = 0;
};

}  // namespace paizi::platform
