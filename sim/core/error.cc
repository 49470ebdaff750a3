#include "sim/core/error.h"

#include <fmt/format.h>

namespace essim {

std::string FormatDiagnosticHead(const Diagnostic& d) {
  std::string out;
  if (!d.mark.file.empty()) {
    out += d.mark.file;
    if (d.mark.line > 0) {
      out += fmt::format(":{}", d.mark.line);
      if (d.mark.column > 0) out += fmt::format(":{}", d.mark.column);
    }
    out += ": ";
  }
  if (!d.key_path.empty()) out += d.key_path + ": ";
  out += d.message;
  return out;
}

}  // namespace essim
