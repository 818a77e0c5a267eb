// Clock: the one source of wall-clock time, injectable so tests never sleep.
//
// Thread-safety: every Clock implementation is safe for concurrent use.
#pragma once

#include <atomic>
#include <cstdint>

namespace stator {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch.
  virtual int64_t NowMicros() const = 0;
  double NowSeconds() const { return static_cast<double>(NowMicros()) / 1e6; }
};

// The system's real-time clock.
class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
  static SystemClock* Default();
};

// A clock that moves only when told to; for tests and the virtual clock.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_micros = 0) : now_(start_micros) {}
  int64_t NowMicros() const override { return now_.load(std::memory_order_relaxed); }
  void Set(int64_t micros) { now_.store(micros, std::memory_order_relaxed); }
  void Advance(int64_t micros) { now_.fetch_add(micros, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace stator
