#include "platform/audio_out.h"

#include <algorithm>

#include <SDL.h>

namespace paizi::platform {

namespace {

constexpr int kRate = 48000;           // Hz, asked for; the device may prefer another
constexpr int kChannels = 2;           // asked for; the device may prefer another
constexpr Uint16 kBufferFrames = 960;  // the device's buffer: 20 ms at 48 kHz

}  // namespace

bool AudioOut::open(std::string& err) {
  if (tried_) {
    err = error_;
    return device_ != 0;
  }
  tried_ = true;
  if (!SDL_WasInit(SDL_INIT_AUDIO)) {
    audio_ = SdlSubsystem(SDL_INIT_AUDIO);
    if (!audio_.ok()) {
      error_ = err = std::string("no audio (") + SDL_GetError() + ")";
      return false;
    }
  }
  SDL_AudioSpec want{}, have{};
  want.freq = kRate;
  want.format = AUDIO_F32SYS;
  want.channels = kChannels;
  want.samples = kBufferFrames;
  // The device's rate and channel count are taken as they are (the decoder
  // resamples once, to them); its sample format SDL converts to.
  device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have,
                                SDL_AUDIO_ALLOW_FREQUENCY_CHANGE | SDL_AUDIO_ALLOW_CHANNELS_CHANGE);
  if (!device_) {
    error_ = err = std::string("no audio device (") + SDL_GetError() + ")";
    return false;
  }
  rate_ = have.freq;
  channels_ = have.channels;
  buffer_frames_ = have.samples;
  const char* driver = SDL_GetCurrentAudioDriver();
  name_ = std::string(driver ? driver : "?") + ", " + std::to_string(rate_) + " Hz, " +
          std::to_string(channels_) + " ch";
  SDL_PauseAudioDevice(device_, 0);
  return true;
}

AudioOut::~AudioOut() {
  if (device_) SDL_CloseAudioDevice(device_);
}

bool AudioOut::queue(const float* samples, size_t frames, float gain) {
  if (!device_ || frames == 0) return device_ != 0;
  const size_t n = frames * static_cast<size_t>(channels_);
  scratch_.resize(n);
  const float g = std::clamp(gain, 0.0f, 1.0f);
  for (size_t i = 0; i < n; ++i) scratch_[i] = samples[i] * g;
  return SDL_QueueAudio(device_, scratch_.data(), static_cast<Uint32>(n * sizeof(float))) == 0;
}

bool AudioOut::queue_silence(size_t frames) {
  if (!device_ || frames == 0) return device_ != 0;
  scratch_.assign(frames * static_cast<size_t>(channels_), 0.0f);
  return SDL_QueueAudio(device_, scratch_.data(), static_cast<Uint32>(scratch_.size() * sizeof(float))) == 0;
}

int64_t AudioOut::latency_us() const {
  if (!device_ || rate_ <= 0) return 0;
  const int64_t queued = SDL_GetQueuedAudioSize(device_) / (sizeof(float) * static_cast<size_t>(channels_));
  return (queued + buffer_frames_) * 1'000'000 / rate_;
}

void AudioOut::clear() {
  if (device_) SDL_ClearQueuedAudio(device_);
}

}  // namespace paizi::platform
