// Number: DynamoDB's "N" type, an exact decimal.
//
// A Number is zero or a decimal with 1 to 38 significant digits whose magnitude lies in
// [1E-130, 9.9999999999999999999999999999999999999E+125]. Every Number held by this class
// satisfies those limits; the only ways to make one are Parse, DecodeOrdered, Add and
// Subtract, and each returns DynamoDB's ValidationException message when a limit is broken.
// The representation is canonical (no leading or trailing zeros, no negative zero), so two
// Numbers are equal exactly when their values are, whatever text they were parsed from.
//
// Text accepted by Parse (the grammar of Java's BigDecimal(String), ASCII digits only):
//   [+|-] ( digits [ "." [digits] ] | "." digits ) [ (e|E) [+|-] digits ]
// No whitespace, no "NaN"/"Infinity", no hex. The written exponent must fit a 32-bit int
// (leading zeros in it are ignored), and so must (digits after the point) - exponent.
// Checks, in this order:
//   - text not in the grammar  -> "The parameter cannot be converted to a numeric value: <text>"
//                                  (without ": <text>" when the text is empty)
//   - magnitude > 9.99..9E+125 -> "Number overflow. Attempting to store a number with
//                                  magnitude larger than supported range"
//   - magnitude < 1E-130       -> "Number underflow. Attempting to store a number with
//                                  magnitude smaller than supported range"
//   - more than 38 significant digits (leading and trailing zeros never count)
//                              -> "Attempting to store more than 38 significant digits in a Number"
// A zero is range-checked on its written form, as DynamoDB does: its exponent is
// (written exponent) - (digits after the point), so "0e126" overflows and "0e-131"
// underflows while "0.0e126" and "0e125" are zero.
//
// Arithmetic (Add, Subtract) is exact. A result whose magnitude exceeds the range, or which
// needs more than 38 significant digits, fails with the "Number overflow" message (DynamoDB
// reports 1E+50 + 1 that way); one below 1E-130 fails with "Number underflow".
//
// Ordered encoding (persisted: docs/design/number-encoding.md; DO NOT CHANGE):
//   zero:     0x02
//   positive: 0x03, E, D
//   negative: 0x01, ~E, ~D   (every byte of E and D complemented)
// where, for the magnitude d1.d2...dn x 10^e (d1 != 0, dn != 0, 1 <= n <= 38):
//   E = e + 0x8000 as a 2-byte big-endian integer (e is in [-130, 125]);
//   D = the nibbles (d1+1), (d2+1), ..., (dn+1), 0, packed two per byte high nibble first,
//       with one more 0 nibble when needed to fill the last byte.
// memcmp order of encodings is numeric order, and no encoding is a prefix of another, so an
// encoding may be followed by further bytes (e.g. the rest of a key) without changing order.
//
// StorageSize is DynamoDB's item-size charge for a number ("about 1 byte per two significant
// digits, plus 1"), exactly: 1 + the number of base-100 digit pairs, aligned on the decimal
// point, that the significant digits touch, + 1 if negative; zero is 1 byte. So "12" is 2,
// "1.2" is 3, "12.3456" is 4, "-1" is 3 (checked against DynamoDB's capacity arithmetic at
// the 1024/1025-byte boundary).
//
// Thread-safety: a Number is an immutable value after construction; const methods may be
// called concurrently.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace stator::model {

class Number {
 public:
  Number();  // zero

  // Parses DynamoDB wire text (an "N" value). Fails with Status::Validation and DynamoDB's
  // exact message (see the file comment).
  static Result<Number> Parse(std::string_view text);

  // Canonical plain text as DynamoDB returns it: no exponent, no leading or trailing zeros,
  // no '+', "0" for zero. E.g. "-0" -> "0", "1.50" -> "1.5", "1E+2" -> "100",
  // "1e-5" -> "0.00001".
  std::string ToString() const;

  // Appends the order-preserving, self-delimiting encoding (see the file comment).
  void EncodeOrdered(std::string* out) const;
  // Decodes one encoding from the front of *in and advances *in past it. Fails with
  // Status::Corruption on bytes EncodeOrdered cannot produce; *in is then unspecified.
  static Result<Number> DecodeOrdered(std::string_view* in);

  // <0, 0 or >0 as *this is numerically less than, equal to or greater than other.
  int Compare(const Number& other) const;
  bool operator==(const Number& o) const { return Compare(o) == 0; }
  bool operator<(const Number& o) const { return Compare(o) < 0; }

  bool IsZero() const { return digits_.empty(); }
  bool IsNegative() const { return negative_; }

  // a + b and a - b, exactly, as UpdateExpression's "+"/"-" and ADD compute them. Fails with
  // Status::Validation when the result breaks the limits (see the file comment).
  static Result<Number> Add(const Number& a, const Number& b);
  static Result<Number> Subtract(const Number& a, const Number& b);

  // Bytes this value counts for in DynamoDB's item size: ceil(digits / 2) + 1.
  size_t StorageSize() const;

 private:
  // Requires canonical parts: digits without leading/trailing '0' (empty for zero),
  // exponent within the limits, negative false for zero.
  Number(bool negative, std::string digits, int exponent);

  // a + (negate_b ? -b : b).
  static Result<Number> AddSigned(const Number& a, const Number& b, bool negate_b);
  // Compares |a| and |b|.
  static int CompareMagnitude(const Number& a, const Number& b);

  bool negative_ = false;  // never true for zero
  std::string digits_;     // significant digits '1'..'9' first and last; empty for zero
  int exponent_ = 0;       // value = d1.d2...dn x 10^exponent_; 0 for zero
};

}  // namespace stator::model
