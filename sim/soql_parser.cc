#include <cctype>
#include <charconv>

#include "sim/schema.h"
#include "sim/soql.h"

namespace sfwarden::sim {
namespace {

struct Token {
  enum class Kind { kIdent, kString, kNumber, kDateTime, kDate, kSymbol, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;  // raw text (kString: unescaped value)
  SoqlPos pos;
  EpochMs time = 0;
};

struct Failure {
  SoqlError error;
};

class Parser {
 public:
  explicit Parser(std::string_view soql) : soql_(soql) {}

  SoqlQuery Parse() {
    Tokenize();
    SoqlQuery q;
    q.text = std::string(soql_);
    Expect("SELECT");
    if (IsKeyword(Peek(), "COUNT") && Peek(1).text == "(") {
      Next();
      Next();
      q.count = true;
      if (Peek().text != ")") q.count_field = Field();
      ExpectSymbol(")");
    } else {
      q.fields.push_back(Field());
      while (Peek().text == ",") {
        Next();
        q.fields.push_back(Field());
      }
    }
    Expect("FROM");
    const Token& object = Next();
    if (object.kind != Token::Kind::kIdent) Unexpected(object);
    q.object = object.text;
    q.object_pos = object.pos;
    if (IsKeyword(Peek(), "WHERE")) {
      Next();
      q.where = Or();
    }
    if (IsKeyword(Peek(), "ORDER")) {
      Next();
      Expect("BY");
      do {
        if (Peek().text == ",") Next();
        OrderItem item;
        item.field = Field();
        if (IsKeyword(Peek(), "ASC")) {
          Next();
        } else if (IsKeyword(Peek(), "DESC")) {
          Next();
          item.descending = true;
        }
        if (IsKeyword(Peek(), "NULLS")) {
          Next();
          if (IsKeyword(Peek(), "FIRST")) {
            Next();
          } else if (IsKeyword(Peek(), "LAST")) {
            Next();
            item.nulls_first = false;
          } else {
            Unexpected(Peek());
          }
        }
        q.order_by.push_back(std::move(item));
      } while (Peek().text == ",");
    }
    if (IsKeyword(Peek(), "LIMIT")) {
      Next();
      q.limit = Integer();
    }
    if (IsKeyword(Peek(), "OFFSET")) {
      Next();
      q.offset = Integer();
    }
    if (Peek().kind != Token::Kind::kEnd) Unexpected(Peek());
    return q;
  }

 private:
  [[noreturn]] void Fail(SoqlPos pos, std::string reason, std::string code = "MALFORMED_QUERY") {
    throw Failure{MakeSoqlError(std::move(code), soql_, pos, reason)};
  }
  [[noreturn]] void Unexpected(const Token& t) {
    Fail(t.pos, "unexpected token: " + (t.kind == Token::Kind::kEnd      ? std::string("<EOF>")
                                        : t.kind == Token::Kind::kString ? "'" + t.text + "'"
                                                                         : t.text));
  }

  void Tokenize() {
    if (soql_.size() > kMaxSoqlLength) Fail({}, "query is too long");
    size_t i = 0;
    int row = 1;
    size_t line_start = 0;
    auto pos_of = [&](size_t at) { return SoqlPos{row, static_cast<int>(at - line_start) + 1}; };
    while (i < soql_.size()) {
      char c = soql_[i];
      if (c == '\n') {
        ++row;
        line_start = ++i;
        continue;
      }
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token t;
      t.pos = pos_of(i);
      if (c == '\'') {
        t.kind = Token::Kind::kString;
        ++i;
        bool closed = false;
        while (i < soql_.size()) {
          char d = soql_[i++];
          if (d == '\'') {
            closed = true;
            break;
          }
          if (d == '\\') {
            if (i >= soql_.size()) break;
            char e = soql_[i++];
            // SOQL escape sequences (DOC-SOQL "Quoted String Escape Sequences"); \_ and \%
            // stay escaped so LIKE can tell them from wildcards.
            switch (e) {
              case 'n':
                t.text += '\n';
                break;
              case 'r':
                t.text += '\r';
                break;
              case 't':
                t.text += '\t';
                break;
              case 'b':
                t.text += '\b';
                break;
              case 'f':
                t.text += '\f';
                break;
              case '\'':
              case '"':
              case '\\':
                t.text += e;
                break;
              case '_':
              case '%':
                t.text += '\\';
                t.text += e;
                break;
              default:
                Fail(pos_of(i - 2), "Invalid string literal '\\" + std::string(1, e) +
                                        "'. Illegal character sequence '\\" + std::string(1, e) +
                                        "' in string literal.");
            }
          } else {
            if (d == '\n') Fail(t.pos, "unterminated string literal");
            t.text += d;
          }
        }
        if (!closed) Fail(t.pos, "unterminated string literal");
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        t.kind = Token::Kind::kIdent;
        while (i < soql_.size() &&
               (std::isalnum(static_cast<unsigned char>(soql_[i])) || soql_[i] == '_'))
          t.text += soql_[i++];
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '-' && i + 1 < soql_.size() &&
                  std::isdigit(static_cast<unsigned char>(soql_[i + 1])))) {
        t.text += soql_[i++];
        while (i < soql_.size() &&
               (std::isalnum(static_cast<unsigned char>(soql_[i])) || soql_[i] == ':' ||
                soql_[i] == '.' || soql_[i] == '+' || soql_[i] == '-'))
          t.text += soql_[i++];
        if (auto dt = ParseDateTime(t.text)) {
          t.kind = Token::Kind::kDateTime;
          t.time = *dt;
        } else if (auto d = ParseDate(t.text)) {
          t.kind = Token::Kind::kDate;
          t.time = *d;
        } else {
          double v;
          auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
          if (ec != std::errc() || end != t.text.data() + t.text.size()) Unexpected(t);
          t.kind = Token::Kind::kNumber;
        }
      } else {
        t.kind = Token::Kind::kSymbol;
        std::string_view two = soql_.substr(i, 2);
        if (two == "!=" || two == "<>" || two == "<=" || two == ">=") {
          t.text = two == "<>" ? "!=" : std::string(two);
          i += 2;
        } else if (std::string_view("=<>(),.:").find(c) != std::string_view::npos) {
          t.text = std::string(1, c);
          ++i;
        } else {
          t.text = std::string(1, c);
          Unexpected(t);
        }
      }
      tokens_.push_back(std::move(t));
    }
    Token end;
    end.pos = pos_of(i);
    tokens_.push_back(end);
  }

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  static bool IsKeyword(const Token& t, std::string_view kw) {
    return t.kind == Token::Kind::kIdent && EqualsIgnoreCase(t.text, kw);
  }
  void Expect(std::string_view kw) {
    if (!IsKeyword(Peek(), kw)) Unexpected(Peek());
    Next();
  }
  void ExpectSymbol(std::string_view s) {
    if (Peek().kind != Token::Kind::kSymbol || Peek().text != s) Unexpected(Peek());
    Next();
  }
  long Integer() {
    const Token& t = Next();
    long v = -1;
    if (t.kind == Token::Kind::kNumber)
      std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (v < 0 || t.text.find('.') != std::string::npos) Unexpected(t);
    return v;
  }

  FieldPath Field() {
    const Token& first = Next();
    if (first.kind != Token::Kind::kIdent || IsReserved(first.text)) Unexpected(first);
    FieldPath f;
    f.pos = first.pos;
    f.parts.push_back(first.text);
    f.text = first.text;
    while (Peek().text == "." && Peek().kind == Token::Kind::kSymbol) {
      Next();
      const Token& part = Next();
      if (part.kind != Token::Kind::kIdent) Unexpected(part);
      f.parts.push_back(part.text);
      f.text += "." + part.text;
    }
    return f;
  }

  static bool IsReserved(std::string_view word) {
    for (std::string_view kw : {"SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE",
                                "ORDER", "BY", "LIMIT", "OFFSET", "NULL", "TRUE", "FALSE"}) {
      if (EqualsIgnoreCase(word, kw)) return true;
    }
    return false;
  }

  // SOQL refuses "a AND b OR c": mixing needs parentheses.
  Expr Or() {
    Expr first = And();
    if (!IsKeyword(Peek(), "OR")) return first;
    Expr e;
    e.kind = Expr::Kind::kOr;
    e.children.push_back(std::move(first));
    while (IsKeyword(Peek(), "OR")) {
      Next();
      e.children.push_back(Not());
      if (IsKeyword(Peek(), "AND")) Unexpected(Peek());
    }
    return e;
  }
  Expr And() {
    Expr first = Not();
    if (!IsKeyword(Peek(), "AND")) return first;
    Expr e;
    e.kind = Expr::Kind::kAnd;
    e.children.push_back(std::move(first));
    while (IsKeyword(Peek(), "AND")) {
      Next();
      e.children.push_back(Not());
    }
    if (IsKeyword(Peek(), "OR")) Unexpected(Peek());
    return e;
  }
  Expr Not() {
    if (IsKeyword(Peek(), "NOT")) {
      Next();
      Expr e;
      e.kind = Expr::Kind::kNot;
      e.children.push_back(Not());
      return e;
    }
    if (Peek().kind == Token::Kind::kSymbol && Peek().text == "(") {
      Next();
      Expr inner = Or();
      ExpectSymbol(")");
      return inner;
    }
    return Comparison();
  }
  Expr Comparison() {
    Expr e;
    Condition& c = e.condition;
    c.field = Field();
    const Token& op = Next();
    if (op.kind == Token::Kind::kSymbol && (op.text == "=" || op.text == "!=" || op.text == "<" ||
                                            op.text == ">" || op.text == "<=" || op.text == ">=")) {
      c.op = op.text;
      c.values.push_back(Value());
    } else if (IsKeyword(op, "LIKE")) {
      c.op = "LIKE";
      c.values.push_back(Value());
    } else if (IsKeyword(op, "IN") || (IsKeyword(op, "NOT") && IsKeyword(Peek(), "IN"))) {
      if (IsKeyword(op, "NOT")) Next();
      c.op = IsKeyword(op, "NOT") ? "NOT IN" : "IN";
      ExpectSymbol("(");
      c.values.push_back(Value());
      while (Peek().text == "," && Peek().kind == Token::Kind::kSymbol) {
        Next();
        c.values.push_back(Value());
      }
      ExpectSymbol(")");
    } else {
      Unexpected(op);
    }
    return e;
  }
  Literal Value() {
    const Token& t = Next();
    Literal v;
    v.pos = t.pos;
    v.text = t.text;
    switch (t.kind) {
      case Token::Kind::kString:
        v.kind = Literal::Kind::kString;
        return v;
      case Token::Kind::kNumber:
        v.kind = Literal::Kind::kNumber;
        v.number = std::stod(t.text);
        return v;
      case Token::Kind::kDateTime:
        v.kind = Literal::Kind::kDateTime;
        v.time = t.time;
        return v;
      case Token::Kind::kDate:
        v.kind = Literal::Kind::kDate;
        v.time = t.time;
        return v;
      case Token::Kind::kIdent:
        break;
      default:
        Unexpected(t);
    }
    if (EqualsIgnoreCase(t.text, "null")) {
      v.kind = Literal::Kind::kNull;
    } else if (EqualsIgnoreCase(t.text, "true") || EqualsIgnoreCase(t.text, "false")) {
      v.kind = Literal::Kind::kBool;
      v.boolean = EqualsIgnoreCase(t.text, "true");
    } else {
      std::string name;
      for (char ch : t.text)
        name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      v.kind = Literal::Kind::kDateLiteral;
      v.text = name;
      bool takes_n = name == "LAST_N_DAYS" || name == "NEXT_N_DAYS" || name == "N_DAYS_AGO";
      bool plain = name == "TODAY" || name == "YESTERDAY" || name == "TOMORROW";
      if (takes_n) {
        ExpectSymbol(":");
        long n = Integer();
        v.n = static_cast<int>(n);
      } else if (!plain) {
        Unexpected(t);
      }
    }
    return v;
  }

  std::string_view soql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

SoqlError MakeSoqlError(std::string code, std::string_view soql, SoqlPos pos,
                        std::string_view reason) {
  // The echoed line is the one the error is on.
  std::string_view line = soql;
  for (int r = 1; r < pos.row; ++r) {
    auto nl = line.find('\n');
    if (nl == std::string_view::npos) break;
    line.remove_prefix(nl + 1);
  }
  line = line.substr(0, line.find('\n'));
  std::string msg = "\n" + std::string(line) + "\n" +
                    std::string(static_cast<size_t>(std::max(0, pos.column - 1)), ' ') +
                    "^\nERROR at Row:" + std::to_string(pos.row) +
                    ":Column:" + std::to_string(pos.column) + "\n" + std::string(reason);
  return {std::move(code), std::move(msg)};
}

tl::expected<SoqlQuery, SoqlError> ParseSoql(std::string_view soql) {
  try {
    return Parser(soql).Parse();
  } catch (const Failure& f) {
    return tl::unexpected(f.error);
  }
}

}  // namespace sfwarden::sim
