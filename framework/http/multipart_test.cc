#include "framework/http/multipart.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace databridge::http {
namespace {

// Records the events as text: "begin name=.. filename=.. type=..", "data ..", "end".
class Recorder : public MultipartParser::Sink {
 public:
  absl::Status OnPartBegin(const PartHead& head) override {
    events.push_back("begin name=" + head.name.value_or("<none>") + " filename=" +
                     head.filename.value_or("<none>") + " type=" + head.content_type);
    data.clear();
    return absl::OkStatus();
  }
  absl::Status OnPartData(absl::string_view d) override {
    data.append(d.data(), d.size());
    return absl::OkStatus();
  }
  absl::Status OnPartEnd() override {
    events.push_back("data " + data);
    events.push_back("end");
    return absl::OkStatus();
  }
  std::vector<std::string> events;
  std::string data;
};

// The events of `body` fed whole, and fed in every two-piece split and byte by byte: the
// same, whatever the pieces (a failure is recorded as an "error" event).
std::vector<std::string> Events(const std::string& body) {
  auto run = [&](const std::vector<size_t>& cuts) {
    Recorder r;
    MultipartParser p("XyZ", &r);
    size_t at = 0;
    for (size_t cut : cuts) {
      if (!p.Feed(absl::string_view(body).substr(at, cut - at)).ok()) {
        r.events.push_back("error");
        return r.events;
      }
      at = cut;
    }
    if (!p.Feed(absl::string_view(body).substr(at)).ok()) r.events.push_back("error");
    if (p.done()) r.events.push_back("done");
    return r.events;
  };
  std::vector<std::string> whole = run({});
  for (size_t cut = 0; cut <= body.size(); ++cut) {
    EXPECT_EQ(run({cut}), whole) << "split at " << cut;
  }
  std::vector<size_t> bytes;
  for (size_t k = 1; k < body.size(); ++k) bytes.push_back(k);
  EXPECT_EQ(run(bytes), whole) << "byte by byte";
  return whole;
}

using V = std::vector<std::string>;

TEST(MultipartTest, PartsFieldsAndFiles) {
  EXPECT_EQ(
      Events("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
             "Content-Type: text/plain\r\n\r\nhello\r\nworld\r\n--XyZ\r\n"
             "Content-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--XyZ--\r\nepilogue"),
      (V{"begin name=file filename=a.txt type=text/plain", "data hello\r\nworld", "end",
         "begin name=note filename=<none> type=", "data hi", "end", "done"}));
}

TEST(MultipartTest, DataThatLooksLikeABoundaryIsData) {
  EXPECT_EQ(Events("\r\n--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
                   "x\r\n--XyZz\r\n--Xy\r\r\n--XyZ--"),
            (V{"begin name=a filename=<none> type=", "data x\r\n--XyZz\r\n--Xy\r", "end", "done"}));
}

TEST(MultipartTest, NoPartsAndTruncatedBodies) {
  EXPECT_EQ(Events("--XyZ--\r\n"), (V{"done"}));
  // The body ends inside a part: it never ends, so it is not used.
  EXPECT_EQ(Events("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nhel"),
            (V{"begin name=a filename=<none> type="}));
}

TEST(MultipartTest, MalformedFramingFails) {
  EXPECT_EQ(Events("garbage"), (V{"error"}));
  EXPECT_EQ(Events("preamble\r\n--XyZ\r\n"), (V{"error"}));
  EXPECT_EQ(Events("--XyZx"), (V{"error"}));
  EXPECT_EQ(Events("--XyZ\r\nno colon\r\n\r\n"), (V{"error"}));
  EXPECT_EQ(Events("--XyZ\r\nA: b\n\r\n"), (V{"error"}));
  Recorder r;
  MultipartParser p("XyZ", &r);
  std::string huge = "--XyZ\r\nX: " + std::string(MultipartParser::kMaxHeaderBytes, 'a');
  EXPECT_FALSE(p.Feed(huge).ok());
}

TEST(MultipartTest, ContentDispositionAndBoundary) {
  auto [type, options] = ParseOptionsHeader(
      "form-data; name=\"f\\\"x\"; filename=\"C:\\\\dir\\\\a.txt\"; X=1; "
      "filename*=UTF-8''%C3%A9.txt");
  EXPECT_EQ(type, "form-data");
  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(options[0], (std::pair<std::string, std::string>("name", "f\"x")));
  EXPECT_EQ(options[1].second, "\xC3\xA9.txt");  // the RFC 2231 form, given last, wins
  EXPECT_EQ(options[2], (std::pair<std::string, std::string>("x", "1")));
  EXPECT_EQ(ParseOptionsHeader("form-data; filename=\"C:\\\\dir\\\\a.txt\"").second[0].second,
            "a.txt");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=\"a b\""), "a b");
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data;boundary=xyz"), "xyz");
  EXPECT_EQ(MultipartBoundary("multipart/form-data"), std::nullopt);
  EXPECT_EQ(MultipartBoundary("multipart/mixed; boundary=x"), std::nullopt);
}

}  // namespace
}  // namespace databridge::http
