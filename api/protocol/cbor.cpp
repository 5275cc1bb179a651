#include "api/protocol/cbor.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "api/common/base64.hpp"

namespace ecslocal::api::protocol {
namespace {

using nlohmann::json;

// ---- decoding ----

class Reader {
 public:
  Reader(std::string_view bytes, int max_depth) : bytes_(bytes), max_depth_(max_depth) {}

  json item(int depth) {
    if (depth > max_depth_) fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
    const std::uint8_t initial = byte();
    const int major = initial >> 5;
    const int info = initial & 0x1f;
    switch (major) {
      case 0: return json(argument(info));
      case 1: {
        const std::uint64_t n = argument(info);
        if (n > static_cast<std::uint64_t>(INT64_MAX)) return json(-1.0 - static_cast<double>(n));
        return json(-1 - static_cast<std::int64_t>(n));
      }
      case 2: return json(base64_encode(string_of(info, 2)));
      case 3: return json(string_of(info, 3));
      case 4: return array(info, depth);
      case 5: return map(info, depth);
      case 6: {
        (void)argument(info);  // the tag number: tag 1 (epoch time) keeps its number, others their content
        return item(depth + 1);
      }
      default: return simple(info);
    }
  }

  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::invalid_argument("malformed CBOR at byte " + std::to_string(pos_) + ": " + why);
  }
  std::uint8_t byte() {
    if (pos_ >= bytes_.size()) fail("unexpected end of input");
    return static_cast<std::uint8_t>(bytes_[pos_++]);
  }
  std::uint64_t be(int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | byte();
    return v;
  }
  std::uint64_t argument(int info) {
    if (info < 24) return static_cast<std::uint64_t>(info);
    if (info == 24) return be(1);
    if (info == 25) return be(2);
    if (info == 26) return be(4);
    if (info == 27) return be(8);
    fail(info == 31 ? "indefinite length where a length is needed" : "reserved additional information");
  }
  std::string take(std::uint64_t n) {
    if (n > bytes_.size() - pos_) fail("a string runs past the end of input");
    std::string out(bytes_.substr(pos_, static_cast<size_t>(n)));
    pos_ += static_cast<size_t>(n);
    return out;
  }
  // Definite, or indefinite (chunks of the same major type up to the break byte).
  std::string string_of(int info, int major) {
    if (info != 31) return take(argument(info));
    std::string out;
    for (;;) {
      const std::uint8_t b = byte();
      if (b == 0xff) return out;
      if ((b >> 5) != major || (b & 0x1f) == 31) fail("a bad chunk in an indefinite-length string");
      out += take(argument(b & 0x1f));
    }
  }
  bool next_is_break() {
    if (pos_ >= bytes_.size()) fail("unexpected end of input");
    if (static_cast<std::uint8_t>(bytes_[pos_]) != 0xff) return false;
    ++pos_;
    return true;
  }
  json array(int info, int depth) {
    json out = json::array();
    if (info == 31) {
      while (!next_is_break()) out.push_back(item(depth + 1));
      return out;
    }
    const std::uint64_t n = argument(info);
    if (n > bytes_.size() - pos_) fail("an array longer than the input");
    for (std::uint64_t i = 0; i < n; ++i) out.push_back(item(depth + 1));
    return out;
  }
  json map(int info, int depth) {
    json out = json::object();
    auto entry = [&] {
      json key = item(depth + 1);
      if (!key.is_string()) fail("a map key that is not text");
      out[key.get<std::string>()] = item(depth + 1);
    };
    if (info == 31) {
      while (!next_is_break()) entry();
      return out;
    }
    const std::uint64_t n = argument(info);
    if (n > (bytes_.size() - pos_) / 2) fail("a map longer than the input");
    for (std::uint64_t i = 0; i < n; ++i) entry();
    return out;
  }
  json simple(int info) {
    switch (info) {
      case 20: return json(false);
      case 21: return json(true);
      case 22:
      case 23: return json(nullptr);  // null, undefined
      case 25: return number(half(static_cast<std::uint16_t>(be(2))));
      case 26: {
        const auto bits = static_cast<std::uint32_t>(be(4));
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return number(f);
      }
      case 27: {
        const std::uint64_t bits = be(8);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return number(d);
      }
      default: fail("an unsupported simple value");
    }
  }
  static double half(std::uint16_t h) {
    const int exponent = (h >> 10) & 0x1f;
    const int mantissa = h & 0x3ff;
    double v;
    if (exponent == 0) v = std::ldexp(mantissa, -24);
    else if (exponent != 31) v = std::ldexp(mantissa + 1024, exponent - 25);
    else v = mantissa == 0 ? INFINITY : NAN;
    return (h & 0x8000) ? -v : v;
  }
  json number(double d) const {
    if (!std::isfinite(d)) fail("a number that is not finite");  // JSON cannot carry it
    return json(d);
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  int max_depth_;
};

// ---- encoding ----

class Writer {
 public:
  void head(int major, std::uint64_t n) {
    const auto m = static_cast<std::uint8_t>(major << 5);
    if (n < 24) {
      out_ += static_cast<char>(m | n);
    } else if (n <= 0xff) {
      out_ += static_cast<char>(m | 24);
      put_be(n, 1);
    } else if (n <= 0xffff) {
      out_ += static_cast<char>(m | 25);
      put_be(n, 2);
    } else if (n <= 0xffffffffULL) {
      out_ += static_cast<char>(m | 26);
      put_be(n, 4);
    } else {
      out_ += static_cast<char>(m | 27);
      put_be(n, 8);
    }
  }
  void integer(std::int64_t v) {
    if (v >= 0) head(0, static_cast<std::uint64_t>(v));
    else head(1, static_cast<std::uint64_t>(-(v + 1)));
  }
  void float64(double d) {
    out_ += static_cast<char>(0xfb);
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    put_be(bits, 8);
  }
  void text(const std::string& s) {
    head(3, s.size());
    out_ += s;
  }
  void bytes(const std::string& s) {
    head(2, s.size());
    out_ += s;
  }

  void value(const json& v, const Shape* shape) {
    if (v.is_null()) {
      out_ += static_cast<char>(0xf6);
      return;
    }
    if (shape) {
      switch (shape->type) {
        case ShapeType::Structure: return structure(v, *shape);
        case ShapeType::List:
          if (v.is_array()) return list(v, shape->member.shape);
          break;
        case ShapeType::Map:
          if (v.is_object()) return map(v, shape->value.shape);
          break;
        case ShapeType::Timestamp:
          if (v.is_number()) {
            head(6, 1);  // epoch-based date/time
            return float64(v.get<double>());
          }
          break;
        case ShapeType::Blob:
          if (v.is_string()) {
            auto decoded = base64_decode(v.get_ref<const std::string&>());
            return bytes(decoded ? *decoded : v.get<std::string>());
          }
          break;
        case ShapeType::Double:
        case ShapeType::Float:
          if (v.is_number()) return float64(v.get<double>());
          break;
        default: break;
      }
    }
    untyped(v);
  }

  std::string take() { return std::move(out_); }

 private:
  void put_be(std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_ += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  void structure(const json& v, const Shape& shape) {
    if (!v.is_object()) return untyped(v);
    size_t n = 0;
    for (auto it = v.begin(); it != v.end(); ++it)
      if (!it->is_null()) ++n;
    head(5, n);
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it->is_null()) continue;
      text(it.key());
      const MemberRef* member = shape.find_member(it.key());
      value(*it, member ? member->shape : nullptr);
    }
  }
  void list(const json& v, const Shape* element) {
    head(4, v.size());
    for (const auto& e : v) value(e, element);
  }
  void map(const json& v, const Shape* element) {
    head(5, v.size());
    for (auto it = v.begin(); it != v.end(); ++it) {
      text(it.key());
      value(*it, element);
    }
  }
  void untyped(const json& v) {
    switch (v.type()) {
      case json::value_t::null: out_ += static_cast<char>(0xf6); return;
      case json::value_t::boolean: out_ += static_cast<char>(v.get<bool>() ? 0xf5 : 0xf4); return;
      case json::value_t::number_integer: return integer(v.get<std::int64_t>());
      case json::value_t::number_unsigned: return head(0, v.get<std::uint64_t>());
      case json::value_t::number_float: return float64(v.get<double>());
      case json::value_t::string: return text(v.get_ref<const std::string&>());
      case json::value_t::binary: return bytes(std::string(v.get_binary().begin(), v.get_binary().end()));
      case json::value_t::array: return list(v, nullptr);
      case json::value_t::object: return map(v, nullptr);
      case json::value_t::discarded: out_ += static_cast<char>(0xf7); return;
    }
  }

  std::string out_;
};

}  // namespace

json decode_cbor(std::string_view bytes, int max_depth) {
  Reader reader(bytes, max_depth);
  json out = reader.item(0);
  if (!reader.at_end()) throw std::invalid_argument("malformed CBOR: bytes after the data item");
  return out;
}

std::string encode_cbor(const json& value, const Shape* shape) {
  Writer writer;
  writer.value(value, shape);
  return writer.take();
}

}  // namespace ecslocal::api::protocol
