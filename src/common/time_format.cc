#include "time_format.h"

#include <cstdio>
#include <ctime>

namespace stator {

std::string FormatIsoMillis(int64_t micros) {
  time_t seconds = static_cast<time_t>(micros / 1000000);
  int millis = static_cast<int>((micros / 1000) % 1000);
  struct tm tm {};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

}  // namespace stator
