// Metric math: parsing (precedence, strings, errors), series aligned by timestamp, scalars
// broadcast, SUM/AVG/MIN/MAX of one series (a scalar) and of several (a series), METRICS with
// and without a label filter, FILL with a number, REPEAT and LINEAR, and unsupported functions
// refused as not implemented.
#include "api/cloudwatch/metric_math.hpp"

#include <gtest/gtest.h>

namespace ecslocal::api::cloudwatch::math {
namespace {

TimeSeries series(const std::string& id, std::map<std::int64_t, double> points) { return {id, id, std::move(points)}; }

struct Fixture {
  std::map<std::string, TimeSeries> known{
      {"a", series("a", {{0, 2}, {60, 4}, {120, 6}})},
      {"b", series("b", {{0, 1}, {120, 3}})},
  };
  Context context() {
    Context ctx;
    ctx.resolve = [this](const std::string& id) {
      auto it = known.find(id);
      if (it == known.end()) throw std::invalid_argument("no query " + id);
      Value v;
      v.series.push_back(it->second);
      return v;
    };
    ctx.metric_stats = [this] {
      std::vector<TimeSeries> all;
      for (const auto& [id, s] : known) all.push_back(s);
      return all;
    };
    ctx.timeline = {0, 60, 120, 180};
    return ctx;
  }
  Value run(const std::string& text) { return evaluate(parse(text), context()); }
  std::map<std::int64_t, double> points(const std::string& text) {
    Value v = run(text);
    EXPECT_FALSE(v.scalar) << text;
    EXPECT_EQ(v.series.size(), 1u) << text;
    return v.series.empty() ? std::map<std::int64_t, double>{} : v.series[0].points;
  }
};

using Points = std::map<std::int64_t, double>;

TEST(MetricMath, ArithmeticFollowsPrecedenceAndAlignsSeries) {
  Fixture f;
  EXPECT_DOUBLE_EQ(f.run("1 + 2 * 3 ^ 2").number, 19.0);
  EXPECT_DOUBLE_EQ(f.run("(1 + 2) * -3").number, -9.0);
  EXPECT_EQ(f.points("a + b"), (Points{{0, 3}, {120, 9}}));   // only the timestamps both have
  EXPECT_EQ(f.points("100 * b / a"), (Points{{0, 50}, {120, 50}}));
  EXPECT_EQ(f.points("a - 1"), (Points{{0, 1}, {60, 3}, {120, 5}}));
  EXPECT_EQ(f.points("a / (b - 1)"), (Points{{120, 3}}));    // a division by zero is no point
}

TEST(MetricMath, ReductionsOfOneSeriesAreScalarsOfSeveralAreSeries) {
  Fixture f;
  EXPECT_DOUBLE_EQ(f.run("SUM(a)").number, 12.0);
  EXPECT_DOUBLE_EQ(f.run("avg(a)").number, 4.0);
  EXPECT_DOUBLE_EQ(f.run("MIN(a) + MAX(b)").number, 5.0);
  EXPECT_EQ(f.points("SUM(METRICS())"), (Points{{0, 3}, {60, 4}, {120, 9}}));
  EXPECT_EQ(f.points("MAX(METRICS())"), (Points{{0, 2}, {60, 4}, {120, 6}}));
  EXPECT_EQ(f.run("METRICS()").series.size(), 2u);
  EXPECT_EQ(f.run("METRICS('b')").series.size(), 1u);
  EXPECT_EQ(f.run("METRICS() * 2").series.size(), 2u);
  EXPECT_EQ(f.points("ABS(0 - a)"), (Points{{0, 2}, {60, 4}, {120, 6}}));
}

TEST(MetricMath, FillCompletesTheTimeline) {
  Fixture f;
  EXPECT_EQ(f.points("FILL(b, 0)"), (Points{{0, 1}, {60, 0}, {120, 3}, {180, 0}}));
  EXPECT_EQ(f.points("FILL(b, REPEAT)"), (Points{{0, 1}, {60, 1}, {120, 3}, {180, 3}}));
  EXPECT_EQ(f.points("FILL(b, LINEAR)"), (Points{{0, 1}, {60, 2}, {120, 3}}));
  EXPECT_EQ(f.points("FILL(b, a)"), (Points{{0, 1}, {60, 4}, {120, 3}}));
}

TEST(MetricMath, ReferencesNameTheIdsUsed) {
  EXPECT_EQ(references(parse("FILL(m1, REPEAT) + m2 * m1")), (std::vector<std::string>{"m1", "m2"}));
}

TEST(MetricMath, BadExpressionsSayWhatIsWrong) {
  auto why = [](const std::string& text) {
    try {
      Fixture f;
      f.run(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(why(""), "the expression is empty");
  EXPECT_EQ(why("a +"), "the expression ends where a value was expected");
  EXPECT_EQ(why("(a + b"), "a ')' is missing at position 7");
  EXPECT_EQ(why("a $ b"), "unexpected '$' at position 3");
  EXPECT_EQ(why("SUM(a, b)"), "SUM takes 1 argument, not 2");
  EXPECT_EQ(why("SUM(3)"), "SUM takes a time series or an array of time series, not a number");
  EXPECT_EQ(why("METRICS() + METRICS()"), "two arrays of time series cannot be combined with '+'");
  EXPECT_EQ(why("zz"), "no query zz");
  EXPECT_EQ(why("'text'"), "the string \"text\" can only be an argument of METRICS");
}

TEST(MetricMath, OtherFunctionsAreNotImplemented) {
  Fixture f;
  EXPECT_THROW(f.run("ANOMALY_DETECTION_BAND(a, 2)"), NotImplemented);
  EXPECT_THROW(f.run("RATE(a)"), NotImplemented);
}

}  // namespace
}  // namespace ecslocal::api::cloudwatch::math
