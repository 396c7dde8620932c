// FuzzInput: deterministic choices drawn from a fuzz input, for targets that need more than
// one byte string (split points, answer modes). The first two bytes seed the choices; the
// rest is the payload, so a seed corpus is plain protocol bytes behind two bytes.
//
//   FuzzInput in(data, size);
//   for (absl::string_view piece : in.Pieces()) codec.Feed(piece);   // split anywhere
// A plain value; no allocation beyond the pieces' views. Header-only, used by fuzzers only.
#ifndef DATABRIDGE_TOOLS_FUZZ_FUZZ_INPUT_H_
#define DATABRIDGE_TOOLS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

namespace databridge::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) {
    if (size >= 2) {
      state_ = (uint32_t{data[0]} << 8 | data[1]) * 2654435761u + 1;
      payload_ = absl::string_view(reinterpret_cast<const char*>(data) + 2, size - 2);
    }
  }

  absl::string_view payload() const { return payload_; }

  // A pseudo-random number in [0, n) (xorshift on the seed bytes); 0 when n == 0.
  uint32_t Next(uint32_t n) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return n == 0 ? 0 : state_ % n;
  }

  bool Flip() { return Next(2) == 1; }

  // The payload cut into pieces of 1..max_piece bytes (all of it at once one time in four).
  std::vector<absl::string_view> Pieces(size_t max_piece = 64) {
    std::vector<absl::string_view> out;
    if (Next(4) == 0) {
      out.push_back(payload_);
      return out;
    }
    for (size_t at = 0; at < payload_.size();) {
      size_t n = 1 + Next(static_cast<uint32_t>(max_piece));
      out.push_back(payload_.substr(at, n));
      at += n;
    }
    return out;
  }

 private:
  uint32_t state_ = 1;
  absl::string_view payload_;
};

}  // namespace databridge::fuzz

#endif  // DATABRIDGE_TOOLS_FUZZ_FUZZ_INPUT_H_
