#include "model/number.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace stator::model {
namespace {

constexpr size_t kMaxDigits = 38;
constexpr int64_t kMaxExponent = 125;   // 9.99..9E+125
constexpr int64_t kMinExponent = -130;  // 1E-130

constexpr char kNotANumber[] = "The parameter cannot be converted to a numeric value";
constexpr char kOverflow[] =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr char kUnderflow[] =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";
constexpr char kTooManyDigits[] = "Attempting to store more than 38 significant digits in a Number";

// DO NOT CHANGE: persisted in keys and items (docs/design/number-encoding.md).
constexpr unsigned char kClassNegative = 0x01;
constexpr unsigned char kClassZero = 0x02;
constexpr unsigned char kClassPositive = 0x03;
constexpr int kExponentBias = 0x8000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool FitsInt32(int64_t v) {
  return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
}

// A number's text split as Java's BigDecimal(String) reads it.
struct Lexed {
  bool negative = false;
  std::string_view int_digits;   // digits before the point (may be empty)
  std::string_view frac_digits;  // digits after the point (may be empty)
  int64_t exponent = 0;          // the written exponent
};

// Length of the run of ASCII digits at the front of text.
size_t DigitRun(std::string_view text) {
  size_t n = 0;
  while (n < text.size() && IsDigit(text[n])) ++n;
  return n;
}

// Reads the exponent after 'e'/'E': [+|-] digits. Like BigDecimal it ignores leading zeros,
// refuses more than 10 remaining digits, and requires the value to fit a 32-bit int.
bool LexExponent(std::string_view text, int64_t* exponent) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || DigitRun(text) != text.size()) return false;
  while (text.size() > 1 && text[0] == '0') text.remove_prefix(1);
  if (text.size() > 10) return false;
  int64_t value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  *exponent = negative ? -value : value;
  return FitsInt32(*exponent);
}

bool Lex(std::string_view text, Lexed* out) {
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    out->negative = text[0] == '-';
    text.remove_prefix(1);
  }
  out->int_digits = text.substr(0, DigitRun(text));
  text.remove_prefix(out->int_digits.size());
  if (!text.empty() && text[0] == '.') {
    text.remove_prefix(1);
    out->frac_digits = text.substr(0, DigitRun(text));
    text.remove_prefix(out->frac_digits.size());
  }
  if (out->int_digits.empty() && out->frac_digits.empty()) return false;
  if (!text.empty()) {
    if (text[0] != 'e' && text[0] != 'E') return false;
    if (!LexExponent(text.substr(1), &out->exponent)) return false;
  }
  // BigDecimal's scale (digits after the point minus the exponent) must fit an int too.
  return FitsInt32(static_cast<int64_t>(out->frac_digits.size()) - out->exponent);
}

// Range and precision checks shared by parsing and arithmetic; exponent is that of the
// leading significant digit. too_many_digits is the message for > 38 digits.
Status CheckLimits(size_t digit_count, int64_t exponent, const char* too_many_digits) {
  if (exponent > kMaxExponent) return Status::Validation(kOverflow);
  if (exponent < kMinExponent) return Status::Validation(kUnderflow);
  if (digit_count > kMaxDigits) return Status::Validation(too_many_digits);
  return Status::OK();
}

// A magnitude as base-10 digits, index 0 weighing 10^low; used for exact arithmetic.
struct Wide {
  int64_t low = 0;
  std::vector<int> digits;
};

// Lays out the magnitude digits (leading digit weighing 10^exponent) over [low, low + width).
void Accumulate(const std::string& digits, int exponent, int sign, Wide* acc) {
  for (size_t i = 0; i < digits.size(); ++i) {
    const auto index = static_cast<size_t>(exponent - static_cast<int64_t>(i) - acc->low);
    acc->digits[index] += sign * (digits[i] - '0');
  }
}

// Propagates carries and borrows so every position holds 0..9. The total must be >= 0.
void Normalize(Wide* acc) {
  int carry = 0;
  for (int& d : acc->digits) {
    d += carry;
    carry = d >= 0 ? d / 10 : -((9 - d) / 10);
    d -= carry * 10;
  }
}

// Extracts the significant digits and the leading digit's exponent; digits empty if zero.
void Trim(const Wide& acc, std::string* digits, int64_t* exponent) {
  size_t top = acc.digits.size();
  while (top > 0 && acc.digits[top - 1] == 0) --top;
  if (top == 0) return;
  size_t bottom = 0;
  while (acc.digits[bottom] == 0) ++bottom;
  for (size_t i = top; i-- > bottom;) digits->push_back(static_cast<char>('0' + acc.digits[i]));
  *exponent = acc.low + static_cast<int64_t>(top) - 1;
}

}  // namespace

Number::Number() = default;

Number::Number(bool negative, std::string digits, int exponent)
    : negative_(negative), digits_(std::move(digits)), exponent_(exponent) {}

Result<Number> Number::Parse(std::string_view text) {
  Lexed lexed;
  if (!Lex(text, &lexed)) {
    // DynamoDB names the offending text, except when it is empty.
    return Status::Validation(text.empty() ? std::string(kNotANumber)
                                           : std::string(kNotANumber) + ": " + std::string(text));
  }

  std::string all;
  all.reserve(lexed.int_digits.size() + lexed.frac_digits.size());
  all.append(lexed.int_digits).append(lexed.frac_digits);
  const size_t first = all.find_first_not_of('0');
  if (first == std::string::npos) {
    // Zero: DynamoDB range-checks the written form (BigDecimal's adjusted exponent, -scale).
    int64_t adjusted = lexed.exponent - static_cast<int64_t>(lexed.frac_digits.size());
    STATOR_RETURN_IF_ERROR(CheckLimits(0, adjusted, kTooManyDigits));
    return Number();
  }
  const size_t last = all.find_last_not_of('0');
  int64_t exponent = static_cast<int64_t>(lexed.int_digits.size()) - 1 -
                     static_cast<int64_t>(first) + lexed.exponent;
  STATOR_RETURN_IF_ERROR(CheckLimits(last - first + 1, exponent, kTooManyDigits));
  return Number(lexed.negative, all.substr(first, last - first + 1), static_cast<int>(exponent));
}

std::string Number::ToString() const {
  if (IsZero()) return "0";
  std::string out = negative_ ? "-" : "";
  const int64_t n = static_cast<int64_t>(digits_.size());
  if (exponent_ >= n - 1) {  // an integer
    out += digits_;
    out.append(static_cast<size_t>(exponent_ - (n - 1)), '0');
  } else if (exponent_ >= 0) {  // point inside the digits
    out.append(digits_, 0, static_cast<size_t>(exponent_) + 1);
    out += '.';
    out.append(digits_, static_cast<size_t>(exponent_) + 1);
  } else {  // below one
    out += "0.";
    out.append(static_cast<size_t>(-exponent_ - 1), '0');
    out += digits_;
  }
  return out;
}

void Number::EncodeOrdered(std::string* out) const {
  if (IsZero()) {
    out->push_back(static_cast<char>(kClassZero));
    return;
  }
  out->push_back(static_cast<char>(negative_ ? kClassNegative : kClassPositive));
  const size_t body = out->size();
  const unsigned biased = static_cast<unsigned>(exponent_ + kExponentBias);
  out->push_back(static_cast<char>(biased >> 8));
  out->push_back(static_cast<char>(biased & 0xFF));
  for (size_t i = 0; i < digits_.size(); i += 2) {
    const unsigned high = static_cast<unsigned>(digits_[i] - '0') + 1;
    const unsigned low = i + 1 < digits_.size() ? static_cast<unsigned>(digits_[i + 1] - '0') + 1
                                                : 0;  // the terminator
    out->push_back(static_cast<char>(high << 4 | low));
  }
  if (digits_.size() % 2 == 0) out->push_back(0);  // terminator nibble + padding nibble
  if (negative_) {
    for (size_t i = body; i < out->size(); ++i) (*out)[i] = static_cast<char>(~(*out)[i]);
  }
}

Result<Number> Number::DecodeOrdered(std::string_view* in) {
  if (in->empty()) return Status::Corruption("number encoding: no bytes");
  const auto klass = static_cast<unsigned char>((*in)[0]);
  if (klass == kClassZero) {
    in->remove_prefix(1);
    return Number();
  }
  if (klass != kClassNegative && klass != kClassPositive) {
    return Status::Corruption("number encoding: unknown class byte");
  }
  const bool negative = klass == kClassNegative;
  const unsigned char mask = negative ? 0xFF : 0x00;
  auto byte_at = [&](size_t i) -> unsigned { return static_cast<unsigned char>((*in)[i] ^ mask); };

  if (in->size() < 3) return Status::Corruption("number encoding: truncated exponent");
  const int exponent = static_cast<int>(byte_at(1) << 8 | byte_at(2)) - kExponentBias;
  if (exponent < kMinExponent || exponent > kMaxExponent) {
    return Status::Corruption("number encoding: exponent out of range");
  }
  std::string digits;
  size_t pos = 3;
  for (bool done = false; !done; ++pos) {
    if (pos >= in->size()) return Status::Corruption("number encoding: missing terminator");
    const unsigned byte = byte_at(pos);
    const unsigned nibbles[2] = {byte >> 4, byte & 0x0F};
    if (nibbles[0] == 0 && nibbles[1] != 0) {
      return Status::Corruption("number encoding: bad padding");
    }
    for (unsigned nibble : nibbles) {
      if (nibble == 0) {
        done = true;
        break;
      }
      if (nibble > 10) return Status::Corruption("number encoding: bad digit");
      digits.push_back(static_cast<char>('0' + nibble - 1));
    }
  }
  if (digits.empty() || digits.size() > kMaxDigits || digits.front() == '0' ||
      digits.back() == '0') {
    return Status::Corruption("number encoding: digits not canonical");
  }
  in->remove_prefix(pos);
  return Number(negative, std::move(digits), exponent);
}

int Number::CompareMagnitude(const Number& a, const Number& b) {
  if (a.IsZero() || b.IsZero()) return static_cast<int>(!a.IsZero()) - !b.IsZero();
  if (a.exponent_ != b.exponent_) return a.exponent_ < b.exponent_ ? -1 : 1;
  // Same leading position: digit strings compare like the numbers (no trailing zeros).
  const int c = a.digits_.compare(b.digits_);
  return (c > 0) - (c < 0);
}

int Number::Compare(const Number& other) const {
  auto sign = [](const Number& x) { return x.IsZero() ? 0 : x.negative_ ? -1 : 1; };
  const int s = sign(*this);
  if (s != sign(other)) return s < sign(other) ? -1 : 1;
  return s >= 0 ? CompareMagnitude(*this, other) : -CompareMagnitude(*this, other);
}

Result<Number> Number::Add(const Number& a, const Number& b) { return AddSigned(a, b, false); }

Result<Number> Number::Subtract(const Number& a, const Number& b) { return AddSigned(a, b, true); }

Result<Number> Number::AddSigned(const Number& a, const Number& b, bool negate_b) {
  const bool b_negative = b.negative_ != negate_b;
  if (b.IsZero()) return a;
  if (a.IsZero()) return Number(b_negative, b.digits_, b.exponent_);

  // |big| >= |small|; the result takes big's sign.
  const bool a_is_big = CompareMagnitude(a, b) >= 0;
  const Number& big = a_is_big ? a : b;
  const Number& small = a_is_big ? b : a;
  const bool result_negative = a_is_big ? a.negative_ : b_negative;
  const bool same_sign = a.negative_ == b_negative;

  // Lay both magnitudes over one digit array wide enough for a final carry.
  Wide acc;
  acc.low = std::min<int64_t>(big.exponent_ - static_cast<int64_t>(big.digits_.size()) + 1,
                              small.exponent_ - static_cast<int64_t>(small.digits_.size()) + 1);
  acc.digits.assign(static_cast<size_t>(big.exponent_ + 2 - acc.low), 0);
  Accumulate(big.digits_, big.exponent_, 1, &acc);
  Accumulate(small.digits_, small.exponent_, same_sign ? 1 : -1, &acc);
  Normalize(&acc);

  std::string digits;
  int64_t exponent = 0;
  Trim(acc, &digits, &exponent);
  if (digits.empty()) return Number();
  // DynamoDB reports an arithmetic result needing more than 38 digits as an overflow.
  STATOR_RETURN_IF_ERROR(CheckLimits(digits.size(), exponent, kOverflow));
  return Number(result_negative, std::move(digits), static_cast<int>(exponent));
}

size_t Number::StorageSize() const {
  if (digits_.empty()) return 1;
  // Digits are stored in base-100 pairs aligned on the decimal point: count
  // the pairs the significant digits touch, from the leading digit's position
  // (exponent_) down to the last one's.
  auto floor_half = [](int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); };
  int64_t first = exponent_;
  int64_t last = static_cast<int64_t>(exponent_) - static_cast<int64_t>(digits_.size()) + 1;
  size_t pairs = static_cast<size_t>(floor_half(first) - floor_half(last) + 1);
  return 1 + pairs + (negative_ ? 1 : 0);
}

}  // namespace stator::model
