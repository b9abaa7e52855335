#include "platform/tone.h"

#include <cmath>
#include <string>
#include <vector>

#include <SDL.h>

namespace paizi::platform {

namespace {

constexpr int kRate = 48000;  // Hz
constexpr int kNoteMs = 250;
constexpr int kRampMs = 10;
constexpr double kAmplitude = 0.25;  // of full scale
constexpr double kNotesHz[] = {880.0, 660.0};
constexpr double kPi = 3.14159265358979323846;

std::vector<int16_t> tone_samples() {
  const int per_note = kRate * kNoteMs / 1000, ramp = kRate * kRampMs / 1000;
  std::vector<int16_t> out;
  out.reserve(static_cast<size_t>(per_note) * std::size(kNotesHz));
  for (const double hz : kNotesHz)
    for (int i = 0; i < per_note; ++i) {
      const double envelope =
          std::min({1.0, static_cast<double>(i) / ramp, static_cast<double>(per_note - 1 - i) / ramp});
      const double v = kAmplitude * envelope * std::sin(2 * kPi * hz * i / kRate);
      out.push_back(static_cast<int16_t>(std::lround(v * 32767)));
    }
  return out;
}

}  // namespace

bool AttentionTone::open() {
  if (device_) return true;
  if (failed_) return false;
  if (!SDL_WasInit(SDL_INIT_AUDIO)) {
    audio_ = SdlSubsystem(SDL_INIT_AUDIO);
    if (!audio_.ok()) {
      failed_ = true;
      log_.warning(std::string("alert tone: no audio (") + SDL_GetError() + "); alerts are shown without it");
      return false;
    }
  }
  SDL_AudioSpec want{};
  want.freq = kRate;
  want.format = AUDIO_S16SYS;
  want.channels = 1;
  want.samples = 2048;
  device_ = SDL_OpenAudioDevice(nullptr, 0, &want, nullptr, 0);  // SDL converts to what the device takes
  if (!device_) {
    failed_ = true;
    log_.warning(std::string("alert tone: no audio device (") + SDL_GetError() +
                 "); alerts are shown without it");
    return false;
  }
  SDL_PauseAudioDevice(device_, 0);
  return true;
}

bool AttentionTone::play() {
  if (!open()) return false;
  static const std::vector<int16_t> samples = tone_samples();
  if (SDL_QueueAudio(device_, samples.data(), static_cast<Uint32>(samples.size() * sizeof(int16_t))) != 0) {
    log_.warning(std::string("alert tone: ") + SDL_GetError());
    return false;
  }
  ++played_;
  return true;
}

AttentionTone::~AttentionTone() {
  if (device_) {
    // A tone still queued plays to its end (at most one tone's length per tone).
    for (int waited = 0; SDL_GetQueuedAudioSize(device_) > 0 && waited < kNoteMs * 2 * 4; waited += 10)
      SDL_Delay(10);
    SDL_CloseAudioDevice(device_);
  }
}

}  // namespace paizi::platform
