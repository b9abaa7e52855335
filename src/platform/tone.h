// The attention tone of a CAP alert, through SDL audio (the default output
// device; SDL_AUDIODRIVER picks the driver: alsa or pulseaudio on a board,
// "disk" in tests, which writes the samples to SDL_DISKAUDIOFILE).
//
// The tone: two notes, 880 Hz then 660 Hz, 250 ms each with 10 ms ramps
// (no clicks), at a quarter of full scale; signed 16-bit mono, 48 kHz.
//
// Contract: play() queues one tone and returns at once (the audio thread
// plays it). The device is opened on the first play(); when that fails (a
// board without sound), the reason is logged once and every later play()
// returns false without trying again. The destructor lets a tone still
// queued finish (at most its own length), then closes the device.
// Main thread only.
#pragma once

#include <cstdint>

#include "platform/log.h"
#include "platform/sdl_subsystem.h"

namespace paizi::platform {

class AttentionTone {
 public:
  explicit AttentionTone(Logger& log) : log_(log) {}
  ~AttentionTone();
  AttentionTone(const AttentionTone&) = delete;
  AttentionTone& operator=(const AttentionTone&) = delete;

  bool play();
  uint64_t played() const { return played_; }  // tones queued

 private:
  bool open();
  Logger& log_;
  SdlSubsystem audio_;   // SDL_INIT_AUDIO when this initialised it (destroyed after device_ closes)
  uint32_t device_ = 0;  // SDL_AudioDeviceID; 0 = not open; closed by the destructor
  bool failed_ = false;
  uint64_t played_ = 0;
};

}  // namespace paizi::platform
