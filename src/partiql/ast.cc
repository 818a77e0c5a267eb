#include "partiql/ast.h"

#include <initializer_list>
#include <string_view>

namespace stator::partiql {
namespace {

// The parts joined (built in place: concatenating temporaries trips a false GCC 12 -Wrestrict
// warning).
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

// A quoted identifier, with its quotes doubled.
std::string Quoted(const std::string& name, char quote) {
  std::string out(1, quote);
  for (char c : name) {
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

std::string ToString(const model::AttributeValue& v) {
  switch (v.type()) {
    case model::Type::kS:
      return Quoted(v.s(), '\'');
    case model::Type::kN:
      return v.n().ToString();
    case model::Type::kBool:
      return v.boolean() ? "true" : "false";
    case model::Type::kNull:
      return "null";
    default:
      return "<value>";  // the parser makes only scalar literals
  }
}

std::string Join(const std::vector<ExprPtr>& args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) out += Cat({i ? ", " : "", ToString(*args[i])});
  return out;
}

std::string ReturningString(Returning r) {
  switch (r) {
    case Returning::kAllOld:
      return " RETURNING ALL OLD *";
    case Returning::kModifiedOld:
      return " RETURNING MODIFIED OLD *";
    case Returning::kAllNew:
      return " RETURNING ALL NEW *";
    case Returning::kModifiedNew:
      return " RETURNING MODIFIED NEW *";
    case Returning::kNone:
      break;
  }
  return "";
}

// The PartiQL type name IS tests for a DynamoDB type (parser.cc's table, reversed).
std::string PartiqlTypeName(const std::string& type) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"BOOL", "BOOLEAN"}, {"B", "BLOB"}, {"S", "STRING"}, {"N", "NUMERIC"},
      {"M", "STRUCT"},     {"L", "LIST"}};
  for (const auto& [dynamo, partiql] : kNames) {
    if (type == dynamo) return std::string(partiql);
  }
  return type;  // MISSING, NULL
}

std::string Where(const ExprPtr& where) { return where ? Cat({" WHERE ", ToString(*where)}) : ""; }

}  // namespace

std::string ToString(const Path& path) {
  std::string out = Quoted(path.root, '"');
  for (const PathStep& step : path.steps) {
    if (step.kind == PathStep::Kind::kIndex) {
      out.push_back('[');
      out.append(std::to_string(step.index));
      out.push_back(']');
    } else {
      out.push_back('.');
      out.append(Quoted(step.name, '"'));
    }
  }
  return out;
}

std::string ToString(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kPath:
      return ToString(e.path);
    case Expr::Kind::kLiteral:
      return ToString(e.literal);
    case Expr::Kind::kParameter:
      return "?";
    case Expr::Kind::kMissing:
      return "MISSING";
    case Expr::Kind::kList:
      return Cat({"[", Join(e.args), "]"});
    case Expr::Kind::kBag:
      return Cat({"<<", Join(e.args), ">>"});
    case Expr::Kind::kTuple: {
      std::string out = "{";
      for (size_t i = 0; i < e.args.size(); ++i) {
        out += Cat({i ? ", " : "", Quoted(e.keys[i], '\''), ": ", ToString(*e.args[i])});
      }
      return out + "}";
    }
    case Expr::Kind::kBinary: {
      std::string op = e.op;
      for (char& c : op) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return Cat({"(", ToString(*e.args[0]), " ", op, " ", ToString(*e.args[1]), ")"});
    }
    case Expr::Kind::kNot:
      return Cat({"(NOT ", ToString(*e.args[0]), ")"});
    case Expr::Kind::kNegate:
      return Cat({"(-", ToString(*e.args[0]), ")"});
    case Expr::Kind::kBetween:
      return Cat({"(", ToString(*e.args[0]), e.negated ? " NOT" : "", " BETWEEN ",
                  ToString(*e.args[1]), " AND ", ToString(*e.args[2]), ")"});
    case Expr::Kind::kIn:
      return Cat({"(", ToString(*e.args[0]), e.negated ? " NOT" : "", " IN ",
                  ToString(*e.args[1]), ")"});
    case Expr::Kind::kIs:
      return Cat({"(", ToString(*e.args[0]), " IS ", e.negated ? "NOT " : "",
                  PartiqlTypeName(e.is_type), ")"});
    case Expr::Kind::kCall:
      return Cat({e.function, "(", Join(e.args), ")"});
    case Expr::Kind::kSubquery:
      return Cat({"(", ToString(*e.select), ")"});
  }
  return "";
}

std::string ToString(const SelectStatement& s) {
  std::string out = "SELECT ";
  if (s.star) {
    out += "*";
  } else {
    for (size_t i = 0; i < s.projection.size(); ++i) {
      if (i) out += ", ";
      out += ToString(s.projection[i]);
    }
  }
  out += " FROM ";
  out += Quoted(s.table, '"');
  if (s.index) {
    out += '.';
    out += Quoted(*s.index, '"');
  }
  out += Where(s.where);
  for (size_t i = 0; i < s.order_by.size(); ++i) {
    out += i ? ", " : " ORDER BY ";
    out += ToString(s.order_by[i].path);
    out += s.order_by[i].descending ? " DESC" : " ASC";
  }
  return out;
}

std::string ToString(const Statement& statement) {
  struct Visitor {
    std::string operator()(const SelectStatement& s) const { return ToString(s); }
    std::string operator()(const InsertStatement& s) const {
      return Cat({"INSERT INTO ", Quoted(s.table, '"'), " VALUE ", ToString(*s.value)});
    }
    std::string operator()(const UpdateStatement& s) const {
      std::string out = Cat({"UPDATE ", Quoted(s.table, '"')});
      for (const SetClause& c : s.sets) {
        out += Cat({" SET ", ToString(c.target), " = ", ToString(*c.value)});
      }
      for (const Path& p : s.removes) out += Cat({" REMOVE ", ToString(p)});
      return Cat({out, Where(s.where), ReturningString(s.returning)});
    }
    std::string operator()(const DeleteStatement& s) const {
      return Cat({"DELETE FROM ", Quoted(s.table, '"'), Where(s.where), ReturningString(s.returning)});
    }
    std::string operator()(const ExistsStatement& s) const {
      return Cat({"EXISTS(", ToString(*s.select), ")"});
    }
  };
  return std::visit(Visitor{}, statement.body);
}

}  // namespace stator::partiql
