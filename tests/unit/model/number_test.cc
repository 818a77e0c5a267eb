#include "model/number.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace stator::model {
namespace {

constexpr char kNotANumber[] = "The parameter cannot be converted to a numeric value";
constexpr char kOverflow[] =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr char kUnderflow[] =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";
constexpr char kTooManyDigits[] = "Attempting to store more than 38 significant digits in a Number";

const std::string k38Nines(38, '9');

Number N(std::string_view text) {
  auto n = Number::Parse(text);
  EXPECT_TRUE(n.ok()) << text << ": " << n.status().message();
  return n.ok() ? *n : Number();
}

std::string Encode(const Number& n) {
  std::string out;
  n.EncodeOrdered(&out);
  return out;
}

int Sign(int v) { return (v > 0) - (v < 0); }

// ---------------------------------------------------------------- parsing

struct ParseCase {
  std::string text;
  std::string canonical;
};

TEST(NumberParseTest, AcceptsBigDecimalSyntaxAndNormalises) {
  // clang-format off
  const std::vector<ParseCase> cases = {
      // Plain integers and signs.
      {"1", "1"}, {"123", "123"}, {"-5", "-5"}, {"0", "0"}, {"10", "10"}, {"1000", "1000"},
      {"+3", "3"}, {"+0", "0"}, {"+1.5", "1.5"}, {"-0", "0"}, {"-0.0", "0"}, {"+1", "1"},
      // Leading zeros and trailing fractional zeros.
      {"007", "7"}, {"001.23", "1.23"}, {"00", "0"}, {"00012.3400", "12.34"},
      {"1.0", "1"}, {"1.00", "1"}, {"1.10", "1.1"}, {"100.000", "100"}, {"0.0", "0"},
      {"0.10", "0.1"}, {"1.50", "1.5"},
      // Leading or trailing point.
      {".5", "0.5"}, {".123", "0.123"}, {"-.5", "-0.5"}, {"+.5", "0.5"}, {"5.", "5"},
      {"1.e3", "1000"},
      // Exponents.
      {"1e3", "1000"}, {"1E3", "1000"}, {"1e+3", "1000"}, {"1E+3", "1000"}, {"1E+2", "100"},
      {"5e1", "50"}, {"-3e2", "-300"}, {"1.5e2", "150"}, {"1.23e4", "12300"}, {"1e5", "100000"},
      {"1e-3", "0.001"}, {"5e-1", "0.5"}, {"123e-2", "1.23"}, {"1.23e-1", "0.123"},
      {"1e-5", "0.00001"}, {"-.5e-3", "-0.0005"}, {"1.0e3", "1000"}, {"1.00e2", "100"},
      {"1.0e-1", "0.1"}, {"1e0", "1"}, {"1E-0", "1"}, {"1e000000000000000000002", "100"},
      {"12.5e-1", "1.25"}, {"0.00123e3", "1.23"},
      // Zero written in many ways.
      {"0e5", "0"}, {"0.0e3", "0"}, {"0e-5", "0"}, {"-0e5", "0"}, {"0e125", "0"},
      {"0.0e126", "0"}, {"0e-130", "0"}, {"000.000", "0"},
      // Already canonical.
      {"3.14159", "3.14159"}, {"-273.15", "-273.15"}, {"0.001", "0.001"},
      // Large and small magnitudes print in full.
      {"1e20", "100000000000000000000"}, {"9.9e10", "99000000000"},
      {"1e-20", "0.00000000000000000001"}, {"1e125", "1" + std::string(125, '0')},
      {"-1e125", "-1" + std::string(125, '0')},
      {"1e-130", "0." + std::string(129, '0') + "1"},
      {"0.1e126", "1" + std::string(125, '0')},
  };
  // clang-format on
  for (const auto& c : cases) {
    auto n = Number::Parse(c.text);
    ASSERT_TRUE(n.ok()) << c.text << ": " << n.status().message();
    EXPECT_EQ(n->ToString(), c.canonical) << c.text;
    // The canonical text reads back as the same number.
    EXPECT_EQ(N(c.canonical), *n) << c.text;
  }
}

TEST(NumberParseTest, RejectsTextOutsideTheGrammar) {
  // clang-format off
  const std::vector<std::string> cases = {
      "", " 1", "1 ", "\t1", "1\n", "abc", "dog", "-dog", "1e", "1E", "NaN", "-NaN", "nan",
      "Infinity", "-Infinity", "inf", "0x10", "0X1F", ".", "+", "-", "+.", "-.", "e5", ".e5",
      "E5", "1e+", "1e-", "1e+-5", "1e--5", "1e5e5", "++1", "+-1", "--1", "-+1", "1_000",
      "1,5", "1,000", "1e5.5", "1..2", "1.2.3", "..1", "1d", "1f", "1L", "1.5f", "0b1",
      "1 000", "1e 5", "\xef\xbc\x91" /* fullwidth one */, std::string("1\0", 2), "1/2", "∞",
      "1e99999999999" /* 11 significant exponent digits */,
      "1e2147483648" /* exponent does not fit an int */, "1e-2147483649", "0e2147483648",
      "1e-2147483648" /* scale 2147483648 does not fit an int */, "1.5e-2147483647",
      "0.0e-2147483647",
  };
  // clang-format on
  for (const auto& text : cases) {
    auto n = Number::Parse(text);
    ASSERT_FALSE(n.ok()) << text;
    EXPECT_EQ(n.status().code(), Code::kValidation) << text;
    std::string expected = text.empty() ? kNotANumber : std::string(kNotANumber) + ": " + text;
    EXPECT_EQ(n.status().message(), expected) << text;
  }
}

struct LimitCase {
  std::string text;
  const char* error;  // nullptr: accepted
};

TEST(NumberParseTest, EnforcesMagnitudeAndPrecisionLimits) {
  const std::string k39 = "123456789012345678901234567890123456789";
  // clang-format off
  const std::vector<LimitCase> cases = {
      // Smallest magnitude.
      {"1E-130", nullptr}, {"-1E-130", nullptr}, {"0.1e-129", nullptr},
      {"1E-131", kUnderflow}, {"-1e-131", kUnderflow}, {"0.1e-130", kUnderflow},
      {"0.9e-130", kUnderflow}, {"9.99e-131", kUnderflow},
      // Largest magnitude.
      {"9." + k38Nines.substr(1) + "E+125", nullptr},
      {"-9." + k38Nines.substr(1) + "E+125", nullptr}, {"1e125", nullptr},
      {"9.99999999e125", nullptr}, {"1E+126", kOverflow}, {"-1e126", kOverflow},
      {"10E+125", kOverflow}, {"11e125", kOverflow}, {"1e2147483647", kOverflow},
      {"1e-2147483647", kUnderflow},
      // Zero is checked on its written exponent: (exponent) - (digits after the point).
      {"0e125", nullptr}, {"0.0e126", nullptr}, {"0e-130", nullptr}, {"0e126", kOverflow},
      {"-0e126", kOverflow}, {"0e-131", kUnderflow}, {"0.00e-129", kUnderflow},
      {"0." + std::string(131, '0'), kUnderflow}, {"0." + std::string(130, '0'), nullptr},
      // 38 significant digits, not 39; zeros at either end never count.
      {"12345678901234567890123456789012345678", nullptr},
      {"3.1415926535897932384626433832795028841", nullptr},
      {"31415926535897932384626433832795028841e30", nullptr}, {k39, kTooManyDigits},
      {"-1.23456789012345678901234567890123456789", kTooManyDigits},
      {"3.14159265358979323846264338327950288419", kTooManyDigits},
      {"1000000000000000000000000000000000000001", kTooManyDigits},
      {"1" + std::string(50, '0'), nullptr}, {"1." + std::string(45, '0'), nullptr},
      {"0.1" + std::string(45, '0'), nullptr}, {std::string(60, '0') + "1", nullptr},
      {"0." + std::string(47, '0') + "1", nullptr},
      // When several limits are broken, range is reported before precision.
      {k39 + "e200", kOverflow}, {k39 + "e-200", kUnderflow},
  };
  // clang-format on
  for (const auto& c : cases) {
    auto n = Number::Parse(c.text);
    if (c.error == nullptr) {
      EXPECT_TRUE(n.ok()) << c.text << ": " << n.status().message();
    } else {
      ASSERT_FALSE(n.ok()) << c.text;
      EXPECT_EQ(n.status().code(), Code::kValidation) << c.text;
      EXPECT_EQ(n.status().message(), c.error) << c.text;
    }
  }
}

TEST(NumberTest, DefaultIsZero) {
  Number zero;
  EXPECT_TRUE(zero.IsZero());
  EXPECT_FALSE(zero.IsNegative());
  EXPECT_EQ(zero.ToString(), "0");
  EXPECT_EQ(zero, N("-0.000"));
  EXPECT_FALSE(N("-0").IsNegative());
  EXPECT_TRUE(N("-0.5").IsNegative());
  EXPECT_FALSE(N("0.5").IsZero());
}

// ---------------------------------------------------------------- comparison

// Strictly ascending; neighbours differ in sign, exponent, length or a single digit.
// clang-format off
const std::vector<std::string> kAscending = {
    "-9." + k38Nines.substr(1) + "e125", "-1e125", "-100", "-99.99", "-12.5", "-12", "-1.1",
    "-1.01", "-1", "-0.1234", "-0.123", "-0.12", "-0.1", "-1e-129", "-1e-130", "0", "1e-130",
    "2e-130", "1e-129", "0.1", "0.10000000000000000000000000000000000001", "0.12", "0.123",
    "0.1234", "0.2", "1", "1.0000000000000000000000000000000000001", "1.01", "1.1", "9",
    "10", "11", "99", "100", "1e38", "1e125", "9." + k38Nines.substr(1) + "e125",
};
// clang-format on

TEST(NumberCompareTest, TableIsAscendingByCompareAndByEncoding) {
  for (size_t i = 0; i < kAscending.size(); ++i) {
    for (size_t j = 0; j < kAscending.size(); ++j) {
      const Number a = N(kAscending[i]);
      const Number b = N(kAscending[j]);
      const int expected = Sign(static_cast<int>(i) - static_cast<int>(j));
      EXPECT_EQ(Sign(a.Compare(b)), expected) << kAscending[i] << " vs " << kAscending[j];
      EXPECT_EQ(Sign(Encode(a).compare(Encode(b))), expected)
          << kAscending[i] << " vs " << kAscending[j];
      EXPECT_EQ(a == b, i == j);
      EXPECT_EQ(a < b, i < j);
    }
  }
}

TEST(NumberCompareTest, DifferentTextsOfOneValueAreEqual) {
  EXPECT_EQ(N("1000"), N("1e3"));
  EXPECT_EQ(N("1000"), N("+001000.000"));
  EXPECT_EQ(N("0.5"), N("5E-1"));
  EXPECT_EQ(N("0"), N("-0e-5"));
  EXPECT_EQ(Encode(N("1000")), Encode(N("1E+3")));
  EXPECT_EQ(Encode(N("-0")), Encode(Number()));
}

// ---------------------------------------------------------------- encoding

TEST(NumberEncodingTest, DocumentedBytes) {
  EXPECT_EQ(Encode(Number()), std::string("\x02", 1));
  // 1 = 1 x 10^0: exponent 0x8000, nibbles 2 (digit 1), 0 (terminator).
  EXPECT_EQ(Encode(N("1")), std::string("\x03\x80\x00\x20", 4));
  // 12.5 = 1.25 x 10^1: nibbles 2 3 6 0.
  EXPECT_EQ(Encode(N("12.5")), std::string("\x03\x80\x01\x23\x60", 5));
  // 0.12 = 1.2 x 10^-1 (0x7FFF): nibbles 2 3, then terminator and padding.
  EXPECT_EQ(Encode(N("0.12")), std::string("\x03\x7F\xFF\x23\x00", 5));
  // -1: the positive body complemented.
  EXPECT_EQ(Encode(N("-1")), std::string("\x01\x7F\xFF\xDF", 4));
}

TEST(NumberEncodingTest, RoundTripsAndLeavesFollowingBytes) {
  for (const auto& text : kAscending) {
    const Number n = N(text);
    std::string buf = Encode(n) + "tail";
    std::string_view in = buf;
    auto decoded = Number::DecodeOrdered(&in);
    ASSERT_TRUE(decoded.ok()) << text << ": " << decoded.status().message();
    EXPECT_EQ(*decoded, n) << text;
    EXPECT_EQ(decoded->ToString(), n.ToString());
    EXPECT_EQ(in, "tail") << text;
  }
}

TEST(NumberEncodingTest, DecodesConsecutiveEncodings) {
  std::string buf;
  for (const auto& text : kAscending) N(text).EncodeOrdered(&buf);
  std::string_view in = buf;
  for (const auto& text : kAscending) {
    auto n = Number::DecodeOrdered(&in);
    ASSERT_TRUE(n.ok()) << text;
    EXPECT_EQ(*n, N(text));
  }
  EXPECT_TRUE(in.empty());
}

TEST(NumberEncodingTest, RejectsCorruptBytes) {
  // clang-format off
  const std::vector<std::string> cases = {
      std::string(),                                   // nothing
      std::string("\x00", 1),                          // unknown class
      std::string("\x04"),                             // unknown class
      std::string("\x03"),                             // truncated exponent
      std::string("\x03\x80", 2),                      // truncated exponent
      std::string("\x03\x80\x00", 3),                  // no digits, no terminator
      std::string("\x03\x80\x00\x23", 4),              // no terminator
      std::string("\x03\x80\x00\x00", 4),              // no digits
      std::string("\x03\x80\x00\x0B", 4),              // terminator, then non-zero pad
      std::string("\x03\x80\x00\xB0", 4),              // nibble 11
      std::string("\x03\x80\x00\x12\x00", 5),          // leading zero digit
      std::string("\x03\x80\x00\x21\x00", 5),          // trailing zero digit
      std::string("\x03\x80\x7E\x20", 4),              // exponent 126
      std::string("\x03\x7F\x7D\x20", 4),              // exponent -131
      std::string("\x01\x7F\x81\xDF", 4),              // negative, exponent 126
      std::string("\x01\x7F\xFF\x20", 4),              // negative, body not complemented
      std::string("\x03\x80\x00", 3) + std::string(19, '\x22') + "\x20",  // 39 digits
  };
  // clang-format on
  for (const auto& bytes : cases) {
    std::string_view in = bytes;
    auto n = Number::DecodeOrdered(&in);
    ASSERT_FALSE(n.ok()) << testing::PrintToString(bytes);
    EXPECT_EQ(n.status().code(), Code::kCorruption);
  }
}

// Random numbers biased towards near neighbours: shared digit prefixes of different lengths,
// adjacent exponents, both signs, zero and the extremes.
std::vector<Number> RandomNumbers(size_t count, std::mt19937_64* rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(*rng); };
  std::vector<Number> out = {Number(), N("1e-130"), N("-1e-130"),
                             N("9." + k38Nines.substr(1) + "e125"),
                             N("-9." + k38Nines.substr(1) + "e125")};
  std::string digits = "1";
  int exponent = 0;
  while (out.size() < count) {
    switch (pick(0, 4)) {
      case 0:  // fresh digits
        digits.clear();
        for (int i = pick(1, 38); i > 0; --i) digits.push_back(static_cast<char>('0' + pick(0, 9)));
        digits[0] = static_cast<char>('1' + pick(0, 8));
        break;
      case 1:  // shorter prefix
        digits.resize(static_cast<size_t>(pick(1, static_cast<int>(digits.size()))));
        break;
      case 2:  // one more digit
        if (digits.size() < 38) digits.push_back(static_cast<char>('0' + pick(0, 9)));
        break;
      case 3:  // neighbouring exponent
        exponent = std::clamp(exponent + pick(-1, 1), -130, 125);
        break;
      default:
        exponent = pick(-130, 125);
    }
    const std::string sign = pick(0, 1) ? "-" : "";
    out.push_back(
        N(sign + digits.substr(0, 1) + "." + digits.substr(1) + "e" + std::to_string(exponent)));
  }
  return out;
}

TEST(NumberEncodingTest, MemcmpOrderMatchesNumericOrderOnRandomNumbers) {
  std::mt19937_64 rng(20240611);
  std::vector<Number> numbers = RandomNumbers(4000, &rng);
  std::vector<Number> by_compare = numbers;
  std::stable_sort(by_compare.begin(), by_compare.end(),
                   [](const Number& a, const Number& b) { return a.Compare(b) < 0; });
  std::vector<std::string> encodings;
  for (const auto& n : numbers) encodings.push_back(Encode(n));
  std::sort(encodings.begin(), encodings.end());
  ASSERT_EQ(encodings.size(), by_compare.size());
  for (size_t i = 0; i < encodings.size(); ++i) {
    EXPECT_EQ(encodings[i], Encode(by_compare[i])) << by_compare[i].ToString();
    std::string_view in = encodings[i];
    auto decoded = Number::DecodeOrdered(&in);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, by_compare[i]);
    EXPECT_TRUE(in.empty());
  }
}

TEST(NumberCompareTest, CompareAgreesWithSubtraction) {
  std::mt19937_64 rng(7);
  std::vector<Number> numbers = RandomNumbers(300, &rng);
  for (const auto& a : numbers) {
    for (const auto& b : numbers) {
      auto diff = Number::Subtract(a, b);
      if (!diff.ok()) continue;  // the exact difference does not fit
      const int expected = diff->IsZero() ? 0 : diff->IsNegative() ? -1 : 1;
      ASSERT_EQ(Sign(a.Compare(b)), expected) << a.ToString() << " vs " << b.ToString();
    }
  }
}

// ---------------------------------------------------------------- arithmetic

struct ArithmeticCase {
  std::string a;
  char op;
  std::string b;
  std::string result;  // canonical text, or an error message
};

TEST(NumberArithmeticTest, ExactResultsAndLimits) {
  const std::string max = "9." + k38Nines.substr(1) + "e125";
  // clang-format off
  const std::vector<ArithmeticCase> cases = {
      {"1", '+', "2", "3"}, {"0.1", '+', "0.2", "0.3"}, {"0.5", '+', "0.5", "1"},
      {"1", '+', "10000000000000000000000", "10000000000000000000001"},
      {"10000000000000000000000", '-', "1", "9999999999999999999999"},
      {"-5", '+', "3", "-2"}, {"3", '-', "5", "-2"}, {"-3", '-', "-5", "2"},
      {"-3", '+', "-5", "-8"}, {"5", '-', "-3", "8"}, {"-0.001", '-', "0.009", "-0.01"},
      {"0", '+', "-7.5", "-7.5"}, {"0", '-', "7.5", "-7.5"}, {"0", '-', "-7.5", "7.5"},
      {"7.5", '+', "0", "7.5"}, {"7.5", '-', "0", "7.5"}, {"0", '+', "0", "0"},
      // Carries and borrows across the whole width.
      {"99999999999999999999999999999999999999", '+', "1",
       "100000000000000000000000000000000000000"},
      {"100000000000000000000000000000000000000", '-', "1", k38Nines},
      {"1e38", '-', "1e10", "99999999999999999999999999990000000000"},
      {"9.99", '+', "0.01", "10"}, {"1000", '-', "0.001", "999.999"},
      {"1.0000000000000000000000000000000000001", '-', "1",
       "0.0000000000000000000000000000000000001"},
      {"1", '+', "1e-37", "1.0000000000000000000000000000000000001"},
      // Cancellation to zero.
      {"1.5", '-', "1.5", "0"}, {"-2", '+', "2", "0"}, {"1e-130", '-', "1e-130", "0"},
      {max, '-', max, "0"},
      // Smallest magnitudes.
      {"1e-130", '+', "1e-130", "0." + std::string(129, '0') + "2"},
      {"2e-130", '-', "1e-130", "0." + std::string(129, '0') + "1"},
      {"1e-130", '-', "2e-130", "-0." + std::string(129, '0') + "1"},
      {"1e-129", '-', "9e-130", "0." + std::string(129, '0') + "1"},
      {"1.5e-130", '-', "1e-130", kUnderflow}, {"-1.5e-130", '+', "1e-130", kUnderflow},
      // Largest magnitudes.
      {"9e125", '+', "9e124", "99" + std::string(124, '0')},
      {"9e125", '+', "9e125", kOverflow}, {"9e125", '-', "-9e125", kOverflow},
      {"-9e125", '-', "9e125", kOverflow}, {"5e125", '+', "5e125", kOverflow},
      {max, '+', "1e88", kOverflow}, {max, '+', "1e89", kOverflow},
      {max, '-', "1e88", "99999999999999999999999999999999999998" + std::string(88, '0')},
      // More than 38 significant digits: DynamoDB reports these as overflow too.
      {"1e50", '+', "1", kOverflow}, {"1e50", '-', "1", kOverflow},
      {"99999999999999999999999999999999999999", '+', "2", kOverflow},
      {"1", '+', "1e-40", kOverflow}, {"1e38", '+', "1", kOverflow},
      {"1e125", '+', "1e-130", kOverflow},
  };
  // clang-format on
  for (const auto& c : cases) {
    const Number a = N(c.a);
    const Number b = N(c.b);
    auto r = c.op == '+' ? Number::Add(a, b) : Number::Subtract(a, b);
    const std::string what = c.a + " " + c.op + " " + c.b;
    if (c.result == kOverflow || c.result == kUnderflow) {
      ASSERT_FALSE(r.ok()) << what << " = " << r->ToString();
      EXPECT_EQ(r.status().code(), Code::kValidation) << what;
      EXPECT_EQ(r.status().message(), c.result) << what;
    } else {
      ASSERT_TRUE(r.ok()) << what << ": " << r.status().message();
      EXPECT_EQ(r->ToString(), c.result) << what;
      EXPECT_FALSE(r->IsZero() && r->IsNegative()) << what;
    }
  }
}

TEST(NumberArithmeticTest, AddAndSubtractAreConsistent) {
  std::mt19937_64 rng(99);
  std::vector<Number> numbers = RandomNumbers(200, &rng);
  for (const auto& a : numbers) {
    for (const auto& b : numbers) {
      auto sum = Number::Add(a, b);
      auto swapped = Number::Add(b, a);
      ASSERT_EQ(sum.ok(), swapped.ok());
      if (!sum.ok()) continue;
      EXPECT_EQ(*sum, *swapped);
      auto back = Number::Subtract(*sum, b);
      ASSERT_TRUE(back.ok()) << a.ToString() << " + " << b.ToString();
      EXPECT_EQ(*back, a) << a.ToString() << " + " << b.ToString();
    }
  }
}

// ---------------------------------------------------------------- storage size

TEST(NumberStorageSizeTest, BaseHundredPairsPlusOnePlusSign) {
  // clang-format off
  const std::vector<std::pair<std::string, size_t>> cases = {
      {"0", 1}, {"-0.000", 1}, {"1", 2}, {"-1", 3}, {"10", 2}, {"100", 2}, {"1e100", 2},
      {"1e125", 2}, {"11e124", 2}, {"11111e121", 4}, {"1111111e119", 5}, {"1e-130", 2},
      {"12", 2}, {"1.2", 3}, {"0.5", 2}, {"123", 3}, {"123456", 4}, {"12.3456", 4},
      {"-12.3456", 5}, {"1234567", 5}, {"1" + std::string(38 - 1, '1') + "e88", 20},
  };
  // clang-format on
  for (const auto& [text, size] : cases) EXPECT_EQ(N(text).StorageSize(), size) << text;
}

}  // namespace
}  // namespace stator::model
