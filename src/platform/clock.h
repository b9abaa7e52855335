// What the system says about its wall clock.
#pragma once

namespace paizi::platform {

// True when an NTP client is known to run and has not synchronised yet
// (systemd-timesyncd: /run/systemd/timesync exists without
// .../synchronized). False when unknown: a board with an RTC or another NTP
// client is not distrusted for lack of evidence.
bool ntp_unsynchronised();

}  // namespace paizi::platform
