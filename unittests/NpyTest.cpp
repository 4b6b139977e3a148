//===- NpyTest.cpp - .npy reader ------------------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Utils/Npy.h"

#include "gtest/gtest.h"

using namespace mlir::compress;

TEST(Npy, RoundTripsFloat32) {
  std::string bytes = writeNpy({2, 3}, {1, 2, 3, 4, 5, 6.5f});
  llvm::Expected<NpyArray> array = parseNpy(bytes);
  ASSERT_TRUE(bool(array)) << llvm::toString(array.takeError());
  EXPECT_EQ(array->dtype, "<f4");
  EXPECT_EQ(array->shape, (llvm::SmallVector<int64_t>{2, 3}));
  EXPECT_EQ(array->data, (std::vector<float>{1, 2, 3, 4, 5, 6.5f}));
  // numpy requires the header (with magic and length) to be 64-byte aligned.
  size_t headerLength = uint8_t(bytes[8]) | (uint8_t(bytes[9]) << 8);
  EXPECT_EQ((10 + headerLength) % 64, 0u);
}

TEST(Npy, RejectsBadInput) {
  llvm::Expected<NpyArray> bad = parseNpy("not numpy at all");
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("bad magic"),
            std::string::npos);
  std::string truncated = writeNpy({4}, {1, 2, 3, 4});
  truncated.resize(truncated.size() - 3);
  llvm::Expected<NpyArray> cut = parseNpy(truncated);
  ASSERT_FALSE(bool(cut));
  EXPECT_NE(llvm::toString(cut.takeError()).find("truncated"),
            std::string::npos);
}

/// A .npy file (version 1.0) with `header` as its header dict and `data`.
static std::string npyWithHeader(const std::string &header,
                                 const std::string &data) {
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += char(header.size() & 0xff);
  bytes += char(header.size() >> 8);
  return bytes + header + data;
}

// Regressions found by scripts/fuzz.sh npy: a dtype too short to hold a
// size was read past its end, and a shape whose element count overflows
// int64 made the size arithmetic undefined.
TEST(Npy, RejectsFuzzedHeaders) {
  for (const char *descr : {"", "<", "<f"}) {
    llvm::Expected<NpyArray> bad = parseNpy(
        npyWithHeader(std::string("{'descr': '") + descr +
                          "', 'fortran_order': False, 'shape': (2,), }",
                      std::string(8, '\0')));
    ASSERT_FALSE(bool(bad)) << descr;
    EXPECT_NE(llvm::toString(bad.takeError()).find("unsupported dtype"),
              std::string::npos);
  }
  llvm::Expected<NpyArray> huge = parseNpy(
      npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                    "(4294967296, 4294967296), }",
                    ""));
  ASSERT_FALSE(bool(huge));
  EXPECT_NE(llvm::toString(huge.takeError()).find("too many elements"),
            std::string::npos);
}

TEST(Npy, KeepsIntegersExact) {
  // int64 values beyond float32's exact integers (2^24) and a negative one.
  std::vector<int64_t> values = {(int64_t(1) << 40) + 1, -3, INT64_MIN};
  std::string bytes = writeNpy(
      "<i8", {3},
      llvm::ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                           values.size() * sizeof(int64_t)));
  llvm::Expected<NpyArray> array = parseNpy(bytes);
  ASSERT_TRUE(bool(array)) << llvm::toString(array.takeError());
  EXPECT_EQ(array->dtype, "<i8");
  EXPECT_TRUE(array->isInteger());
  EXPECT_EQ(array->shape, (llvm::SmallVector<int64_t>{3}));
  EXPECT_EQ(array->integers, values);
  // The float32 view rounds, as float32 must.
  EXPECT_EQ(array->data[1], -3.0f);
}

TEST(Npy, WritesOtherDtypes) {
  std::vector<char> flags = {1, 0, 1, 1};
  std::string bytes = writeNpy("|b1", {2, 2}, flags);
  EXPECT_NE(bytes.find("'descr': '|b1'"), std::string::npos);
  EXPECT_NE(bytes.find("'shape': (2, 2)"), std::string::npos);
  llvm::Expected<NpyArray> array = parseNpy(bytes);
  ASSERT_TRUE(bool(array)) << llvm::toString(array.takeError());
  EXPECT_EQ(array->integers, (std::vector<int64_t>{1, 0, 1, 1}));
  EXPECT_FALSE(parseNpy(writeNpy({1}, {1.0f}))->isInteger());
}
