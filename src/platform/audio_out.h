// The sound of video clips, out through SDL audio: the default output device
// (SDL_AUDIODRIVER picks the driver: alsa, pulseaudio or pipewire on a
// board, "disk" in tests, which writes the samples to SDL_DISKAUDIOFILE).
//
// Samples are 32-bit float, interleaved, at rate() Hz with channels() per
// frame: the device's own rate and channel count when it has a preference
// (the decoder resamples to them), SDL converts the sample format if the
// device takes another. They are queued (SDL_QueueAudio) and the device
// plays them at its own pace; a queue that runs dry plays silence.
//
// Contract: open() opens the device on its first call; when that fails (a
// board without sound) it says why and every later call returns the same
// answer without trying again. The device is closed by the destructor.
// Main thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "platform/sdl_subsystem.h"

namespace paizi::platform {

class AudioOut {
 public:
  AudioOut() = default;
  ~AudioOut();
  AudioOut(const AudioOut&) = delete;
  AudioOut& operator=(const AudioOut&) = delete;

  // Opens the device (once); false with the reason in `err`.
  bool open(std::string& err);
  bool is_open() const { return device_ != 0; }
  int rate() const { return rate_; }          // Hz
  int channels() const { return channels_; }  // samples per frame
  // "pulseaudio, 48000 Hz, 2 ch" ("" before open()).
  const std::string& name() const { return name_; }

  // Queues `frames` frames of `samples` (frames x channels() floats), each
  // multiplied by `gain` (0..1); false when SDL refused them.
  bool queue(const float* samples, size_t frames, float gain);
  // Queues `frames` frames of silence.
  bool queue_silence(size_t frames);
  // How long until a frame queued now is heard, µs: what is queued and the
  // device's own buffer.
  int64_t latency_us() const;
  // Drops what is queued (the clip it came from has left the screen).
  void clear();

 private:
  SdlSubsystem audio_;   // SDL_INIT_AUDIO when this initialised it (destroyed after device_ closes)
  uint32_t device_ = 0;  // SDL_AudioDeviceID; 0: not open
  bool tried_ = false;
  std::string error_, name_;
  int rate_ = 0, channels_ = 0, buffer_frames_ = 0;
  std::vector<float> scratch_;  // a queue() call's samples, scaled (or silence)
};

}  // namespace paizi::platform
