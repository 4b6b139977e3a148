//===- Npy.cpp - reading NumPy .npy files ---------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Utils/Npy.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <cstring>

namespace mlir::compress {

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static llvm::Error npyError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

/// The value of `key` in the header's Python dict literal, e.g. the text
/// `'<f4'` for 'descr' or `(2, 3)` for 'shape'.
static std::optional<llvm::StringRef> findHeaderValue(llvm::StringRef header,
                                                      llvm::StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  if (rest.starts_with("(")) {
    size_t close = rest.find(')');
    if (close == llvm::StringRef::npos)
      return std::nullopt;
    return rest.take_front(close + 1);
  }
  size_t end = rest.find_first_of(",}");
  return rest.take_front(end).rtrim();
}

static llvm::Expected<llvm::SmallVector<int64_t>>
parseShape(llvm::StringRef text) {
  if (!text.consume_front("(") || !text.consume_back(")"))
    return npyError("malformed shape '" + text + "'");
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0)
      return npyError("malformed shape dimension '" + part + "'");
    shape.push_back(dim);
  }
  // The element count (and its bytes, at most 8 each) must be representable:
  // a header cannot make later arithmetic overflow.
  int64_t count = 1;
  for (int64_t dim : shape)
    if (dim != 0 && count > (INT64_MAX / 8) / dim)
      return npyError("shape '(" + text + ")' has too many elements");
    else
      count *= dim;
  return shape;
}

/// Converts `count` elements of `dtype` at `bytes` to float32 (and float64
/// ones, exactly, to `doubles` too).
static llvm::Error convertElements(llvm::StringRef dtype, const char *bytes,
                                   int64_t count, std::vector<float> &out,
                                   std::vector<int64_t> &integers,
                                   std::vector<double> &doubles) {
  if (dtype.size() < 3)
    return npyError("unsupported dtype '" + dtype + "'");
  char order = dtype[0], kind = dtype[1];
  unsigned size;
  if (dtype.drop_front(2).getAsInteger(10, size))
    return npyError("unsupported dtype '" + dtype + "'");
  if (order == '>' && size > 1)
    return npyError("big-endian dtype '" + dtype + "' is not supported");
  out.resize(count);
  if (kind != 'f')
    integers.resize(count);
  if (kind == 'f' && size == 8)
    doubles.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    const char *p = bytes + i * size;
    float value;
    if (kind == 'f' && size == 4) {
      std::memcpy(&value, p, 4);
    } else if (kind == 'f' && size == 8) {
      double d;
      std::memcpy(&d, p, 8);
      doubles[i] = d;
      value = float(d);
    } else if (kind == 'f' && size == 2) {
      uint16_t h = llvm::support::endian::read16le(p);
      value = llvm::APFloat(llvm::APFloat::IEEEhalf(), llvm::APInt(16, h))
                  .convertToFloat();
    } else if (kind == 'i' &&
               (size == 1 || size == 2 || size == 4 || size == 8)) {
      int64_t v = 0;
      std::memcpy(&v, p, size);
      v = llvm::SignExtend64(uint64_t(v), size * 8);
      integers[i] = v;
      value = float(v);
    } else if ((kind == 'u' || kind == 'b') &&
               (size == 1 || size == 2 || size == 4 || size == 8)) {
      uint64_t v = 0;
      std::memcpy(&v, p, size);
      integers[i] = int64_t(v);
      value = float(v);
    } else {
      return npyError("unsupported dtype '" + dtype +
                      "' (supported: float16/32/64, int8-64, uint8-64, bool)");
    }
    out[i] = value;
  }
  return llvm::Error::success();
}

llvm::Expected<NpyArray> parseNpy(llvm::StringRef contents) {
  if (!contents.starts_with("\x93NUMPY"))
    return npyError("not a .npy file (bad magic)");
  if (contents.size() < 10)
    return npyError("truncated .npy header");
  uint8_t major = contents[6];
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = llvm::support::endian::read16le(contents.data() + 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (contents.size() < 12)
      return npyError("truncated .npy header");
    headerLength = llvm::support::endian::read32le(contents.data() + 8);
    headerStart = 12;
  } else {
    return npyError("unsupported .npy format version " + llvm::Twine(major));
  }
  if (contents.size() < headerStart + headerLength)
    return npyError("truncated .npy header");
  llvm::StringRef header = contents.substr(headerStart, headerLength);

  NpyArray array;
  std::optional<llvm::StringRef> descr = findHeaderValue(header, "descr");
  std::optional<llvm::StringRef> fortran =
      findHeaderValue(header, "fortran_order");
  std::optional<llvm::StringRef> shape = findHeaderValue(header, "shape");
  if (!descr || !fortran || !shape)
    return npyError("malformed .npy header '" + header.trim() + "'");
  if (*fortran != "False")
    return npyError("Fortran-order arrays are not supported; save with "
                    "numpy.ascontiguousarray");
  array.dtype = descr->trim("'\"").str();
  auto parsedShape = parseShape(*shape);
  if (!parsedShape)
    return parsedShape.takeError();
  array.shape = std::move(*parsedShape);

  // '<f4': byte order, kind, size. Anything shorter is no dtype (reading
  // its size would run past it).
  unsigned elementSize = 0;
  if (array.dtype.size() < 3 ||
      llvm::StringRef(array.dtype)
          .drop_front(2)
          .getAsInteger(10, elementSize) ||
      elementSize > 8)
    return npyError("unsupported dtype '" + array.dtype + "'");
  int64_t count = array.numElements();
  llvm::StringRef data = contents.drop_front(headerStart + headerLength);
  if (elementSize == 0 || int64_t(data.size()) < count * elementSize)
    return npyError("truncated .npy data: expected " +
                    llvm::Twine(count * elementSize) + " bytes, found " +
                    llvm::Twine(data.size()));
  if (llvm::Error error =
          convertElements(array.dtype, data.data(), count, array.data,
                          array.integers, array.float64))
    return std::move(error);
  return array;
}

llvm::Expected<NpyArray> readNpyFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return npyError("cannot read '" + path +
                    "': " + buffer.getError().message());
  auto array = parseNpy((*buffer)->getBuffer());
  if (!array)
    return npyError("'" + path + "': " + llvm::toString(array.takeError()));
  return array;
}

std::string writeNpy(llvm::ArrayRef<int64_t> shape,
                     llvm::ArrayRef<float> data) {
  return writeNpy(
      "<f4", shape,
      llvm::ArrayRef<char>(reinterpret_cast<const char *>(data.data()),
                           data.size() * sizeof(float)));
}

std::string writeNpy(llvm::StringRef dtype, llvm::ArrayRef<int64_t> shape,
                     llvm::ArrayRef<char> bytes) {
  std::string dict =
      "{'descr': '" + dtype.str() + "', 'fortran_order': False, 'shape': (";
  for (int64_t d : shape)
    dict += std::to_string(d) + ", ";
  if (!shape.empty())
    dict.resize(dict.size() - (shape.size() == 1 ? 1 : 2));
  dict += "), }";
  // Magic (6) + version (2) + length (2) + dict + padding + '\n' is a
  // multiple of 64.
  size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  std::string out = "\x93NUMPY";
  out += char(1);
  out += char(0);
  out += char(dict.size() & 0xff);
  out += char(dict.size() >> 8);
  out += dict;
  out.append(bytes.data(), bytes.size());
  return out;
}

} // namespace mlir::compress
