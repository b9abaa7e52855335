#include "platform/clock.h"

#include <sys/stat.h>

namespace paizi::platform {

bool ntp_unsynchronised() {
  struct stat st {};
  if (::stat("/run/systemd/timesync", &st) != 0) return false;
  return ::stat("/run/systemd/timesync/synchronized", &st) != 0;
}

}  // namespace paizi::platform
