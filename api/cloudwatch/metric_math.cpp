#include "api/cloudwatch/metric_math.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace ecslocal::api::cloudwatch::math {

struct Node {
  enum class Kind { Number, Text, Id, Call, Binary, Negate };
  explicit Node(Kind k) : kind(k) {}
  Kind kind;
  double number = 0;
  std::string name;  // Text: its content; Id: the id; Call: the function (upper case)
  char op = 0;       // Binary: + - * / ^
  std::vector<Expression> args;
};

namespace {

[[noreturn]] void bad(const std::string& why) { throw std::invalid_argument(why); }

Expression make(Node node) { return std::make_shared<const Node>(std::move(node)); }

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  Expression parse() {
    Expression e = sum();
    skip();
    if (pos_ != text_.size()) bad("unexpected '" + text_.substr(pos_, 1) + "' at position " + std::to_string(pos_ + 1));
    return e;
  }

 private:
  void skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool take(char c) {
    skip();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  Expression sum() {
    Expression left = product();
    for (;;) {
      if (take('+')) left = binary('+', left, product());
      else if (take('-')) left = binary('-', left, product());
      else return left;
    }
  }
  Expression product() {
    Expression left = power();
    for (;;) {
      if (take('*')) left = binary('*', left, power());
      else if (take('/')) left = binary('/', left, power());
      else return left;
    }
  }
  Expression power() {
    Expression base = unary();
    if (take('^')) return binary('^', base, power());
    return base;
  }
  Expression unary() {
    if (take('-')) {
      Node n(Node::Kind::Negate);
      n.args.push_back(unary());
      return make(std::move(n));
    }
    return primary();
  }
  Expression primary() {
    skip();
    if (pos_ >= text_.size()) bad("the expression ends where a value was expected");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      Expression inner = sum();
      if (!take(')')) bad("a ')' is missing at position " + std::to_string(pos_ + 1));
      return inner;
    }
    if (c == '"' || c == '\'') {
      const auto close = text_.find(c, pos_ + 1);
      if (close == std::string::npos) bad("a string is not closed");
      Node n(Node::Kind::Text);
      n.name = text_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
      return make(std::move(n));
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      std::size_t used = 0;
      double value = 0;
      try {
        value = std::stod(text_.substr(pos_), &used);
      } catch (const std::exception&) {
        bad("'" + text_.substr(pos_, 1) + "' at position " + std::to_string(pos_ + 1) + " is not a number");
      }
      pos_ += used;
      Node n(Node::Kind::Number);
      n.number = value;
      return make(std::move(n));
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t begin = pos_;
      while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
      std::string word = text_.substr(begin, pos_ - begin);
      if (take('(')) {
        Node n(Node::Kind::Call);
        std::transform(word.begin(), word.end(), word.begin(), [](unsigned char ch) { return std::toupper(ch); });
        n.name = word;
        if (!take(')')) {
          do n.args.push_back(sum());
          while (take(','));
          if (!take(')')) bad("a ')' is missing after the arguments of " + word);
        }
        return make(std::move(n));
      }
      Node n(Node::Kind::Id);
      n.name = word;
      return make(std::move(n));
    }
    bad("unexpected '" + std::string(1, c) + "' at position " + std::to_string(pos_ + 1));
  }
  static Expression binary(char op, Expression a, Expression b) {
    Node n(Node::Kind::Binary);
    n.op = op;
    n.args = {std::move(a), std::move(b)};
    return make(std::move(n));
  }

  const std::string& text_;
  std::size_t pos_ = 0;
};

void collect(const Expression& e, std::vector<std::string>& out) {
  if (e->kind == Node::Kind::Id && std::find(out.begin(), out.end(), e->name) == out.end()) out.push_back(e->name);
  for (const auto& a : e->args) collect(a, out);
}

double apply(char op, double a, double b) {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    default: return std::pow(a, b);
  }
}

Value scalar(double v) {
  Value out;
  out.scalar = true;
  out.number = v;
  return out;
}

// Point by point; a result that is not finite (a division by zero) is no point.
TimeSeries combine(char op, const TimeSeries& a, const TimeSeries& b) {
  TimeSeries out{a.id, a.label, {}};
  for (const auto& [t, x] : a.points)
    if (auto it = b.points.find(t); it != b.points.end())
      if (double r = apply(op, x, it->second); std::isfinite(r)) out.points[t] = r;
  return out;
}

TimeSeries with_scalar(char op, const TimeSeries& s, double k, bool scalar_first) {
  TimeSeries out{s.id, s.label, {}};
  for (const auto& [t, x] : s.points)
    if (double r = scalar_first ? apply(op, k, x) : apply(op, x, k); std::isfinite(r)) out.points[t] = r;
  return out;
}

Value binary(char op, const Value& a, const Value& b) {
  if (a.scalar && b.scalar) return scalar(apply(op, a.number, b.number));
  Value out;
  if (a.scalar || b.scalar) {
    const Value& s = a.scalar ? b : a;
    const double k = a.scalar ? a.number : b.number;
    for (const auto& series : s.series) out.series.push_back(with_scalar(op, series, k, a.scalar));
    return out;
  }
  if (a.series.size() > 1 && b.series.size() > 1)
    bad("two arrays of time series cannot be combined with '" + std::string(1, op) + "'");
  const Value& many = a.series.size() > 1 ? a : b;
  const TimeSeries& one = a.series.size() > 1 ? b.series.at(0) : a.series.at(0);
  for (const auto& series : many.series)
    out.series.push_back(a.series.size() > 1 ? combine(op, series, one) : combine(op, one, series));
  return out;
}

double aggregate(const std::string& fn, const std::vector<double>& values) {
  if (fn == "SUM") {
    double s = 0;
    for (double v : values) s += v;
    return s;
  }
  if (fn == "AVG") {
    double s = 0;
    for (double v : values) s += v;
    return s / static_cast<double>(values.size());
  }
  if (fn == "MIN") return *std::min_element(values.begin(), values.end());
  return *std::max_element(values.begin(), values.end());
}

// SUM/AVG/MIN/MAX: of one series, a scalar over its points; of several, a series point by point.
Value reduce(const std::string& fn, const Value& x) {
  if (x.scalar) bad(fn + " takes a time series or an array of time series, not a number");
  if (x.series.size() == 1) {
    std::vector<double> values;
    for (const auto& [t, v] : x.series[0].points) values.push_back(v);
    if (values.empty()) return Value{};  // nothing to reduce: an empty series
    return scalar(aggregate(fn, values));
  }
  std::map<std::int64_t, std::vector<double>> by_time;
  for (const auto& s : x.series)
    for (const auto& [t, v] : s.points) by_time[t].push_back(v);
  TimeSeries out;
  for (const auto& [t, values] : by_time) out.points[t] = aggregate(fn, values);
  Value result;
  result.series.push_back(std::move(out));
  return result;
}

TimeSeries fill(const TimeSeries& s, const Expression& how, const Context& ctx, const Value& fill_value) {
  TimeSeries out = s;
  const bool repeat = how->kind == Node::Kind::Id && how->name == "REPEAT";
  const bool linear = how->kind == Node::Kind::Id && how->name == "LINEAR";
  for (auto t : ctx.timeline) {
    if (s.points.count(t)) continue;
    auto after = s.points.lower_bound(t);
    auto before = after == s.points.begin() ? s.points.end() : std::prev(after);
    if (repeat) {
      if (before != s.points.end()) out.points[t] = before->second;
      else if (after != s.points.end()) out.points[t] = after->second;
    } else if (linear) {
      if (before != s.points.end() && after != s.points.end())
        out.points[t] = before->second + (after->second - before->second) * static_cast<double>(t - before->first) /
                                             static_cast<double>(after->first - before->first);
    } else if (fill_value.scalar) {
      out.points[t] = fill_value.number;
    } else if (fill_value.series.size() == 1) {
      if (auto it = fill_value.series[0].points.find(t); it != fill_value.series[0].points.end()) out.points[t] = it->second;
    }
  }
  return out;
}

Value call(const Node& n, const Context& ctx);

Value eval(const Expression& e, const Context& ctx) {
  switch (e->kind) {
    case Node::Kind::Number: return scalar(e->number);
    case Node::Kind::Text: bad("the string \"" + e->name + "\" can only be an argument of METRICS");
    case Node::Kind::Id:
      if (e->name == "REPEAT" || e->name == "LINEAR") bad(e->name + " can only be the second argument of FILL");
      return ctx.resolve(e->name);
    case Node::Kind::Negate: return binary('-', scalar(0), eval(e->args[0], ctx));
    case Node::Kind::Binary: return binary(e->op, eval(e->args[0], ctx), eval(e->args[1], ctx));
    case Node::Kind::Call: return call(*e, ctx);
  }
  bad("unknown expression");
}

Value call(const Node& n, const Context& ctx) {
  auto arity = [&](std::size_t want) {
    if (n.args.size() != want)
      bad(n.name + " takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s") + ", not " +
          std::to_string(n.args.size()));
  };
  if (n.name == "METRICS") {
    if (n.args.size() > 1 || (n.args.size() == 1 && n.args[0]->kind != Node::Kind::Text))
      bad("METRICS takes no argument or one string");
    Value out;
    for (auto& s : ctx.metric_stats())
      if (n.args.empty() || s.label.find(n.args[0]->name) != std::string::npos) out.series.push_back(std::move(s));
    return out;
  }
  if (n.name == "SUM" || n.name == "AVG" || n.name == "MIN" || n.name == "MAX") {
    arity(1);
    return reduce(n.name, eval(n.args[0], ctx));
  }
  if (n.name == "ABS") {
    arity(1);
    Value x = eval(n.args[0], ctx);
    if (x.scalar) return scalar(std::fabs(x.number));
    for (auto& s : x.series)
      for (auto& [t, v] : s.points) v = std::fabs(v);
    return x;
  }
  if (n.name == "FILL") {
    arity(2);
    Value x = eval(n.args[0], ctx);
    if (x.scalar) bad("FILL takes a time series or an array of time series first, not a number");
    const auto& how = n.args[1];
    const bool keyword = how->kind == Node::Kind::Id && (how->name == "REPEAT" || how->name == "LINEAR");
    Value with = keyword ? Value{} : eval(how, ctx);
    if (!keyword && !with.scalar && with.series.size() != 1)
      bad("FILL fills with a number, a single time series, REPEAT or LINEAR");
    for (auto& s : x.series) s = fill(s, how, ctx, with);
    return x;
  }
  throw NotImplemented("ecslocal does not evaluate the metric math function " + n.name +
                       " yet (it does +, -, *, /, ^, SUM, AVG, MIN, MAX, ABS, FILL and METRICS)");
}

}  // namespace

Expression parse(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) bad("the expression is empty");
  return Parser(text).parse();
}

std::vector<std::string> references(const Expression& expression) {
  std::vector<std::string> out;
  collect(expression, out);
  out.erase(std::remove_if(out.begin(), out.end(), [](const std::string& id) { return id == "REPEAT" || id == "LINEAR"; }),
            out.end());
  return out;
}

Value evaluate(const Expression& expression, const Context& context) { return eval(expression, context); }

}  // namespace ecslocal::api::cloudwatch::math
