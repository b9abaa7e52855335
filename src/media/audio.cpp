// A clip's sound: its audio stream decoded as its packets are read, and
// resampled to the output's format (media/video.h, Decoder::audio()).
#include <algorithm>
#include <utility>

#include "media/av.h"

namespace paizi::media {

namespace {

// At most this much decoded sound waits to be taken (the player takes it
// every frame); more is dropped, oldest first.
constexpr int64_t kMaxAudioBufferedS = 8;
// Sample rates and channel counts an audio stream may have.
constexpr int kMaxAudioRate = 384000, kMaxAudioChannels = 64;

}  // namespace

bool Decoder::State::open_audio(const AudioFormat& want, std::string& why, std::string& name) {
  aout = want;
  if (want.rate <= 0) return false;
  if (want.rate > kMaxAudioRate || want.channels < 1 || want.channels > 8) {
    why = "cannot make " + std::to_string(want.rate) + " Hz, " + std::to_string(want.channels) + " channels";
    return false;
  }
  const AVCodec* dec = nullptr;
  const int i = av.find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, stream, &dec, 0);
  if (i < 0) {
    why = i == AVERROR_DECODER_NOT_FOUND ? "no decoder for its audio" : "has no audio stream";
    return false;
  }
  const AVCodecParameters* par = fmt->streams[i]->codecpar;
  if (par->sample_rate <= 0 || par->sample_rate > kMaxAudioRate || par->ch_layout.nb_channels < 1 ||
      par->ch_layout.nb_channels > kMaxAudioChannels) {
    why = "its audio is " + std::to_string(par->sample_rate) + " Hz, " +
          std::to_string(par->ch_layout.nb_channels) + " channels";
    return false;
  }
  acodec = av.alloc_context3(dec);
  int r = acodec ? av.parameters_to_context(acodec, par) : AVERROR(ENOMEM);
  if (r >= 0) {
    acodec->pkt_timebase = fmt->streams[i]->time_base;
    acodec->thread_count = 1;
    arm(limits.io_timeout_ms);
    r = av.open2(acodec, dec, nullptr);
  }
  if (r >= 0 && !(aframe = av.frame_alloc())) r = AVERROR(ENOMEM);
  if (r < 0) {
    why = std::string("cannot open its ") + dec->name + " audio decoder (" + av_error(av, r) + ")";
    return false;
  }
  astream = i;
  name = std::string(dec->name) + " " + std::to_string(par->sample_rate) + " Hz " +
         std::to_string(par->ch_layout.nb_channels) + " ch";
  return true;
}

void Decoder::State::decode_audio(const AVPacket* p) {
  if (astream < 0) return;
  int r = av.send_packet(acodec, p);
  // A damaged packet is skipped (a moment of silence); others end the audio.
  if (r < 0 && r != AVERROR_INVALIDDATA && r != AVERROR(EAGAIN) && r != AVERROR_EOF) {
    stop_audio("its audio failed (" + av_error(av, r) + ")");
    return;
  }
  while (astream >= 0 && (r = av.receive_frame(acodec, aframe)) == 0) {
    convert_audio(aframe);
    av.frame_unref(aframe);
  }
  if (r < 0 && r != AVERROR(EAGAIN) && r != AVERROR_EOF && r != AVERROR_INVALIDDATA)
    stop_audio("its audio failed (" + av_error(av, r) + ")");
}

void Decoder::State::convert_audio(const AVFrame* f) {
  const int channels = f->ch_layout.nb_channels;
  if (f->nb_samples <= 0 || channels < 1 || channels > kMaxAudioChannels || f->sample_rate <= 0 ||
      f->sample_rate > kMaxAudioRate)
    return;
  if (swr && (swr_in_rate != f->sample_rate || swr_in_format != f->format || swr_in_channels != channels))
    av.resample_free(&swr);  // the stream changed mid-way
  if (!swr) {
    AVChannelLayout in{}, out{};
    if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || av.channel_layout_copy(&in, &f->ch_layout) < 0)
      av.channel_layout_default(&in, channels);
    av.channel_layout_default(&out, aout.channels);
    int r = av.resample_alloc(&swr, &out, AV_SAMPLE_FMT_FLT, aout.rate, &in,
                              static_cast<AVSampleFormat>(f->format), f->sample_rate, 0, nullptr);
    av.channel_layout_uninit(&in);
    av.channel_layout_uninit(&out);
    // Mono to stereo: the voice on both sides at its own level (FFmpeg's
    // default puts it 3 dB down on each).
    if (r >= 0 && channels == 1 && aout.channels == 2) {
      const double both[2] = {1.0, 1.0};
      r = av.resample_matrix(swr, both, 1);
    }
    if (r >= 0) r = av.resample_init(swr);
    if (r < 0) {
      if (swr) av.resample_free(&swr);
      stop_audio("cannot convert its audio (" + av_error(av, r) + ")");
      return;
    }
    swr_in_rate = f->sample_rate;
    swr_in_format = f->format;
    swr_in_channels = channels;
  }
  const int room = av.resample_room(swr, f->nb_samples);
  if (room <= 0) return;
  AudioChunk c;
  c.samples.resize(static_cast<size_t>(room) * static_cast<size_t>(aout.channels));
  uint8_t* out[1] = {reinterpret_cast<uint8_t*>(c.samples.data())};
  const int n = av.resample(swr, out, room, const_cast<const uint8_t**>(f->extended_data), f->nb_samples);
  if (n < 0) {
    stop_audio("cannot convert its audio (" + av_error(av, n) + ")");
    return;
  }
  if (n == 0) return;
  c.samples.resize(static_cast<size_t>(n) * static_cast<size_t>(aout.channels));
  const AVStream* st = fmt->streams[astream];
  const int64_t ts = f->best_effort_timestamp;
  c.pts_us = ts != AV_NOPTS_VALUE ? av.rescale_q(ts, st->time_base, AVRational{1, 1000000}) - video_start_us
             : audio_end_us >= 0  ? audio_end_us
                                  : 0;
  audio_end_us = std::max(audio_end_us, c.pts_us + static_cast<int64_t>(n) * 1'000'000 / aout.rate);
  audio_samples += c.samples.size();
  audio.push_back(std::move(c));
  // Nobody takes it: the oldest goes (memory stays bounded).
  const size_t cap = static_cast<size_t>(kMaxAudioBufferedS) * aout.rate * aout.channels;
  while (audio_samples > cap && !audio.empty()) {
    audio_samples -= audio.front().samples.size();
    audio.erase(audio.begin());
  }
}

bool Decoder::audio() const { return s_->astream >= 0; }

int64_t Decoder::audio_end_us() const { return s_->audio_end_us; }

std::vector<AudioChunk> Decoder::take_audio() {
  State& s = *s_;
  if (!s.audio_problem.empty() && audio_problem_.empty()) audio_problem_ = s.audio_problem;
  s.audio_samples = 0;
  return std::exchange(s.audio, {});
}

bool Decoder::read_audio_ahead(int64_t until_us) {
  State& s = *s_;
  const AvApi& av = s.av;
  const int64_t deadline = steady_ms() + s.limits.frame_timeout_ms;
  while (s.astream >= 0 && !s.audio_eof && s.audio_end_us < until_us) {
    if (s.kept.size() >= static_cast<size_t>(s.limits.max_packets_per_frame) || steady_ms() > deadline)
      return false;
    s.arm(s.limits.io_timeout_ms);
    const int r = av.read_frame(s.fmt, s.pkt);
    if (r < 0) {
      if (r != AVERROR_EOF && State::interrupted(&s)) return false;  // (next() says so)
      s.demux_eof = true;
      s.decode_audio(nullptr);
      s.audio_eof = true;
      return true;
    }
    if (s.pkt->stream_index == s.stream) {
      AVPacket* p = av.packet_alloc();
      if (!p) {
        av.packet_unref(s.pkt);
        return false;
      }
      av.packet_move_ref(p, s.pkt);
      s.kept.push_back(p);
    } else if (s.pkt->stream_index == s.astream) {
      s.decode_audio(s.pkt);
    }
    av.packet_unref(s.pkt);
  }
  return true;
}

}  // namespace paizi::media
