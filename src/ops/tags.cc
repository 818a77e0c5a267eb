#include "ops/tags.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <iterator>
#include <set>

#include "ops/arn.h"
#include "ops/tables.h"
#include "validation/limits.h"
#include "validation/table_names.h"

namespace stator::ops {
namespace {

using TagList = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kInvalidParameter = "One or more parameter values were invalid: ";

// ---- the ResourceArn ----

Status InvalidTableArn(std::string_view arn) {
  return Status::Validation("Invalid TableArn: Invalid ResourceArn provided as input " +
                            std::string(arn));
}

Status ResourceArnNotFound(std::string_view arn) {
  return Status::ResourceNotFound("Requested resource not found: ResourceArn: " + std::string(arn) +
                                  " not found");
}

// What a ResourceArn names once DynamoDB's checks pass: a table, or a
// table's stream (which has no tags: ResourceNotFoundException).
struct TaggableResource {
  std::string table_name;
  bool stream = false;
};

std::vector<std::string_view> SplitSlashes(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    out.push_back(s.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

// The ARN's account, kind of resource, region and table name, in that order.
// (Its syntax was checked when the request was decoded.)
Result<TaggableResource> ResolveResourceArn(const RequestContext& ctx, std::string_view arn) {
  STATOR_ASSIGN_OR_RETURN(ArnParts parts, SplitArn(arn));
  if (parts.account != ctx.env->account_id) return Status(Code::kAccessDenied, "Access is denied");
  std::vector<std::string_view> path = SplitSlashes(parts.resource);
  TaggableResource out;
  bool table_path = parts.service == "dynamodb" && path[0] == "table";
  if (table_path && path.size() == 4 && path[2] == "index") {
    return Status::Validation(std::string(kInvalidParameter) +
                              "Invalid resource arn provided, only table or stream is accepted. "
                              "Provided resource arn: " +
                              std::string(arn));
  }
  out.stream = table_path && path.size() == 4 && path[2] == "stream";
  if (!table_path || (path.size() != 2 && !out.stream)) {
    return Status::Validation(std::string(kInvalidParameter) +
                              "Provided Arn is not a DynamoDB resource arn: " + std::string(arn));
  }
  out.table_name = std::string(path[1]);
  if (parts.partition != "aws" || parts.region != ctx.region ||
      out.table_name.size() < validation::kMinTableNameLength ||
      out.table_name.size() > validation::kMaxTableNameLength ||
      !validation::MatchesNamePattern(out.table_name)) {
    return InvalidTableArn(arn);
  }
  return out;
}

// ---- tag keys and values ----

bool IsTagLetterDigitOrSpace(char32_t c);  // non-ASCII; defined at the end

// Decodes the code point at s[*pos] and advances; false on ill-formed UTF-8.
bool NextCodePoint(std::string_view s, size_t* pos, char32_t* out) {
  auto lead = static_cast<unsigned char>(s[*pos]);
  size_t extra = 0;
  char32_t c = lead;
  if (lead >= 0x80) {
    if ((lead & 0xE0) == 0xC0) {
      extra = 1, c = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, c = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, c = lead & 0x07;
    } else {
      return false;
    }
  }
  if (s.size() - *pos <= extra) return false;
  for (size_t i = 1; i <= extra; ++i) {
    auto next = static_cast<unsigned char>(s[*pos + i]);
    if ((next & 0xC0) != 0x80) return false;
    c = (c << 6) | (next & 0x3F);
  }
  *pos += extra + 1;
  *out = c;
  return true;
}

bool IsAsciiTagCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view(" _.:/=+-@").find(c) != std::string_view::npos;
}

// DynamoDB's tag pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]*, of `min` to `max`
// Unicode characters.
bool IsValidTagText(std::string_view s, size_t min, size_t max) {
  size_t count = 0;
  for (size_t pos = 0; pos < s.size(); ++count) {
    char32_t c = 0;
    if (!NextCodePoint(s, &pos, &c)) return false;
    bool allowed =
        c < 0x80 ? IsAsciiTagCharacter(static_cast<char>(c)) : IsTagLetterDigitOrSpace(c);
    if (!allowed) return false;
  }
  return count >= min && count <= max;
}

// "aws:" in any case.
bool HasReservedPrefix(std::string_view key) {
  constexpr std::string_view kPrefix = "aws:";
  if (key.size() < kPrefix.size()) return false;
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    char c = key[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kPrefix[i]) return false;
  }
  return true;
}

// A key of TagResource or UntagResource: valid, and not reserved.
Status CheckTagKey(const std::optional<std::string>& key) {
  if (!key || !IsValidTagText(*key, 1, validation::kMaxTagKeyLength)) {
    return Status::Validation("The Tag Key provided is invalid, Key: " + key.value_or("null"));
  }
  if (HasReservedPrefix(*key)) {
    return Status::Validation("Tag Key cannot be prefixed with aws:, Key: " + *key);
  }
  return Status::OK();
}

Status TooManyTags() {
  return Status::Validation("Number of Tags exceed the current limit for the provided ResourceArn");
}

constexpr size_t kMaxTags = static_cast<size_t>(validation::kMaxTags);

// Applies `change` to the tags of the table `resource` names and publishes
// the result, recomputing from the fresh definition if the table changed
// meanwhile (as UpdateTable does).
Status ChangeTags(const RequestContext& ctx, std::string_view arn, const TaggableResource& resource,
                  const std::function<Status(TagList*)>& change) {
  if (resource.stream) return ResourceArnNotFound(arn);
  Status s =
      ChangeTableDefinition(ctx, resource.table_name, [&](model::TableDef& def) -> Result<bool> {
        const TagList before = def.tags;
        STATOR_RETURN_IF_ERROR(change(&def.tags));
        return def.tags != before;
      }).status();
  if (s.code() == Code::kResourceNotFound) return ResourceArnNotFound(arn);
  return s;
}

// A NextToken is the position of the page's first tag, as ListTagsOfResource
// gave it: a decimal number from 1.
std::optional<size_t> ParseNextToken(const std::string& token) {
  size_t value = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size() || value == 0 || token[0] == '0') {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Status CheckResourceArnSyntax(std::string_view arn) { return SplitArn(arn).status(); }

Status CheckNewTags(const std::vector<TagInput>& tags) {
  for (const TagInput& tag : tags) {
    STATOR_RETURN_IF_ERROR(CheckTagKey(tag.key));
    if (!tag.value || !IsValidTagText(*tag.value, 0, validation::kMaxTagValueLength)) {
      return Status::Validation("The Tag Value provided is invalid, Value: " +
                                tag.value.value_or("null"));
    }
  }
  std::set<std::string_view> keys;
  for (const TagInput& tag : tags) {
    if (!keys.insert(*tag.key).second) {
      return Status::Validation("Duplicate Tag Keys provided as input: Duplicate Tag Key found " +
                                *tag.key);
    }
  }
  if (tags.size() > kMaxTags) return TooManyTags();
  return Status::OK();
}

Status TagResource(const RequestContext& ctx, const TagResourceRequest& req) {
  STATOR_ASSIGN_OR_RETURN(TaggableResource resource, ResolveResourceArn(ctx, req.resource_arn));
  if (req.tags.empty()) {
    return Status::Validation("Atleast one Tag needs to be provided as Input.");
  }
  STATOR_RETURN_IF_ERROR(CheckNewTags(req.tags));
  return ChangeTags(ctx, req.resource_arn, resource, [&](TagList* tags) {
    size_t before = tags->size();
    for (const TagInput& tag : req.tags) {
      auto same_key = [&](const auto& t) { return t.first == *tag.key; };
      auto it = std::find_if(tags->begin(), tags->end(), same_key);
      if (it != tags->end()) {
        it->second = *tag.value;  // an existing key keeps its place
      } else {
        tags->emplace_back(*tag.key, *tag.value);
      }
    }
    // The limit counts the tags the table would have; overwriting values
    // never exceeds it.
    return tags->size() > kMaxTags && tags->size() > before ? TooManyTags() : Status::OK();
  });
}

Status UntagResource(const RequestContext& ctx, const UntagResourceRequest& req) {
  STATOR_ASSIGN_OR_RETURN(TaggableResource resource, ResolveResourceArn(ctx, req.resource_arn));
  if (req.tag_keys.empty()) {
    return Status::Validation("Atleast one Tag Key needs to be provided as Input.");
  }
  for (const std::string& key : req.tag_keys) STATOR_RETURN_IF_ERROR(CheckTagKey(key));
  if (req.tag_keys.size() > kMaxTags) return TooManyTags();
  return ChangeTags(ctx, req.resource_arn, resource, [&](TagList* tags) {
    // Keys the table does not have are ignored, as in DynamoDB.
    std::erase_if(*tags, [&](const auto& t) {
      return std::find(req.tag_keys.begin(), req.tag_keys.end(), t.first) != req.tag_keys.end();
    });
    return Status::OK();
  });
}

Result<ListTagsOfResourceResponse> ListTagsOfResource(const RequestContext& ctx,
                                                      const ListTagsOfResourceRequest& req) {
  STATOR_ASSIGN_OR_RETURN(TaggableResource resource, ResolveResourceArn(ctx, req.resource_arn));
  size_t start = 0;
  if (req.next_token) {
    std::optional<size_t> position = ParseNextToken(*req.next_token);
    if (!position) {
      return Status::Validation("Invalid NextToken: Invalid NextToken provided as input " +
                                *req.next_token);
    }
    start = *position;
  }
  if (resource.stream) return ResourceArnNotFound(req.resource_arn);
  storage::TablePtr table = ctx.engine().FindTable(resource.table_name);
  if (table == nullptr) return ResourceArnNotFound(req.resource_arn);
  ListTagsOfResourceResponse resp;
  // A token past the end (tags removed since the previous page) gives an
  // empty last page.
  start = std::min(start, table->tags.size());
  size_t end = std::min(start + kTagsPerPage, table->tags.size());
  resp.tags.assign(table->tags.begin() + static_cast<std::ptrdiff_t>(start),
                   table->tags.begin() + static_cast<std::ptrdiff_t>(end));
  if (end < table->tags.size()) resp.next_token = std::to_string(end);
  return resp;
}

namespace {

// The code points from U+0080 up in Unicode's categories L (letters), N
// (numbers) and Z (separators), as closed ranges. Generated from Python's
// unicodedata (Unicode 14.0.0): runs of L, N and Z joined across unassigned
// code points, which are therefore accepted.
constexpr std::pair<char32_t, char32_t> kLetterDigitSpaceRanges[] = {
    {0xA0, 0xA0},       {0xAA, 0xAA},       {0xB2, 0xB3},       {0xB5, 0xB5},
    {0xB9, 0xBA},       {0xBC, 0xBE},       {0xC0, 0xD6},       {0xD8, 0xF6},
    {0xF8, 0x2C1},      {0x2C6, 0x2D1},     {0x2E0, 0x2E4},     {0x2EC, 0x2EC},
    {0x2EE, 0x2EE},     {0x370, 0x374},     {0x376, 0x37D},     {0x37F, 0x37F},
    {0x386, 0x386},     {0x388, 0x3F5},     {0x3F7, 0x481},     {0x48A, 0x559},
    {0x560, 0x588},     {0x5D0, 0x5F2},     {0x620, 0x64A},     {0x660, 0x669},
    {0x66E, 0x66F},     {0x671, 0x6D3},     {0x6D5, 0x6D5},     {0x6E5, 0x6E6},
    {0x6EE, 0x6FC},     {0x6FF, 0x6FF},     {0x710, 0x710},     {0x712, 0x72F},
    {0x74D, 0x7A5},     {0x7B1, 0x7EA},     {0x7F4, 0x7F5},     {0x7FA, 0x7FA},
    {0x800, 0x815},     {0x81A, 0x81A},     {0x824, 0x824},     {0x828, 0x828},
    {0x840, 0x858},     {0x860, 0x887},     {0x889, 0x88E},     {0x8A0, 0x8C9},
    {0x904, 0x939},     {0x93D, 0x93D},     {0x950, 0x950},     {0x958, 0x961},
    {0x966, 0x96F},     {0x971, 0x980},     {0x985, 0x9B9},     {0x9BD, 0x9BD},
    {0x9CE, 0x9CE},     {0x9DC, 0x9E1},     {0x9E6, 0x9F1},     {0x9F4, 0x9F9},
    {0x9FC, 0x9FC},     {0xA05, 0xA39},     {0xA59, 0xA6F},     {0xA72, 0xA74},
    {0xA85, 0xAB9},     {0xABD, 0xABD},     {0xAD0, 0xAE1},     {0xAE6, 0xAEF},
    {0xAF9, 0xAF9},     {0xB05, 0xB39},     {0xB3D, 0xB3D},     {0xB5C, 0xB61},
    {0xB66, 0xB6F},     {0xB71, 0xB77},     {0xB83, 0xBB9},     {0xBD0, 0xBD0},
    {0xBE6, 0xBF2},     {0xC05, 0xC39},     {0xC3D, 0xC3D},     {0xC58, 0xC61},
    {0xC66, 0xC6F},     {0xC78, 0xC7E},     {0xC80, 0xC80},     {0xC85, 0xCB9},
    {0xCBD, 0xCBD},     {0xCDD, 0xCE1},     {0xCE6, 0xCF2},     {0xD04, 0xD3A},
    {0xD3D, 0xD3D},     {0xD4E, 0xD4E},     {0xD54, 0xD56},     {0xD58, 0xD61},
    {0xD66, 0xD78},     {0xD7A, 0xD7F},     {0xD85, 0xDC6},     {0xDE6, 0xDEF},
    {0xE01, 0xE30},     {0xE32, 0xE33},     {0xE40, 0xE46},     {0xE50, 0xE59},
    {0xE81, 0xEB0},     {0xEB2, 0xEB3},     {0xEBD, 0xEC6},     {0xED0, 0xF00},
    {0xF20, 0xF33},     {0xF40, 0xF6C},     {0xF88, 0xF8C},     {0x1000, 0x102A},
    {0x103F, 0x1049},   {0x1050, 0x1055},   {0x105A, 0x105D},   {0x1061, 0x1061},
    {0x1065, 0x1066},   {0x106E, 0x1070},   {0x1075, 0x1081},   {0x108E, 0x108E},
    {0x1090, 0x1099},   {0x10A0, 0x10FA},   {0x10FC, 0x135A},   {0x1369, 0x138F},
    {0x13A0, 0x13FD},   {0x1401, 0x166C},   {0x166F, 0x169A},   {0x16A0, 0x16EA},
    {0x16EE, 0x1711},   {0x171F, 0x1731},   {0x1740, 0x1751},   {0x1760, 0x1770},
    {0x1780, 0x17B3},   {0x17D7, 0x17D7},   {0x17DC, 0x17DC},   {0x17E0, 0x17F9},
    {0x1810, 0x1884},   {0x1887, 0x18A8},   {0x18AA, 0x191E},   {0x1946, 0x19DA},
    {0x1A00, 0x1A16},   {0x1A20, 0x1A54},   {0x1A80, 0x1A99},   {0x1AA7, 0x1AA7},
    {0x1B05, 0x1B33},   {0x1B45, 0x1B59},   {0x1B83, 0x1BA0},   {0x1BAE, 0x1BE5},
    {0x1C00, 0x1C23},   {0x1C40, 0x1C7D},   {0x1C80, 0x1CBF},   {0x1CE9, 0x1CEC},
    {0x1CEE, 0x1CF3},   {0x1CF5, 0x1CF6},   {0x1CFA, 0x1DBF},   {0x1E00, 0x1FBC},
    {0x1FBE, 0x1FBE},   {0x1FC2, 0x1FCC},   {0x1FD0, 0x1FDB},   {0x1FE0, 0x1FEC},
    {0x1FF2, 0x1FFC},   {0x2000, 0x200A},   {0x2028, 0x2029},   {0x202F, 0x202F},
    {0x205F, 0x205F},   {0x2070, 0x2079},   {0x207F, 0x2089},   {0x2090, 0x209C},
    {0x2102, 0x2102},   {0x2107, 0x2107},   {0x210A, 0x2113},   {0x2115, 0x2115},
    {0x2119, 0x211D},   {0x2124, 0x2124},   {0x2126, 0x2126},   {0x2128, 0x2128},
    {0x212A, 0x212D},   {0x212F, 0x2139},   {0x213C, 0x213F},   {0x2145, 0x2149},
    {0x214E, 0x214E},   {0x2150, 0x2189},   {0x2460, 0x249B},   {0x24EA, 0x24FF},
    {0x2776, 0x2793},   {0x2C00, 0x2CE4},   {0x2CEB, 0x2CEE},   {0x2CF2, 0x2CF3},
    {0x2CFD, 0x2CFD},   {0x2D00, 0x2D6F},   {0x2D80, 0x2DDE},   {0x2E2F, 0x2E2F},
    {0x3000, 0x3000},   {0x3005, 0x3007},   {0x3021, 0x3029},   {0x3031, 0x3035},
    {0x3038, 0x303C},   {0x3041, 0x3096},   {0x309D, 0x309F},   {0x30A1, 0x30FA},
    {0x30FC, 0x318E},   {0x3192, 0x3195},   {0x31A0, 0x31BF},   {0x31F0, 0x31FF},
    {0x3220, 0x3229},   {0x3248, 0x324F},   {0x3251, 0x325F},   {0x3280, 0x3289},
    {0x32B1, 0x32BF},   {0x3400, 0x4DBF},   {0x4E00, 0xA48C},   {0xA4D0, 0xA4FD},
    {0xA500, 0xA60C},   {0xA610, 0xA66E},   {0xA67F, 0xA69D},   {0xA6A0, 0xA6EF},
    {0xA717, 0xA71F},   {0xA722, 0xA788},   {0xA78B, 0xA801},   {0xA803, 0xA805},
    {0xA807, 0xA80A},   {0xA80C, 0xA822},   {0xA830, 0xA835},   {0xA840, 0xA873},
    {0xA882, 0xA8B3},   {0xA8D0, 0xA8D9},   {0xA8F2, 0xA8F7},   {0xA8FB, 0xA8FB},
    {0xA8FD, 0xA8FE},   {0xA900, 0xA925},   {0xA930, 0xA946},   {0xA960, 0xA97C},
    {0xA984, 0xA9B2},   {0xA9CF, 0xA9D9},   {0xA9E0, 0xA9E4},   {0xA9E6, 0xAA28},
    {0xAA40, 0xAA42},   {0xAA44, 0xAA4B},   {0xAA50, 0xAA59},   {0xAA60, 0xAA76},
    {0xAA7A, 0xAA7A},   {0xAA7E, 0xAAAF},   {0xAAB1, 0xAAB1},   {0xAAB5, 0xAAB6},
    {0xAAB9, 0xAABD},   {0xAAC0, 0xAAC0},   {0xAAC2, 0xAADD},   {0xAAE0, 0xAAEA},
    {0xAAF2, 0xAAF4},   {0xAB01, 0xAB5A},   {0xAB5C, 0xAB69},   {0xAB70, 0xABE2},
    {0xABF0, 0xD7FB},   {0xF900, 0xFB1D},   {0xFB1F, 0xFB28},   {0xFB2A, 0xFBB1},
    {0xFBD3, 0xFD3D},   {0xFD50, 0xFDC7},   {0xFDF0, 0xFDFB},   {0xFE70, 0xFEFC},
    {0xFF10, 0xFF19},   {0xFF21, 0xFF3A},   {0xFF41, 0xFF5A},   {0xFF66, 0xFFDC},
    {0x10000, 0x100FA}, {0x10107, 0x10133}, {0x10140, 0x10178}, {0x1018A, 0x1018B},
    {0x10280, 0x102D0}, {0x102E1, 0x10375}, {0x10380, 0x1039D}, {0x103A0, 0x103CF},
    {0x103D1, 0x10563}, {0x10570, 0x10855}, {0x10858, 0x10876}, {0x10879, 0x1091B},
    {0x10920, 0x10939}, {0x10980, 0x10A00}, {0x10A10, 0x10A35}, {0x10A40, 0x10A48},
    {0x10A60, 0x10A7E}, {0x10A80, 0x10AC7}, {0x10AC9, 0x10AE4}, {0x10AEB, 0x10AEF},
    {0x10B00, 0x10B35}, {0x10B40, 0x10B91}, {0x10BA9, 0x10D23}, {0x10D30, 0x10EA9},
    {0x10EB0, 0x10F45}, {0x10F51, 0x10F54}, {0x10F70, 0x10F81}, {0x10FB0, 0x10FF6},
    {0x11003, 0x11037}, {0x11052, 0x1106F}, {0x11071, 0x11072}, {0x11075, 0x11075},
    {0x11083, 0x110AF}, {0x110D0, 0x110F9}, {0x11103, 0x11126}, {0x11136, 0x1113F},
    {0x11144, 0x11144}, {0x11147, 0x11172}, {0x11176, 0x11176}, {0x11183, 0x111B2},
    {0x111C1, 0x111C4}, {0x111D0, 0x111DA}, {0x111DC, 0x111DC}, {0x111E1, 0x1122B},
    {0x11280, 0x112A8}, {0x112B0, 0x112DE}, {0x112F0, 0x112F9}, {0x11305, 0x11339},
    {0x1133D, 0x1133D}, {0x11350, 0x11350}, {0x1135D, 0x11361}, {0x11400, 0x11434},
    {0x11447, 0x1144A}, {0x11450, 0x11459}, {0x1145F, 0x114AF}, {0x114C4, 0x114C5},
    {0x114C7, 0x115AE}, {0x115D8, 0x115DB}, {0x11600, 0x1162F}, {0x11644, 0x11659},
    {0x11680, 0x116AA}, {0x116B8, 0x116B8}, {0x116C0, 0x1171A}, {0x11730, 0x1173B},
    {0x11740, 0x1182B}, {0x118A0, 0x1192F}, {0x1193F, 0x1193F}, {0x11941, 0x11941},
    {0x11950, 0x119D0}, {0x119E1, 0x119E1}, {0x119E3, 0x119E3}, {0x11A00, 0x11A00},
    {0x11A0B, 0x11A32}, {0x11A3A, 0x11A3A}, {0x11A50, 0x11A50}, {0x11A5C, 0x11A89},
    {0x11A9D, 0x11A9D}, {0x11AB0, 0x11C2E}, {0x11C40, 0x11C40}, {0x11C50, 0x11C6C},
    {0x11C72, 0x11C8F}, {0x11D00, 0x11D30}, {0x11D46, 0x11D46}, {0x11D50, 0x11D89},
    {0x11D98, 0x11EF2}, {0x11FB0, 0x11FD4}, {0x12000, 0x1246E}, {0x12480, 0x12FF0},
    {0x13000, 0x1342E}, {0x14400, 0x16A69}, {0x16A70, 0x16AED}, {0x16B00, 0x16B2F},
    {0x16B40, 0x16B43}, {0x16B50, 0x16E96}, {0x16F00, 0x16F4A}, {0x16F50, 0x16F50},
    {0x16F93, 0x16FE1}, {0x16FE3, 0x16FE3}, {0x17000, 0x1BC99}, {0x1D2E0, 0x1D2F3},
    {0x1D360, 0x1D6C0}, {0x1D6C2, 0x1D6DA}, {0x1D6DC, 0x1D6FA}, {0x1D6FC, 0x1D714},
    {0x1D716, 0x1D734}, {0x1D736, 0x1D74E}, {0x1D750, 0x1D76E}, {0x1D770, 0x1D788},
    {0x1D78A, 0x1D7A8}, {0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7FF}, {0x1DF00, 0x1DF1E},
    {0x1E100, 0x1E12C}, {0x1E137, 0x1E14E}, {0x1E290, 0x1E2AD}, {0x1E2C0, 0x1E2EB},
    {0x1E2F0, 0x1E2F9}, {0x1E7E0, 0x1E8CF}, {0x1E900, 0x1E943}, {0x1E94B, 0x1E959},
    {0x1EC71, 0x1ECAB}, {0x1ECAD, 0x1ECAF}, {0x1ECB1, 0x1ED2D}, {0x1ED2F, 0x1EEBB},
    {0x1F100, 0x1F10C}, {0x1FBF0, 0x3134A},
};

bool IsTagLetterDigitOrSpace(char32_t c) {
  auto it = std::upper_bound(std::begin(kLetterDigitSpaceRanges), std::end(kLetterDigitSpaceRanges),
                             c, [](char32_t v, const auto& range) { return v < range.first; });
  return it != std::begin(kLetterDigitSpaceRanges) && c <= std::prev(it)->second;
}

}  // namespace

}  // namespace stator::ops
